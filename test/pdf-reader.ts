/**
 * A small reader for the PDFs the server writes with pdfkit, for tests: the objects, their streams (FlateDecode
 * inflated), the text of each page through the fonts' ToUnicode maps, and the filled rectangles of a page. It reads
 * what pdfkit writes (one xref table, `n 0 obj … endobj`, hex-string TJ/Tj with two-byte glyph ids), not every PDF.
 */
import { inflateSync } from 'node:zlib';

export interface PdfObject {
  id: number;
  dict: string;
  stream?: Buffer;
}

export interface PdfPage {
  /** the page's text, a line per text block, in drawing order */
  text: string;
  /** every `x y w h re` of the page's content, in pdfkit's user space (origin top left after its flip) */
  rects: Array<{ x: number; y: number; w: number; h: number }>;
}

export function readPdf(pdf: Buffer): { objects: Map<number, PdfObject>; pages: PdfPage[]; info: string } {
  const latin = pdf.toString('latin1');
  if (!latin.startsWith('%PDF-')) throw new Error('not a PDF');
  if (!/%%EOF\s*$/.test(latin)) throw new Error('no %%EOF');
  const objects = new Map<number, PdfObject>();
  const re = /(\d+) 0 obj\s*([\s\S]*?)endobj/g;
  for (let m = re.exec(latin); m; m = re.exec(latin)) {
    const id = Number(m[1]);
    const body = m[2] ?? '';
    const at = body.indexOf('stream\n');
    if (at < 0) {
      objects.set(id, { id, dict: body.trim() });
      continue;
    }
    const dict = body.slice(0, at).trim();
    const start = (m.index ?? 0) + m[0].indexOf('stream\n') + 'stream\n'.length;
    const length = Number(/\/Length (\d+)/.exec(dict)?.[1] ?? -1);
    if (length < 0) throw new Error(`object ${id}: stream without a /Length`);
    let stream = pdf.subarray(start, start + length);
    if (dict.includes('/FlateDecode')) stream = inflateSync(stream);
    objects.set(id, { id, dict, stream });
  }
  const ref = (dict: string, key: string) => {
    const m = new RegExp(`/${key} (\\d+) 0 R`).exec(dict);
    return m ? objects.get(Number(m[1])) : undefined;
  };
  const pages: PdfPage[] = [];
  for (const page of [...objects.values()].filter((o) => /\/Type \/Page\b(?!s)/.test(o.dict))) {
    // fonts of the page: resource name → glyph id → text
    const resources = ref(page.dict, 'Resources')?.dict ?? page.dict;
    const fontsDict = /\/Font <<([\s\S]*?)>>/.exec(resources)?.[1] ?? '';
    const fonts = new Map<string, Map<number, string>>();
    for (const f of fontsDict.matchAll(/\/(\w+) (\d+) 0 R/g)) {
      const font = objects.get(Number(f[2]));
      const cmap = font ? ref(font.dict, 'ToUnicode')?.stream?.toString('latin1') : undefined;
      fonts.set(f[1] as string, cmap ? parseToUnicode(cmap) : new Map());
    }
    const contents = ref(page.dict, 'Contents')?.stream?.toString('latin1') ?? '';
    const lines: string[] = [];
    const rects: PdfPage['rects'] = [];
    let font = new Map<number, string>();
    let line = '';
    const tokens =
      /\/(\w+) [\d.]+ Tf|\[((?:<[0-9a-fA-F]*>|\s|-?[\d.]+)*)\] TJ|<([0-9a-fA-F]*)> Tj|(-?[\d.]+) (-?[\d.]+) (-?[\d.]+) (-?[\d.]+) re|\bET\b/g;
    for (const t of contents.matchAll(tokens)) {
      if (t[1]) font = fonts.get(t[1]) ?? new Map();
      else if (t[2] !== undefined || t[3] !== undefined) {
        const hexes =
          t[2] !== undefined ? [...t[2].matchAll(/<([0-9a-fA-F]*)>/g)].map((h) => h[1] ?? '') : [t[3] ?? ''];
        for (const hex of hexes)
          for (let i = 0; i + 4 <= hex.length; i += 4) line += font.get(parseInt(hex.slice(i, i + 4), 16)) ?? '\uFFFD';
      } else if (t[4] !== undefined) {
        rects.push({ x: Number(t[4]), y: Number(t[5]), w: Number(t[6]), h: Number(t[7]) });
      } else if (t[0] === 'ET') {
        lines.push(line);
        line = '';
      }
    }
    pages.push({ text: lines.join('\n'), rects });
  }
  const info = [...objects.values()].find((o) => o.dict.includes('/Producer'))?.dict ?? '';
  return { objects, pages, info };
}

/** A ToUnicode CMap's bfrange / bfchar entries: glyph id → text. */
function parseToUnicode(cmap: string): Map<number, string> {
  const map = new Map<number, string>();
  const utf16 = (hex: string) => {
    const clean = hex.replace(/\s/g, '');
    const units: number[] = [];
    for (let i = 0; i + 4 <= clean.length; i += 4) units.push(parseInt(clean.slice(i, i + 4), 16));
    return String.fromCharCode(...units);
  };
  for (const block of cmap.matchAll(/beginbfrange([\s\S]*?)endbfrange/g)) {
    for (const r of (block[1] ?? '').matchAll(/<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*(\[[^\]]*\]|<[0-9a-fA-F\s]+>)/g)) {
      const start = parseInt(r[1] ?? '0', 16);
      const target = r[3] ?? '';
      if (target.startsWith('[')) {
        for (const [i, u] of [...target.matchAll(/<([0-9a-fA-F\s]*)>/g)].entries())
          map.set(start + i, utf16(u[1] ?? ''));
      } else {
        const end = parseInt(r[2] ?? '0', 16);
        const base = utf16(target.slice(1, -1));
        for (let g = start; g <= end; g++) map.set(g, String.fromCharCode(base.charCodeAt(0) + (g - start)));
      }
    }
  }
  for (const block of cmap.matchAll(/beginbfchar([\s\S]*?)endbfchar/g)) {
    for (const c of (block[1] ?? '').matchAll(/<([0-9a-fA-F]+)>\s*<([0-9a-fA-F\s]+)>/g)) {
      map.set(parseInt(c[1] ?? '0', 16), utf16(c[2] ?? ''));
    }
  }
  return map;
}
