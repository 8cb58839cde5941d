/** Small helpers of the vaccination pages: photo reading and shares (local times: `lib/time.ts`). */

/** Reads a chosen photo as a data URL (the API takes it so). */
export function readPhoto(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(file);
  });
}
