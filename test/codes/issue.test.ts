import { describe, expect, it } from 'vitest';
import { isPagoEfectivoKitError, ValidationError } from '../../src/errors.js';
import { formatLimaTimestamp } from '../../src/time/index.js';
import { createHarness, eventTypes, HOUR, order, START } from './_harness.js';

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

describe('issue', () => {
  it('creates a pending CIP whose transactionCode is the code id, expiring after the default 24 h', async () => {
    const h = createHarness();
    const { code, created } = await h.codes.issue(order('ORD-1'));
    expect(created).toBe(true);
    expect(code).toMatchObject({
      orderId: 'ORD-1',
      status: 'pending',
      amount: '150.50',
      amountMinor: 15050,
      currency: 'PEN',
    });
    expect(code.id).toMatch(/^pc_[0-9a-v]{9}[A-Za-z0-9_-]{13}$/);
    // The id starts with its creation millisecond on the service's clock, which is `createdAt`.
    expect(Number.parseInt(code.id.slice(3, 12), 32)).toBe(code.createdAt.getTime());
    expect(code.expiresAt.toISOString()).toBe(new Date(START.getTime() + 24 * HOUR).toISOString());
    const cip = h.fake.getCip(code.cip!);
    expect(cip).toMatchObject({ state: 'generated', transactionCode: code.id, amount: '150.50', currency: 'PEN' });
    expect(formatLimaTimestamp(cip!.dateExpiry)).toBe('2026-03-03T10:00:00-05:00');
    expect(code.cipUrl).toBe(cip!.cipUrl);
    expect(await eventTypes(h.codes, code.id)).toEqual(['reserved', 'created']);
  });

  it('returns the existing pending code for a repeat with the same amount, without calling the API', async () => {
    const h = createHarness();
    const first = await h.codes.issue(order('ORD-1'));
    const again = await h.codes.issue({ ...order('ORD-1'), amount: '150.5' });
    expect(again).toEqual({ code: first.code, created: false });
    expect(h.fake.stats().createCip).toBe(1);
  });

  it.each([
    ['a different amount', order('ORD-1', '150.51')],
    ['a different currency', order('ORD-1', '150.50', 'USD')],
  ])('refuses %s for the same order with order_amount_conflict', async (_name, input) => {
    const h = createHarness();
    await h.codes.issue(order('ORD-1'));
    const error = await rejection(h.codes.issue(input));
    expect(isPagoEfectivoKitError(error, 'order_amount_conflict')).toBe(true);
    expect((error as { details: Record<string, unknown> }).details).toMatchObject({
      lockedAmount: '150.50',
      lockedCurrency: 'PEN',
    });
    expect(h.fake.stats().createCip).toBe(1);
  });

  it('reports every invalid field at once and never calls the API', async () => {
    const h = createHarness();
    const error = await rejection(
      h.codes.issue({
        orderId: 'has space',
        amount: '1',
        currency: 'PEN',
        payer: { email: 'not-an-email', documentNumber: '12ab' },
      }),
    );
    expect(error).toBeInstanceOf(ValidationError);
    const paths = (error as ValidationError).issues.map((issue) => issue.path);
    expect(paths).toEqual(expect.arrayContaining(['orderId', 'payer.email', 'payer.documentNumber']));
    expect(h.fake.stats().total).toBe(0);
  });

  it.each([
    [{ amount: 150.5 }, 'amount'],
    [{ amount: '150.505' }, 'amount'],
    [{ amount: '0.00' }, 'amount'],
    [{ amount: undefined }, 'amount'],
    [{ currency: 'EUR' }, 'currency'],
    [{ expiresInHour: 5 }, 'expiresInHour'],
  ])('refuses %j with a typed validation error on %s', async (patch, path) => {
    const h = createHarness();
    const error = await rejection(h.codes.issue({ ...order('ORD-1'), ...patch } as never));
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues[0]?.path).toBe(path);
  });

  it('converts a foreign price with the recorded FX rate, half up, and locks the converted amount', async () => {
    const h = createHarness();
    const quotedAt = new Date('2026-03-02T14:00:00Z');
    const { code } = await h.codes.issue({
      orderId: 'ORD-FX',
      price: { amount: '10.00', currency: 'EUR' },
      fx: { rate: '4.0555', source: 'ECB', quotedAt },
      payer: { email: 'cliente@example.pe' },
    });
    expect(code).toMatchObject({ amount: '40.56', amountMinor: 4056, currency: 'PEN' });
    expect(code.fx).toEqual({
      from: 'EUR',
      to: 'PEN',
      originalAmount: '10.00',
      rate: '4.0555',
      source: 'ECB',
      quotedAt,
      rounding: 'half_up',
    });
    expect(h.fake.getCip(code.cip!)?.amount).toBe('40.56');
    const reserved = (await h.codes.history(code.id))[0];
    expect(reserved?.data.fx).toMatchObject({ rate: '4.0555', source: 'ECB', quotedAt: quotedAt.toISOString() });
  });

  it('refuses price without fx and amount together with price', async () => {
    const h = createHarness();
    const fx = { rate: '3.75', source: 'SBS', quotedAt: START };
    const missing = await rejection(
      h.codes.issue({ orderId: 'O', price: { amount: '1.00', currency: 'USD' }, payer: { email: 'a@b.pe' } }),
    );
    expect((missing as ValidationError).issues[0]?.path).toBe('fx');
    const both = await rejection(h.codes.issue({ ...order('O'), price: { amount: '1.00', currency: 'EUR' }, fx }));
    expect((both as ValidationError).issues[0]?.path).toBe('amount');
  });

  it('applies the expiry policy: requested hours within bounds, expiry_out_of_bounds otherwise', async () => {
    const h = createHarness({ policy: { minHours: 2, maxHours: 48, defaultHours: 6 } });
    const { code } = await h.codes.issue(order('ORD-1'));
    expect(code.expiresAt.getTime() - START.getTime()).toBe(6 * HOUR);
    const { code: longer } = await h.codes.issue({ ...order('ORD-2'), expiresInHours: 48 });
    expect(longer.expiresAt.getTime() - START.getTime()).toBe(48 * HOUR);
    for (const hours of [1, 49, Number.NaN]) {
      const error = await rejection(h.codes.issue({ ...order('ORD-3'), expiresInHours: hours }));
      expect(isPagoEfectivoKitError(error, Number.isNaN(hours) ? 'validation_failed' : 'expiry_out_of_bounds')).toBe(
        true,
      );
    }
    expect(h.fake.stats().createCip).toBe(2);
  });

  it('extends an expiry that lands on a holiday to the end of the next business day', async () => {
    // 2026-04-01 10:00 Lima + 24 h = Jueves Santo; Viernes Santo follows; Saturday 4 April is a business day.
    const h = createHarness({ policy: { extendOverHolidays: true } });
    h.advance(new Date('2026-04-01T15:00:00Z').getTime() - START.getTime());
    const { code } = await h.codes.issue(order('ORD-EASTER'));
    expect(formatLimaTimestamp(code.expiresAt)).toBe('2026-04-04T23:59:59-05:00');
    expect(formatLimaTimestamp(h.fake.getCip(code.cip!)!.dateExpiry)).toBe('2026-04-04T23:59:59-05:00');
  });

  it('refuses an IP outside the allow-list and a missing IP, before any API call', async () => {
    const h = createHarness({ allowIps: ['203.0.113.0/24', '2001:db8::/32'] });
    await expect(h.codes.issue({ ...order('A'), clientIp: '::ffff:203.0.113.9' })).resolves.toMatchObject({
      created: true,
    });
    for (const clientIp of ['198.51.100.1', undefined]) {
      const error = await rejection(h.codes.issue({ ...order('B'), ...(clientIp && { clientIp }) }));
      expect(isPagoEfectivoKitError(error, 'ip_not_allowed')).toBe(true);
    }
    // Something that is not an address (a raw header value) is a caller bug, named as such.
    const garbage = await rejection(h.codes.issue({ ...order('B'), clientIp: 'garbage' }));
    expect(garbage).toBeInstanceOf(ValidationError);
    expect((garbage as ValidationError).issues[0]?.path).toBe('clientIp');
    expect(h.fake.stats().createCip).toBe(1);
  });

  it('rate-limits issues per IP with retryAfterMs, before any API call', async () => {
    const h = createHarness({ rateLimit: { limit: 2, windowMs: 60_000 } });
    await h.codes.issue({ ...order('A'), clientIp: '198.51.100.7' });
    await h.codes.issue({ ...order('B'), clientIp: '198.51.100.7' });
    h.advance(10_000);
    const error = await rejection(h.codes.issue({ ...order('C'), clientIp: '198.51.100.7' }));
    expect(isPagoEfectivoKitError(error, 'rate_limited')).toBe(true);
    expect((error as { details: { retryAfterMs: number } }).details.retryAfterMs).toBe(50_000);
    await expect(h.codes.issue({ ...order('C'), clientIp: '198.51.100.8' })).resolves.toMatchObject({ created: true });
    const missing = await rejection(h.codes.issue(order('D')));
    expect((missing as ValidationError).issues[0]?.path).toBe('clientIp');
    expect(h.fake.stats().createCip).toBe(3);
  });

  it('refuses a paid order and a cancelled order for good', async () => {
    const h = createHarness();
    const { code } = await h.codes.issue(order('PAID'));
    await h.fake.pay(code.cip!);
    await h.codes.issue(order('GONE'));
    await h.codes.cancel('GONE');
    h.advance(72 * HOUR);
    const paid = await rejection(h.codes.issue(order('PAID')));
    expect(isPagoEfectivoKitError(paid, 'order_already_paid')).toBe(true);
    const cancelled = await rejection(h.codes.issue(order('GONE')));
    expect(isPagoEfectivoKitError(cancelled, 'order_cancelled')).toBe(true);
    expect(h.fake.stats().createCip).toBe(2);
  });
});
