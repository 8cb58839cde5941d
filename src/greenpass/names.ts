/**
 * Names on a DCC: `fn`/`gn` as written and `fnt`/`gnt` transliterated per ICAO 9303 Part 3 (machine-readable zone
 * characters: A–Z and `<` for a space or hyphen). Vietnamese letters lose their diacritics (Ă Â → A, Ê → E, Ô Ơ → O,
 * Ư → U, and the tone marks) and Đ becomes D, as the ICAO table has it. A Vietnamese full name is written family name
 * first: the last word is the given name, the words before it the surname and middle names (Nguyễn Văn Phát →
 * NGUYEN<VAN / PHAT).
 */
export function icaoTransliterate(text: string): string {
  return text
    .replace(/[đĐ]/g, 'D')
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toUpperCase()
    .replace(/[ÆǼ]/g, 'AE')
    .replace(/Œ/g, 'OE')
    .replace(/ß/g, 'SS')
    .replace(/Ø/g, 'OE')
    .replace(/Þ/g, 'TH')
    .replace(/[\s\-–]+/g, '<')
    .replace(/[^A-Z<]/g, '')
    .replace(/^<+|<+$/g, '')
    .slice(0, 80);
}

export interface DccName {
  fn?: string;
  fnt: string;
  gn?: string;
  gnt?: string;
}

/** Splits a Vietnamese full name into the DCC's surname and given name, with their transliterations. */
export function vietnameseDccName(fullName: string): DccName {
  const words = fullName.trim().split(/\s+/).filter(Boolean);
  if (words.length <= 1) {
    const only = words[0] ?? '';
    return { fn: only, fnt: icaoTransliterate(only) };
  }
  const gn = words[words.length - 1] as string;
  const fn = words.slice(0, -1).join(' ');
  return { fn: fn.slice(0, 80), fnt: icaoTransliterate(fn), gn: gn.slice(0, 80), gnt: icaoTransliterate(gn) };
}

const UVCI_CHARSET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ/:';

/** Luhn mod N check character over the UVCI's characters (the eHealth Network's UVCI guideline, Annex 2). */
export function uvciCheckCharacter(uvci: string): string {
  const n = UVCI_CHARSET.length;
  let factor = 2;
  let sum = 0;
  const chars = uvci.toUpperCase().replace(/[^0-9A-Z/:]/g, '');
  for (let i = chars.length - 1; i >= 0; i--) {
    let addend = factor * UVCI_CHARSET.indexOf(chars[i] as string);
    factor = factor === 2 ? 1 : 2;
    addend = Math.floor(addend / n) + (addend % n);
    sum += addend;
  }
  return UVCI_CHARSET[(n - (sum % n)) % n] as string;
}

/** `URN:UVCI:01:VN:<issuer>/<opaque id>#<check>` — version 01, country VN, an opaque unique id. */
export function makeUvci(issuerEntity: string, opaqueId: string): string {
  const body = `URN:UVCI:01:VN:${issuerEntity}/${opaqueId.toUpperCase()}`;
  return `${body}#${uvciCheckCharacter(body)}`;
}
