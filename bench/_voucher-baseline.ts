/**
 * The naive voucher renderer the voucher benchmark compares against: the same content as
 * `renderVoucher`'s A4 layout, built the straightforward way — barcodes rendered to PNG by bwip-js
 * (`toBuffer`) and embedded with `embedPng`, the watermark as rotated real text, nothing cached
 * between documents. This is what a first implementation usually looks like.
 */
import bwipjs from 'bwip-js';
import { degrees, PDFDocument, rgb, StandardFonts } from 'pdf-lib';
import { formatMoney } from '../src/money/index.js';
import { formatLimaDateTime, formatLimaShort } from '../src/time/display.js';
import type { VoucherCode } from '../src/voucher/index.js';

const STEPS = [
  'Acércate a un agente, agencia o bodega afiliada, o ingresa a tu banca por internet o app móvil.',
  'Indica que realizarás un pago a PagoEfectivo y brinda el código CIP.',
  'Paga exactamente el monto antes de la fecha de vencimiento.',
  '¡Listo! El comercio recibirá la confirmación en minutos; no necesitas enviar este comprobante.',
];

/** Render the baseline voucher for a code, signing a fresh token with `sign`. */
export async function renderNaive(
  code: VoucherCode & { cip: string },
  merchant: string,
  sign: (code: VoucherCode & { cip: string }) => Promise<string>,
  layout: 'a4' | 'receipt',
): Promise<Uint8Array> {
  const token = await sign(code);
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
  page.drawText('CÓDIGO DE PAGO (CIP)', { x: width / 3, y: height - 128, size: 10, font: bold });
  page.drawText(code.cip, { x: width / 4, y: height - 176, size: 48 * Math.max(scale, 0.6), font: bold });
  const barcode = await doc.embedPng(await bwipjs.toBuffer({ bcid: 'code128', text: code.cip, scale: 3, height: 15 }));
  page.drawImage(barcode, { x: 20, y: height - 250, width: Math.min(width - 40, 300), height: 52 });
  // bwip-js passes BWIPP options such as eclevel through, but its RenderOptions type does not list them.
  const qrOptions: Parameters<typeof bwipjs.toBuffer>[0] & { eclevel: string } = {
    bcid: 'qrcode',
    text: token,
    scale: 4,
    eclevel: 'M',
  };
  const qr = await doc.embedPng(await bwipjs.toBuffer(qrOptions));
  page.drawImage(qr, { x: width - 160 * Math.max(scale, 0.8), y: height - 440, width: 136, height: 136 });
  const lines = [
    'MONTO A PAGAR',
    formatMoney(code.amountMinor, code.currency),
    'VENCE',
    formatLimaDateTime(code.expiresAt, { capitalize: true }),
    'CLIENTE',
    `${code.payer?.firstName ?? ''} ${code.payer?.lastName ?? ''}`,
    'N.º DE ORDEN',
    code.orderId,
    'Paga el monto exacto; no se aceptan pagos parciales.',
    '¿Cómo pagar?',
    ...STEPS,
  ];
  lines.forEach((line, index) => {
    page.drawText(line, {
      x: 20,
      y: height - 300 - index * 22,
      size: 9 * Math.max(scale, 0.8),
      font: index % 2 ? regular : bold,
      maxWidth: width - 40,
    });
  });
  doc.setTitle(`Comprobante de pago CIP ${code.cip}`);
  return doc.save();
}
