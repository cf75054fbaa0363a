/** Shared fixtures of the voucher tests. */
import { isPagoEfectivoKitError } from '../../src/errors.js';
import type { VoucherCode } from '../../src/voucher/index.js';
import { generateVoucherKeys } from '../../src/voucher/token.js';

export const KEYS = generateVoucherKeys({ kid: 'test-1' });
export const CREATED = new Date('2026-11-29T15:00:00Z');
export const CODE: VoucherCode = {
  id: 'code_01JD8X5Q',
  orderId: 'ORDER-123',
  cip: '2748391',
  amountMinor: 14990,
  currency: 'PEN',
  expiresAt: new Date('2026-12-01T04:59:00Z'),
  createdAt: CREATED,
  status: 'pending',
  payer: { firstName: 'José', lastName: 'Ñúñez Peña' },
};
export const OPTIONS = {
  merchant: { name: 'Tienda Ñandú S.A.C.' },
  signing: KEYS,
  creationDate: CREATED,
  now: () => CREATED,
};

// An 8×4 px baseline JPEG (made with pdftoppm -jpeg).
export const JPEG = Uint8Array.from(
  Buffer.from(
    '/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAAgGBgcGBQgHBwcJCQgKDBQNDAsLDBkSEw8UHRofHh0aHBwgJC4nICIsIxwcKDcpLDAxNDQ0Hyc5PTgyPC4zNDL/2wBDAQkJCQwLDBgNDRgyIRwhMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjL/wAARCAAEAAgDASIAAhEBAxEB/8QAHwAAAQUBAQEBAQEAAAAAAAAAAAECAwQFBgcICQoL/8QAtRAAAgEDAwIEAwUFBAQAAAF9AQIDAAQRBRIhMUEGE1FhByJxFDKBkaEII0KxwRVS0fAkM2JyggkKFhcYGRolJicoKSo0NTY3ODk6Q0RFRkdISUpTVFVWV1hZWmNkZWZnaGlqc3R1dnd4eXqDhIWGh4iJipKTlJWWl5iZmqKjpKWmp6ipqrKztLW2t7i5usLDxMXGx8jJytLT1NXW19jZ2uHi4+Tl5ufo6erx8vP09fb3+Pn6/8QAHwEAAwEBAQEBAQEBAQAAAAAAAAECAwQFBgcICQoL/8QAtREAAgECBAQDBAcFBAQAAQJ3AAECAxEEBSExBhJBUQdhcRMiMoEIFEKRobHBCSMzUvAVYnLRChYkNOEl8RcYGRomJygpKjU2Nzg5OkNERUZHSElKU1RVVldYWVpjZGVmZ2hpanN0dXZ3eHl6goOEhYaHiImKkpOUlZaXmJmaoqOkpaanqKmqsrO0tba3uLm6wsPExcbHyMnK0tPU1dbX2Nna4uPk5ebn6Onq8vP09fb3+Pn6/9oADAMBAAIRAxEAPwDq/gz/AMxv/th/7Uooornwv8Jf11PXz3/kYVPl/wCko//Z',
    'base64',
  ),
);

/** The error code a promise rejects with, or `resolved`. */
export async function failure(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (isPagoEfectivoKitError(error)) return error.code;
    throw error;
  }
  return 'resolved';
}
