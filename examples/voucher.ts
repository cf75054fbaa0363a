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
import { readVoucherToken, renderVoucher, type VoucherCode } from '../src/voucher/index.js';
import { createVoucherShareLink, openVoucherShareLink } from '../src/voucher/share.js';
import { generateVoucherKeys, verifyVoucherToken } from '../src/voucher/token.js';

const folder = path.resolve(process.argv[2] ?? 'out');
mkdirSync(folder, { recursive: true });

const keys = generateVoucherKeys({ kid: '2026-11' });
const code: VoucherCode = {
  id: 'code_01JD8X5Q7Z',
  orderId: 'ORDER-123',
  cip: '2748391',
  amountMinor: 14990,
  currency: 'PEN',
  expiresAt: new Date('2026-12-01T04:59:00Z'), // Monday 30 November 2026, 23:59 in Lima
  createdAt: new Date('2026-11-29T15:00:00Z'),
  status: 'pending',
  payer: { firstName: 'José', lastName: 'Ñúñez Peña' },
};

for (const layout of ['a4', 'receipt'] as const) {
  const pdf = await renderVoucher(code, {
    merchant: { name: 'Tienda Ñandú S.A.C.' },
    layout,
    paymentConcept: 'Pedido web ORDER-123',
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

// A share link: the token goes in the URL, the passcode through another channel (SMS, e-mail).
const store = memoryStore();
const link = await createVoucherShareLink(code, { store, ttlMs: 48 * 60 * 60 * 1000 });
console.log(`share link: https://shop.example.pe/voucher/${link.token} passcode ${link.passcode}`);
const opened = await openVoucherShareLink(link.token, link.passcode, { store });
console.log(`  opened: code ${opened.codeId}, CIP ${opened.cip}`);
