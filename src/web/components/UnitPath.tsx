import { api } from '../lib/api.ts';
import type { UnitDetail } from '../lib/api-types.ts';
import { useApiGet } from '../lib/useApiGet.ts';

/** "Ấp 5, Xã An Phước, Huyện Long Thành, Tỉnh Đồng Nai": a unit with its ancestors, nearest first. */
export function unitPathText(unit: UnitDetail): string {
  return [unit.name, ...[...unit.ancestors].reverse().map((a) => a.name)].join(', ');
}

/** The full path of unit `code`; shows `fallback` until it is loaded (or if it cannot be). */
export function UnitPath({ code, fallback }: { code: string; fallback: string }) {
  const { data } = useApiGet<UnitDetail>(`/admin-units/${encodeURIComponent(code)}`);
  return <>{data ? unitPathText(data) : fallback}</>;
}

/** The parents of unit `code` as one line ("Thành phố Biên Hòa, Tỉnh Đồng Nai"), or null. */
export async function loadParentLine(code: string): Promise<string | null> {
  try {
    const unit = await api<UnitDetail>('GET', `/admin-units/${encodeURIComponent(code)}`);
    const parents = [...unit.ancestors].reverse().map((a) => a.name);
    return parents.length > 0 ? parents.join(', ') : null;
  } catch {
    return null;
  }
}
