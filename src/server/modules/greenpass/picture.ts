/**
 * Reading a QR code from a PNG, for the conformance tool's PICTUREDECODE (the EU test data's 2DCODE): pngjs decodes
 * the picture, jsQR finds and reads the code. Bounded: a PNG over 8 MiB or 16 megapixels is refused unread (null),
 * as is anything that is not a PNG or holds no readable code.
 */
import jsQR from 'jsqr';
import { PNG } from 'pngjs';

const MAX_BYTES = 8 * 1024 * 1024;
const MAX_PIXELS = 16_000_000;
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** The QR code's text, or null. */
export function decodeQrPng(png: Uint8Array): string | null {
  if (png.length > MAX_BYTES || png.length < 24 || PNG_SIGNATURE.some((b, i) => png[i] !== b)) return null;
  // the IHDR chunk right after the signature gives the size before anything is inflated
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  if (view.getUint32(12) !== 0x49484452 || view.getUint32(16) * view.getUint32(20) > MAX_PIXELS) return null;
  try {
    const image = PNG.sync.read(Buffer.from(png.buffer, png.byteOffset, png.byteLength));
    const rgba = new Uint8ClampedArray(image.data.buffer, image.data.byteOffset, image.data.length);
    return jsQR(rgba, image.width, image.height)?.data ?? null;
  } catch {
    return null;
  }
}
