/**
 * Vouchers, fully offline: sign a voucher token, render the A4 and the 80 mm receipt PDFs, read the
 * token back out of a file and verify it, and make a passcode-protected share link.
 *
 *   npx tsx examples/voucher.ts [output-folder]     (default: ./out)
 *
 * In an app, `code` comes from `createCashCodes(...).issue(...)`, the signing key from your secret
 * store (`generateVoucherKeys()` once, keep `secretKey` secret and publish `publicKey`).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { memoryStore } from '../src/storage/memory.js';
import { computeExpiry, resolveExpiryPolicy } from '../src/time/expiry.js';
import { readVoucherToken, renderVoucher, type VoucherCode } from '../src/voucher/index.js';
import { createVoucherShareLink, openVoucherShareLink } from '../src/voucher/share.js';
import { generateVoucherKeys, verifyVoucherToken } from '../src/voucher/token.js';

const folder = path.resolve(process.argv[2] ?? 'out');
mkdirSync(folder, { recursive: true });

const keys = generateVoucherKeys({ kid: '2026-11' });
// Issued now, expiring 48 h later by the default policy (moved past a holiday if it lands on one),
// so the voucher never shows an expiry before its own issue date.
const issuedAt = new Date();
const code: VoucherCode = {
  id: 'code_01JD8X5Q7Z',
  orderId: 'ORDER-123',
  cip: '2748391',
  amountMinor: 14990,
  currency: 'PEN',
  expiresAt: computeExpiry(resolveExpiryPolicy(), issuedAt, 48),
  createdAt: issuedAt,
  status: 'pending',
  payer: { firstName: 'José', lastName: 'Ñúñez Peña' },
  paymentConcept: 'Pedido web ORDER-123', // stored by issue(); printed as CONCEPTO
};
const merchant = {
  name: 'Tienda Ñandú S.A.C.',
  refundPolicy: 'Devoluciones hasta 7 días después del pago; el reembolso se procesa en 5 días hábiles.',
  contact: { phone: '+51 1 700-1234', email: 'ayuda@nandu.example.pe', web: 'nandu.example.pe/ayuda' },
  supportHours: 'Lunes a sábado, 9:00–18:00',
};

for (const layout of ['a4', 'receipt'] as const) {
  const pdf = await renderVoucher(code, {
    merchant,
    layout,
    creationDate: issuedAt,
    signing: { secretKey: keys.secretKey, kid: keys.kid },
  });
  const file = path.join(folder, `voucher-${layout}.pdf`);
  writeFileSync(file, pdf);
  console.log(`wrote ${file} (${pdf.length} bytes)`);

  // What a support agent does with a voucher a buyer sent in: read the token and verify it.
  const token = await readVoucherToken(pdf);
  const check = await verifyVoucherToken(token ?? '', { [keys.kid]: keys.publicKey });
  console.log(`  token verifies: CIP ${check.claims.cip}, order ${check.claims.orderId}, expired: ${check.expired}`);
}

// After payment, a copy for the records: stamped PAGADO, with no barcode and no QR code.
const paid = { ...code, status: 'paid' as const, payment: { paidAt: new Date() } };
const copy = await renderVoucher(paid, { merchant, record: true });
writeFileSync(path.join(folder, 'voucher-paid-copy.pdf'), copy);
console.log(`wrote ${path.join(folder, 'voucher-paid-copy.pdf')} (${copy.length} bytes)`);

// A share link: the token goes in the URL, the passcode through another channel (SMS, e-mail).
const store = memoryStore();
const link = await createVoucherShareLink(code, { store, ttlMs: 48 * 60 * 60 * 1000 });
console.log(`share link: https://shop.example.pe/voucher/${link.token} passcode ${link.passcode}`);
const opened = await openVoucherShareLink(link.token, link.passcode, { store });
console.log(`  opened: code ${opened.codeId}, CIP ${opened.cip}`);
