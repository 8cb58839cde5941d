/**
 * decodeQrPng (PICTUREDECODE's reader): our own pass QR drawn by the qrcode library as a PNG reads back to the same
 * HC1 text; what is not a PNG, a PNG without a code and a PNG that claims to be enormous read as null.
 */
import { PNG } from 'pngjs';
import QRCode from 'qrcode';
import { describe, expect, it } from 'vitest';
import { decodeQrPng } from './picture.ts';

const HC1 =
  'HC1:6BFOXN%TS3DH0YOJ58S S-W5HDC *M0II5XHC9B5G2+$N IOP-IA%NFQGRJPC%OQHIZC4.OI1RM8ZA.A5:S9MKN4NN3F85QNCY0O%0VZ001HOC9JU0D0HT0HB2PL/IB*09B9LW4T*8+DCMH0LDK2%K:XFE70*LP$V25$0Q:J:4MO1P0%0L0HD+9E/HY+4J6TH48S%4K.GJ2PT3QY:GQ3TE2I+-CPHN6D7LLK*2HG%89UV-0LZ 2ZJJ524-LH/CJTK96L6SR9MU9DHGZ%P WUQRENS431T1XCNCF+47AY0-IFO0500TGPN8F5G.41Q2E4T8ALW.INSV$ 07UV5SR+BNQHNML7 /KD3TU 4V*CAT3ZGLQMI/XI%ZJNSBBXK2:UG%UJMI:TU+MMPZ5$/PMX19UE:-PSR3/$NU44CBE6DQ3D7B0FBOFX0DV2DGMB$YPF62I$60/F$Z2I6IFX21XNI-LM%3/DF/U6Z9FEOJVRLVW6K$UG+BKK57:1+D10%4K83F+1VWD1NE';

describe('decodeQrPng', () => {
  it('reads an HC1 QR code back from a PNG', async () => {
    for (const errorCorrectionLevel of ['L', 'M', 'Q'] as const) {
      const png = await QRCode.toBuffer(HC1, { errorCorrectionLevel, margin: 4, width: 600 });
      expect(decodeQrPng(png), errorCorrectionLevel).toBe(HC1);
    }
  });

  it('reads nothing from what is not a PNG, a blank PNG or one claiming 20 gigapixels', () => {
    expect(decodeQrPng(new Uint8Array(0))).toBeNull();
    expect(decodeQrPng(new TextEncoder().encode('HC1:not a picture at all, just text'))).toBeNull();
    const blank = new PNG({ width: 64, height: 64 });
    blank.data.fill(255);
    expect(decodeQrPng(PNG.sync.write(blank))).toBeNull();
    const huge = Buffer.from(PNG.sync.write(blank));
    huge.writeUInt32BE(200_000, 16);
    huge.writeUInt32BE(100_000, 20);
    expect(decodeQrPng(huge)).toBeNull();
    // truncated in the middle of its data
    expect(decodeQrPng(Buffer.from(PNG.sync.write(blank)).subarray(0, 60))).toBeNull();
  });
});
