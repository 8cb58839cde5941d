/**
 * The sightings file a phone app (or the simulator) exports and `truyvet en match` and the web's exposure check
 * read: a JSON array of `{rpi: hex, at: Unix seconds, attenuation: dB}`.
 */
import { fromHex, toHex } from './crypto.ts';
import type { Observation } from './matching.ts';

export interface ObservedEntry {
  rpi: string;
  at: number;
  attenuation: number;
}

/** Parses a sightings file; throws naming the first bad entry. */
export function parseObservedJson(text: string): Observation[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new TypeError('the sightings file is not JSON');
  }
  if (!Array.isArray(data)) throw new TypeError('the sightings file must be a JSON array');
  return data.map((entry: unknown, i) => {
    const e = (entry ?? {}) as { rpi?: unknown; at?: unknown; attenuation?: unknown };
    if (typeof e.rpi !== 'string' || !/^[0-9a-fA-F]{32}$/.test(e.rpi)) {
      throw new TypeError(`entry ${i}: rpi must be 32 hex digits`);
    }
    if (typeof e.at !== 'number' || !Number.isFinite(e.at)) throw new TypeError(`entry ${i}: at must be Unix seconds`);
    if (typeof e.attenuation !== 'number' || !Number.isFinite(e.attenuation)) {
      throw new TypeError(`entry ${i}: attenuation must be a number (dB)`);
    }
    return { rpi: fromHex(e.rpi), at: e.at, attenuation: e.attenuation };
  });
}

/** The file form of sightings; entries without a stated attenuation are left out. */
export function toObservedJson(observations: readonly Observation[]): ObservedEntry[] {
  return observations
    .filter((o) => o.attenuation !== undefined)
    .map((o) => ({ rpi: toHex(o.rpi), at: o.at, attenuation: o.attenuation as number }));
}
