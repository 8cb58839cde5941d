/** Small helpers of the vaccination pages: Asia/Ho_Chi_Minh local input values and photo reading. */

const VN_OFFSET_MS = 7 * 3_600_000;

/** `YYYY-MM-DDTHH:mm` of now in Asia/Ho_Chi_Minh (a datetime-local input's value). */
export function localNowInput(): string {
  return new Date(Date.now() + VN_OFFSET_MS).toISOString().slice(0, 16);
}

/** Today's date in Asia/Ho_Chi_Minh. */
export function localToday(): string {
  return new Date(Date.now() + VN_OFFSET_MS).toISOString().slice(0, 10);
}

/** A datetime-local value read as Asia/Ho_Chi_Minh time, as an ISO instant. */
export function fromLocalInput(value: string): string {
  return new Date(`${value}:00+07:00`).toISOString();
}

/** Reads a chosen photo as a data URL (the API takes it so). */
export function readPhoto(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(file);
  });
}

/** A share 0–1 as a percentage with one decimal; a dash when unknown. */
export function percent(share: number | null): string {
  return share === null ? '–' : `${(share * 100).toFixed(1)}%`;
}
