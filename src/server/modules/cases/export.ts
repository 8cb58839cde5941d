/**
 * The F1/F2 list of a case as a spreadsheet: one row per contact, as the reader may see them (someone living outside
 * the reader's area is their district only), times in Việt Nam time with their offset. Written by the app's one CSV
 * writer (`platform/csv.ts`), which neutralises formula-looking cells.
 */
import { toCsv } from '../../platform/csv.ts';
import type { ContactView } from './schemas.ts';

const VN_OFFSET_MS = 7 * 3600_000;

/** `2026-12-04T15:20:00+07:00`: the instant as a Vietnamese reader's clock shows it, unambiguous. */
export function vietnamTime(iso: string | undefined): string | null {
  if (!iso) return null;
  return `${new Date(Date.parse(iso) + VN_OFFSET_MS).toISOString().slice(0, 19)}+07:00`;
}

export const CONTACTS_CSV_HEADER = [
  'degree',
  'person_id',
  'name',
  'phone',
  'unit_code',
  'unit',
  'out_of_scope_district',
  'via',
  'venue',
  'overlap_start',
  'overlap_end',
  'overlap_minutes',
  'through',
  'evidence_count',
  'confirmation',
  'follow_up',
  'quarantine_kind',
  'quarantine_starts_on',
  'quarantine_ends_on',
  'quarantine_status',
];

export function contactsCsv(contacts: ContactView[]): string {
  return toCsv(
    CONTACTS_CSV_HEADER,
    contacts.map((c) => [
      `F${c.degree}`,
      c.personId,
      c.name,
      c.phone,
      c.unitCode,
      c.unitFullName,
      c.district?.name ?? null,
      c.via.type,
      c.via.venueName ?? null,
      vietnamTime(c.via.overlapStart),
      vietnamTime(c.via.overlapEnd),
      c.via.overlapMinutes ?? null,
      c.via.throughName ?? null,
      c.evidenceCount,
      c.confirmation,
      c.followUp,
      c.quarantine?.kind ?? null,
      c.quarantine?.startsOn ?? null,
      c.quarantine?.endsOn ?? null,
      c.quarantine?.status ?? null,
    ]),
  );
}
