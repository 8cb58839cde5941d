/** undefined when empty, null when not a plausible year, else the year. */
export function parseBirthYear(text: string): number | undefined | null {
  const trimmed = text.trim();
  if (!trimmed) return undefined;
  if (!/^\d{4}$/.test(trimmed)) return null;
  const year = Number(trimmed);
  return year >= 1880 && year <= new Date().getFullYear() ? year : null;
}
