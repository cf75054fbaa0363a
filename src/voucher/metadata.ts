/**
 * Document metadata of a voucher, including the signed token in a custom Info dictionary entry,
 * `/PagoEfectivoKitToken`, so support tooling can verify a voucher file without scanning its QR.
 */
import { PDFDict, PDFDocument, PDFHexString, PDFName, PDFString } from 'pdf-lib';
import { VoucherError } from '../errors.js';
import type { VoucherContent } from './_internal/model.js';

/** The Info dictionary key that holds the voucher token. */
export const VOUCHER_TOKEN_INFO_KEY = 'PagoEfectivoKitToken';

/** Set title, author, subject, keywords, producer, language and dates, and store the token (if any). */
export function writeVoucherMetadata(
  doc: PDFDocument,
  content: VoucherContent,
  token: string | null,
  createdAt: Date,
): void {
  const english = content.locale === 'en-US';
  const title = content.stamp
    ? `${english ? 'Record copy' : 'Copia de registro'} (${content.stamp.word})`
    : english
      ? 'Payment voucher'
      : 'Comprobante de pago';
  doc.setTitle(`${title} CIP ${content.cip}`, { showInWindowTitleBar: true });
  doc.setAuthor(content.merchantName);
  doc.setSubject(`PagoEfectivo CIP ${content.cip} · ${content.orderId} · ${content.amount}`);
  doc.setKeywords(['PagoEfectivo', 'CIP', content.cip, content.orderId]);
  doc.setCreator('pagoefectivo-kit');
  doc.setProducer('pagoefectivo-kit (pdf-lib)');
  doc.setLanguage(content.locale);
  doc.setCreationDate(createdAt);
  doc.setModificationDate(createdAt);
  if (token === null) return;
  const info = doc.context.lookup(doc.context.trailerInfo.Info, PDFDict);
  info.set(PDFName.of(VOUCHER_TOKEN_INFO_KEY), PDFString.of(token));
}

/**
 * The voucher token stored in a voucher PDF's metadata, or `null` when the PDF has none. Verify it
 * with `verifyVoucherToken` from `pagoefectivo-kit/voucher/token` before trusting it.
 * @throws {VoucherError} `token_malformed` when the bytes are not a readable PDF.
 */
export async function readVoucherToken(pdfBytes: Uint8Array): Promise<string | null> {
  let doc: PDFDocument;
  try {
    doc = await PDFDocument.load(pdfBytes, { updateMetadata: false, ignoreEncryption: true });
  } catch (error) {
    throw new VoucherError('token_malformed', 'The file is not a readable PDF, so no voucher token can be read.', {
      cause: error,
    });
  }
  const info = doc.context.lookupMaybe(doc.context.trailerInfo.Info, PDFDict);
  const value = info?.get(PDFName.of(VOUCHER_TOKEN_INFO_KEY));
  if (value instanceof PDFString || value instanceof PDFHexString) return value.decodeText();
  return null;
}
