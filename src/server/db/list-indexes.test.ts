/**
 * The trigram index on folded names (migration 0024) is only used while the searches fold names with the very
 * strings the migration froze into the index expression: if platform/formats.ts ever changes them, a new migration
 * must rebuild the index (and this test must be pointed at it).
 */
import { describe, expect, it } from 'vitest';
import { SQL_FOLD_FROM, SQL_FOLD_TO } from '../platform/formats.ts';
import { FOLD_FROM, FOLD_TO } from './migrations/0024_list_pages.ts';

describe('people_name_fold_trgm_idx', () => {
  it('folds names with the strings the searches use', () => {
    expect(FOLD_FROM).toBe(SQL_FOLD_FROM);
    expect(FOLD_TO).toBe(SQL_FOLD_TO);
  });
});
