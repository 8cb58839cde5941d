/**
 * The texts of the role homes, the outbreak overview, the quarantine orders, the audit log viewer, staff management's
 * account actions and the new-password form exist in both languages, key for key (Vietnamese travels with the staff
 * chunk, English in the English chunk: a key missing from one shows as its raw name there).
 */
import { describe, expect, it } from 'vitest';
import en from '../../i18n/en.json';
import homeAdminEn from '../../i18n/home-admin.en.json';
import vi from '../../i18n/vi.json';
import auditVi from '../audit/texts.vi.json';
import setPasswordVi from '../auth/set-password.vi.json';
import quarantineVi from '../cases/quarantine.vi.json';
import staffVi from '../staff/texts.vi.json';
import homeVi from './texts.vi.json';

/** Every key path of a nested texts object ("roleHome.leader.title"). */
function keys(texts: object, prefix = ''): string[] {
  return Object.entries(texts).flatMap(([k, v]) =>
    v && typeof v === 'object' ? keys(v as object, `${prefix}${k}.`) : [`${prefix}${k}`],
  );
}

describe('the texts of every role home and the admin tools', () => {
  it('has the same keys in Vietnamese and English', () => {
    const viKeys = keys({ ...homeVi, ...quarantineVi, ...auditVi, ...staffVi, ...setPasswordVi }).sort();
    expect(viKeys).toEqual(keys(homeAdminEn).sort());
  });

  it('names the new navigation entries in both languages', () => {
    for (const key of ['dashboard', 'quarantine', 'audit']) {
      expect((vi.nav as Record<string, string>)[key], key).toBeTruthy();
      expect((en.nav as Record<string, string>)[key], key).toBeTruthy();
    }
  });
});
