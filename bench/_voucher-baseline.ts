/**
 * The naive voucher renderer the voucher benchmark compares against: the same content as
 * `renderVoucher` (header, CIP, Code 128 and its digits, amount, expiry, payer, order, QR with its
 * caption, notice, steps, places to pay, footer, microtext, watermark), built the straightforward
 * way — barcodes rendered to PNG by bwip-js (`toBuffer`) and embedded with `embedPng`, watermark and
 * microtext as real text, pdf-lib's defaults, nothing cached between documents. This is what a first
 * implementation usually looks like.
 */
import bwipjs from 'bwip-js';
import { degrees, PDFDocument, rgb, StandardFonts } from 'pdf-lib';
import { formatMoney } from '../src/money/index.js';
import { formatLimaDateTime, formatLimaShort } from '../src/time/display.js';
import { fillPlaceholders, voucherCopy } from '../src/voucher/_internal/copy.js';
import type { VoucherCode } from '../src/voucher/index.js';

/** Render the baseline voucher for a code, signing a fresh token with `sign`. */
export async function renderNaive(
  code: VoucherCode & { cip: string },
  merchant: string,
  sign: (code: VoucherCode & { cip: string }) => Promise<string>,
  layout: 'a4' | 'receipt',
): Promise<Uint8Array> {
  const token = await sign(code);
  const copy = voucherCopy('es-PE');
  const amount = formatMoney(code.amountMinor, code.currency);
  const values = { cip: code.cip, amount, merchant };
  const doc = await PDFDocument.create();
  const regular = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  const [width, height] = layout === 'a4' ? [595.28, 841.89] : [226.77, 1100];
  const page = doc.addPage([width, height]);
  const scale = layout === 'a4' ? 1 : 0.38;
  const short = formatLimaShort(code.expiresAt);
  const mark = `PagoEfectivo · ${code.orderId} · CIP ${code.cip} · VENCE ${short}`;
  for (let y = -200; y < height + 200; y += 60) {
    for (let x = -300; x < width; x += bold.widthOfTextAtSize(mark, 10.5) + 30) {
      page.drawText(mark, {
        x,
        y,
        size: 10.5,
        font: bold,
        color: rgb(0.5, 0.5, 0.5),
        opacity: 0.08,
        rotate: degrees(30),
      });
    }
  }
  page.drawRectangle({ x: 0, y: height - 88 * scale, width, height: 88 * scale, color: rgb(1, 0.8, 0) });
  page.drawText('PagoEfectivo', { x: 20, y: height - 44 * scale, size: 24 * scale, font: bold });
  page.drawText(merchant, { x: width / 2, y: height - 44 * scale, size: 13 * scale, font: bold });
  page.drawText(copy.subtitle, { x: 20, y: height - 62 * scale, size: 10 * scale, font: regular });
  page.drawText(copy.merchantCaption, { x: width / 2, y: height - 60 * scale, size: 8.5 * scale, font: regular });
  const micro = `PAGOEFECTIVO CIP ${code.cip} ${code.orderId} ${amount} VENCE ${short} * `.repeat(6);
  for (const y of [height - 99 * scale, 22]) {
    page.drawText(micro, { x: 20, y, size: 2.4, font: regular, color: rgb(0.45, 0.45, 0.45) });
  }
  page.drawText('CÓDIGO DE PAGO (CIP)', { x: width / 3, y: height - 128, size: 10, font: bold });
  page.drawText(code.cip, { x: width / 4, y: height - 176, size: 48 * Math.max(scale, 0.6), font: bold });
  const barcode = await doc.embedPng(await bwipjs.toBuffer({ bcid: 'code128', text: code.cip, scale: 3, height: 15 }));
  page.drawImage(barcode, { x: 20, y: height - 250, width: Math.min(width - 40, 300), height: 52 });
  page.drawText(code.cip.split('').join(' '), { x: width / 3, y: height - 262, size: 10, font: regular });
  // bwip-js passes BWIPP options such as eclevel through, but its RenderOptions type does not list them.
  const qrOptions: Parameters<typeof bwipjs.toBuffer>[0] & { eclevel: string } = {
    bcid: 'qrcode',
    text: token,
    scale: 4,
    eclevel: 'M',
  };
  const qr = await doc.embedPng(await bwipjs.toBuffer(qrOptions));
  page.drawImage(qr, { x: width - 160 * Math.max(scale, 0.8), y: height - 440, width: 136, height: 136 });
  page.drawText(copy.qrCaption, { x: width - 150 * Math.max(scale, 0.8), y: height - 452, size: 8.5, font: bold });
  page.drawText(copy.qrHint, {
    x: width - 160 * Math.max(scale, 0.8),
    y: height - 464,
    size: 6.8,
    font: regular,
    maxWidth: 150,
    lineHeight: 8.5,
  });
  const lines = [
    copy.amount,
    amount,
    copy.expires,
    formatLimaDateTime(code.expiresAt, { capitalize: true }),
    copy.payer,
    `${code.payer?.firstName ?? ''} ${code.payer?.lastName ?? ''}`,
    copy.order,
    code.orderId,
    copy.exactAmount,
    copy.howToPay,
    ...copy.steps.map((step) => fillPlaceholders(step, values)),
    copy.whereToPay,
    ...copy.places.flatMap((place) => [place.title, place.detail]),
    copy.keep,
    `${copy.issued} ${formatLimaShort(new Date())} · ${copy.reference} ${code.id}`,
  ];
  lines.forEach((line, index) => {
    page.drawText(line, {
      x: 20,
      y: height - 300 - index * 20,
      size: 9 * Math.max(scale, 0.8),
      font: index % 2 ? regular : bold,
      maxWidth: width - 40,
    });
  });
  doc.setTitle(`Comprobante de pago CIP ${code.cip}`);
  return doc.save();
}
