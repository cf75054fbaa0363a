/**
 * Merchant logos: PNG or JPEG, recognised by their magic bytes (never by a file name or MIME type).
 */
import type { PDFDocument, PDFImage } from 'pdf-lib';
import { ConfigurationError } from '../../errors.js';

/** The image formats pdf-lib can embed. */
export type LogoFormat = 'png' | 'jpeg';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** The format of `bytes` from its signature, or `null` when it is neither PNG nor JPEG. */
export function sniffImage(bytes: Uint8Array): LogoFormat | null {
  if (PNG_SIGNATURE.every((byte, index) => bytes[index] === byte)) return 'png';
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  return null;
}

/**
 * Embed a logo into `doc`.
 * @throws {ConfigurationError} `config_invalid` when the bytes are not a PNG or JPEG pdf-lib can read.
 */
export async function embedLogo(doc: PDFDocument, bytes: unknown): Promise<PDFImage> {
  const format = bytes instanceof Uint8Array ? sniffImage(bytes) : null;
  if (!format) {
    throw new ConfigurationError('renderVoucher: merchant.logo must be the bytes of a PNG or JPEG image.', {
      details: { path: 'merchant.logo' },
    });
  }
  try {
    return format === 'png' ? await doc.embedPng(bytes as Uint8Array) : await doc.embedJpg(bytes as Uint8Array);
  } catch (error) {
    throw new ConfigurationError(
      `renderVoucher: merchant.logo looks like a ${format.toUpperCase()} but cannot be read.`,
      {
        cause: error,
        details: { path: 'merchant.logo', format },
      },
    );
  }
}
