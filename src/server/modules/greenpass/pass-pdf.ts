/**
 * The printable green pass (issue 17 item 3): one A4 page per certificate in force — the holder's name and birth
 * date, the status in words, the validity, the certificate identifier and the QR, large (120 mm) and black on white,
 * drawn as vector squares (sharp at any printer resolution, and no image to encode: a render takes a few
 * milliseconds). pdfkit with Noto Sans embedded for Vietnamese, as the venue poster (venues module) uses.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import PDFDocument from 'pdfkit';
import QRCode from 'qrcode';
import { localDateText } from '../../platform/sms.ts';
import type { GpType } from './constants.ts';

const fontFile = (name: string) => fileURLToPath(new URL(`../../../../assets/fonts/${name}`, import.meta.url));
/** the font files, read once (each PDF still parses and subsets them) */
let fonts: { regular: Buffer; bold: Buffer } | undefined;

/** 1 mm in PDF points */
const MM = 72 / 25.4;
/** the QR's printed side, quiet zone included */
export const PASS_QR_SIDE_MM = 120;
/** quiet zone around the QR, in modules (the QR standard asks for 4) */
const QUIET = 4;
/**
 * Error correction of the printed QR: Q (25 %) — a creased or stained paper still scans. The screen's QR is M; the
 * code texts are the same, only the drawing differs.
 */
export const PASS_QR_ECL = 'Q';

export interface PassPdfItem {
  type: GpType;
  qr: string;
  /** the status in words, Vietnamese ("Đã tiêm đủ 2/2 mũi") */
  summary: string;
  validFrom: Date;
  validUntil: Date;
  uvci: string;
}

export interface PassPdfInput {
  name: string;
  /** birth date YYYY-MM-DD, or a year */
  birth: string;
  items: PassPdfItem[];
  /** when the PDF was made (printed on it) */
  now: Date;
}

const TYPE_WORDS: Record<GpType, string> = {
  v: 'Chứng nhận tiêm chủng / Vaccination certificate',
  t: 'Chứng nhận xét nghiệm / Test certificate',
  r: 'Chứng nhận khỏi bệnh / Recovery certificate',
};

/** 1990-05-17 → 17/05/1990; a year stays a year */
function birthText(birth: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(birth);
  return m ? `${m[3]}/${m[2]}/${m[1]}` : birth || '—';
}

/** The QR's dark modules as horizontal runs: [row, first column, length]. */
export function qrRuns(text: string): { size: number; runs: Array<[number, number, number]> } {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: PASS_QR_ECL });
  const runs: Array<[number, number, number]> = [];
  for (let row = 0; row < modules.size; row++) {
    let start = -1;
    for (let col = 0; col <= modules.size; col++) {
      const dark = col < modules.size && modules.get(row, col) === 1;
      if (dark && start < 0) start = col;
      if (!dark && start >= 0) {
        runs.push([row, start, col - start]);
        start = -1;
      }
    }
  }
  return { size: modules.size, runs };
}

/** Renders the PDF: a page per certificate; with none, one page that says so. */
export async function renderPassPdf(input: PassPdfInput): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    margin: 48,
    info: { Title: `Thẻ xanh COVID — ${input.name}`, Author: 'Truyvet', CreationDate: input.now },
    autoFirstPage: false,
  });
  fonts ??= {
    regular: readFileSync(fontFile('NotoSansVN-Regular.ttf')),
    bold: readFileSync(fontFile('NotoSansVN-Bold.ttf')),
  };
  doc.registerFont('regular', fonts.regular);
  doc.registerFont('bold', fonts.bold);
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve) => doc.on('end', () => resolve(Buffer.concat(chunks))));

  const header = () => {
    doc.addPage();
    const width = doc.page.width - 96;
    doc.rect(0, 0, doc.page.width, 86).fill('#000000');
    doc.fillColor('#ffffff').font('bold').fontSize(26).text('THẺ XANH COVID', 48, 20, { width, align: 'center' });
    doc
      .font('regular')
      .fontSize(11)
      .text('COVID-19 green pass — EU Digital COVID Certificate (HCERT)', 48, 56, { width, align: 'center' });
    doc.fillColor('#000000');
    return width;
  };
  const person = (width: number) => {
    doc
      .font('bold')
      .fontSize(22)
      .text(input.name || '—', 48, 104, { width, align: 'center', height: 64, ellipsis: true });
    doc
      .font('regular')
      .fontSize(14)
      .text(`Ngày sinh / Date of birth: ${birthText(input.birth)}`, 48, doc.y + 2, { width, align: 'center' });
  };

  if (input.items.length === 0) {
    const width = header();
    person(width);
    doc
      .font('bold')
      .fontSize(16)
      .text('Chưa có chứng nhận nào còn hiệu lực. / No certificate in force.', 48, doc.y + 24, {
        width,
        align: 'center',
      });
  }
  for (const item of input.items) {
    const width = header();
    person(width);
    doc
      .font('bold')
      .fontSize(24)
      .text(item.summary, 48, doc.y + 10, { width, align: 'center' });
    doc
      .font('regular')
      .fontSize(12)
      .text(TYPE_WORDS[item.type], 48, doc.y + 2, { width, align: 'center' });

    const { size, runs } = qrRuns(item.qr);
    const side = PASS_QR_SIDE_MM * MM;
    const cell = side / (size + 2 * QUIET);
    const left = (doc.page.width - side) / 2;
    const top = doc.y + 12;
    doc.rect(left, top, side, side).fill('#ffffff');
    for (const [row, col, length] of runs) {
      doc.rect(left + (QUIET + col) * cell, top + (QUIET + row) * cell, length * cell, cell);
    }
    doc.fill('#000000');

    doc.y = top + side + 10;
    doc
      .font('bold')
      .fontSize(13)
      .text(`Hiệu lực từ ${localDateText(item.validFrom)} đến ${localDateText(item.validUntil)}`, 48, doc.y, {
        width,
        align: 'center',
      });
    doc
      .font('regular')
      .fontSize(10)
      .text(`Valid from ${localDateText(item.validFrom)} until ${localDateText(item.validUntil)} (UTC+7)`, {
        width,
        align: 'center',
      });
    doc
      .fontSize(9)
      .fillColor('#333333')
      .text(`Mã chứng nhận / Certificate ID: ${item.uvci}`, 48, doc.y + 6, {
        width,
        align: 'center',
      });
    doc
      .fontSize(9)
      .text(
        'Mã QR theo chuẩn Chứng nhận COVID số của EU: mọi ứng dụng kiểm tra đều đọc được, không cần mạng. ' +
          'Any EU DCC verifier app reads this code offline.',
        48,
        doc.page.height - 100,
        { width, align: 'center' },
      );
    doc.text(`In lúc / Printed ${localDateText(input.now)} · Truyvet`, 48, doc.y + 2, { width, align: 'center' });
    doc.fillColor('#000000');
  }
  doc.end();
  return done;
}
