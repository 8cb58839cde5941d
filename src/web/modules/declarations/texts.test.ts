/**
 * The declaration screens' texts exist in both languages, key for key: Vietnamese in two parts (the navigation and
 * today's badge in the citizen entry, the pages' texts with their chunks), English whole in the English chunk.
 */
import { describe, expect, it } from 'vitest';
import en from '../../i18n/declarations.en.json';
import entryVi from '../../i18n/declarations.vi.json';
import { FLAG_REASONS, HEALTH_TASK_STATUSES } from '../../lib/declarations-values.ts';
import pagesVi from './texts.vi.json';

function keys(texts: object, prefix = ''): string[] {
  return Object.entries(texts).flatMap(([k, v]) =>
    v && typeof v === 'object' ? keys(v as object, `${prefix}${k}.`) : [`${prefix}${k}`],
  );
}

describe('the declaration texts', () => {
  it('has the same keys in Vietnamese and English', () => {
    const vi = { declarations: { ...entryVi.declarations, ...pagesVi.declarations } };
    expect(keys(vi).sort()).toEqual(keys(en).sort());
  });

  it('names every reason and task status the server knows', () => {
    for (const r of FLAG_REASONS) expect((pagesVi.declarations.reasons as Record<string, string>)[r], r).toBeTruthy();
    for (const s of HEALTH_TASK_STATUSES)
      expect((pagesVi.declarations.tasks.status as Record<string, string>)[s], s).toBeTruthy();
  });
});
