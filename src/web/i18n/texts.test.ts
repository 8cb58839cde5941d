/**
 * The app's main texts and the cases and check-ins texts exist in both languages, key for key (Vietnamese in the
 * citizen entry, English in the English chunk: a key missing from one shows as its raw name there). English may split
 * a count into plural forms (`results_one`, `results_other`) where Vietnamese has one text (`results`). The main
 * Vietnamese texts include the staff chunk's part of them (the national IDs to verify: modules/people/texts.vi.json).
 */
import { describe, expect, it } from 'vitest';
import peopleStaffVi from '../modules/people/texts.vi.json';
import casesEn from './cases.en.json';
import casesVi from './cases.vi.json';
import checkinsEn from './checkins.en.json';
import checkinsVi from './checkins.vi.json';
import en from './en.json';
import vi from './vi.json';

/** Every key path of a nested texts object ("people.nationalIdNotVerified"), plural forms as their base key. */
function keys(texts: object, prefix = ''): string[] {
  const all = Object.entries(texts).flatMap(([k, v]) =>
    v && typeof v === 'object' ? keys(v as object, `${prefix}${k}.`) : [`${prefix}${k.replace(/_(one|other)$/, '')}`],
  );
  return [...new Set(all)].sort();
}

describe('the texts in both languages', () => {
  it.each([
    ['main', { ...vi, people: { ...vi.people, ...peopleStaffVi.people } }, en],
    ['cases', casesVi, casesEn],
    ['check-ins', checkinsVi, checkinsEn],
  ])('%s: has the same keys in Vietnamese and English', (_name, viTexts, enTexts) => {
    expect(keys(viTexts)).toEqual(keys(enTexts));
  });
});
