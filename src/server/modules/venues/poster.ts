/**
 * The printable A4 poster for a venue's door: title, venue name and address, the QR code, how to check in (in
 * Vietnamese, with a short English line), and the short code to type. Noto Sans is embedded for Vietnamese text.
 */
import { fileURLToPath } from 'node:url';
import PDFDocument from 'pdfkit';
import QRCode from 'qrcode';

const FONT_REGULAR = fileURLToPath(new URL('../../../../assets/fonts/NotoSans-Regular.ttf', import.meta.url));
const FONT_BOLD = fileURLToPath(new URL('../../../../assets/fonts/NotoSans-Bold.ttf', import.meta.url));

export interface PosterInput {
  name: string;
  address: string;
  unitName: string | null;
  shortCode: string;
  qr: string;
  categoryLabel: string;
}

/** Renders the poster PDF to a buffer. */
export async function renderPoster(input: PosterInput): Promise<Buffer> {
  const qrPng = await QRCode.toBuffer(input.qr, { errorCorrectionLevel: 'M', margin: 1, width: 900 });
  const doc = new PDFDocument({ size: 'A4', margin: 48, info: { Title: `Mã QR — ${input.name}`, Author: 'Truyvet' } });
  doc.registerFont('regular', FONT_REGULAR);
  doc.registerFont('bold', FONT_BOLD);
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve) => doc.on('end', () => resolve(Buffer.concat(chunks))));

  const width = doc.page.width - 96;
  doc.rect(0, 0, doc.page.width, 100).fill('#0b5cab');
  doc.fillColor('#ffffff').font('bold').fontSize(26).text('QUÉT MÃ QR KHI VÀO', 48, 26, { width, align: 'center' });
  doc
    .font('regular')
    .fontSize(13)
    .text('Khai báo ra vào địa điểm — phòng, chống dịch', 48, 64, { width, align: 'center' });

  // Everything must fit one A4 page (pdfkit starts a new page for text past the bottom margin): the name gets at most
  // two lines, in smaller type when long, and the address two lines; past that they end in an ellipsis (names run
  // to 200 characters, addresses to 300).
  doc.fillColor('#111111').font('bold');
  let nameSize = 22;
  const twoLines = () => 2 * doc.currentLineHeight(true) + 1;
  while (nameSize > 14 && doc.fontSize(nameSize).heightOfString(input.name, { width }) > twoLines()) nameSize -= 2;
  doc.fontSize(nameSize).text(input.name, 48, 124, { width, align: 'center', height: twoLines(), ellipsis: true });
  doc.font('regular').fontSize(12).fillColor('#333333');
  doc.text(input.categoryLabel, 48, doc.y, { width, align: 'center' });
  doc.text([input.address, input.unitName].filter(Boolean).join(', '), 48, doc.y, {
    width,
    align: 'center',
    height: twoLines(),
    ellipsis: true,
  });

  const qrSize = 280;
  const qrTop = doc.y + 14;
  doc.image(qrPng, (doc.page.width - qrSize) / 2, qrTop, { width: qrSize, height: qrSize });

  doc.y = qrTop + qrSize + 14;
  doc
    .font('regular')
    .fontSize(12)
    .fillColor('#111111')
    .text('Không quét được? Nhập mã địa điểm:', 48, doc.y, { width, align: 'center' });
  doc
    .font('bold')
    .fontSize(30)
    .fillColor('#0b5cab')
    .text(input.shortCode, { width, align: 'center', characterSpacing: 3 });

  doc
    .font('bold')
    .fontSize(14)
    .fillColor('#111111')
    .text('Cách khai báo', 48, doc.y + 12, { width });
  doc.font('regular').fontSize(11);
  const steps = [
    '1. Mở ứng dụng Truyvet trên điện thoại (hoặc camera) và quét mã QR này.',
    '2. Xác nhận tên địa điểm trên màn hình, bấm "Ghi nhận".',
    '3. Không có điện thoại thông minh? Đưa mã QR cá nhân hoặc CCCD cho nhân viên để được quét hộ.',
    '4. Khi ra về, bấm "Ra về" trong ứng dụng (nếu không, hệ thống tự tính theo thời gian lưu lại thông thường).',
  ];
  for (const s of steps) doc.text(s, { width, paragraphGap: 4 });
  doc
    .fontSize(10)
    .fillColor('#555555')
    .text(
      'Scan this code with the Truyvet app when you enter. No smartphone? Show your personal QR or ID card to the staff.',
      48,
      doc.y + 6,
      { width },
    );
  doc
    .fontSize(9)
    .text('Thông tin chỉ dùng cho phòng, chống dịch và tự động xóa sau 21 ngày.', 48, doc.page.height - 70, {
      width,
      align: 'center',
    });
  doc.end();
  return done;
}

export const CATEGORY_LABELS_VI: Record<string, string> = {
  office: 'Cơ quan, văn phòng',
  factory: 'Khu công nghiệp, nhà máy',
  restaurant_cafe: 'Nhà hàng, quán ăn, cà phê',
  bar_karaoke_massage_gym: 'Bar, karaoke, massage, phòng tập',
  meeting_conference: 'Hội họp, hội nghị',
  hospital_clinic: 'Bệnh viện, phòng khám',
  apartment_building: 'Chung cư, tòa nhà',
  school_university: 'Trường học, đại học',
  station_port_airport: 'Nhà ga, bến cảng, sân bay',
  public_transport: 'Phương tiện giao thông công cộng',
  market_supermarket_mall_shop: 'Chợ, siêu thị, trung tâm thương mại, cửa hàng',
  wedding_funeral: 'Đám cưới, đám tang',
  tourist_entertainment_religious: 'Điểm du lịch, vui chơi, cơ sở tôn giáo',
  checkpoint: 'Chốt kiểm soát',
};
