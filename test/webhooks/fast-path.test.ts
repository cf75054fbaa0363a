/**
 * The hand-written fast path of `cip.paid` parsing must be invisible: on random valid and invalid
 * notifications it either declines (`null`) or returns exactly the event of the valibot schema path,
 * and `parseWebhookEvent` gives the same event or the same detailed error as the schema path alone.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isPagoEfectivoKitError } from '../../src/errors.js';
import { fastCipPaid } from '../../src/webhooks/_internal/fast-path.js';
import { parseNotification } from '../../src/webhooks/_internal/schema-path.js';
import { parseWebhookEvent, type WebhookEvent } from '../../src/webhooks/index.js';
import { paidBody, VECTOR_BODY } from './_helpers.js';

const json = JSON.stringify;

/** Mostly the usual (valid) value, sometimes anything: so that both paths get plenty of runs. */
function usually<T>(valid: fc.Arbitrary<T>, other: fc.Arbitrary<T>): fc.Arbitrary<T> {
  return fc.oneof({ weight: 6, arbitrary: valid }, { weight: 1, arbitrary: other });
}

/** A key in the documented spelling most of the time, otherwise another case (or a duplicate). */
function spelling(name: string): fc.Arbitrary<string[]> {
  const pascal = name[0]?.toUpperCase() + name.slice(1);
  return fc.oneof(
    { weight: 30, arbitrary: fc.constant<string[]>([name]) },
    { weight: 1, arbitrary: fc.constantFrom<string[]>([pascal], [name.toUpperCase()], [pascal, name.toUpperCase()]) },
    { weight: 1, arbitrary: fc.constantFrom<string[]>([name, pascal], [name, name], [], [`${name}\\u0020`]) },
  );
}

const digits = (min: number, max: number): fc.Arbitrary<string> =>
  fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: min, maxLength: max });

const numberToken = fc.oneof(
  fc.tuple(digits(1, 16), fc.option(digits(1, 3), { nil: undefined })).map(([integer, fraction]) => {
    const whole = integer.replace(/^0+(?=\d)/, ''); // JSON forbids leading zeros
    return fraction === undefined ? whole : `${whole}.${fraction}`;
  }),
  fc.constantFrom('150.5', '150.50', '0.01', '0', '-5', '1e2', '1.505E2', '22.050000000000001', '90071992547409.91'),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((value) => json(value)),
);
const stringAmount = fc
  .oneof(numberToken, fc.constantFrom(' 150.50 ', '0150.5', '1.', '.5', 'abc', '', '\t7.10\n', '1\u00a0'))
  .map((text) => json(text));
const plainAmount = fc
  .tuple(fc.nat(99_999), fc.option(digits(1, 2), { nil: undefined }))
  .map(([integer, fraction]) => (fraction === undefined ? `${integer}` : `${integer}.${fraction}`));
const amountToken = fc.oneof(
  { weight: 18, arbitrary: plainAmount },
  { weight: 6, arbitrary: numberToken },
  { weight: 2, arbitrary: stringAmount },
  { weight: 1, arbitrary: fc.constantFrom('null', 'true', '{}', '[150.5]') },
);

const identifierToken = (length: number): fc.Arbitrary<string> =>
  fc.oneof(
    fc.integer({ min: length - 1, max: length + 1 }).map((size) => json('7'.repeat(size))),
    fc.constantFrom('-1', '-5', '0', '12', '-0'),
    digits(1, length + 2).map(json),
    digits(1, 9).map((text) => json(` ${text}\n`)),
    fc.string({ maxLength: length + 3 }).map(json),
    fc.constantFrom('0', '-0', '-1', '1.5', '9007199254740991', '9007199254740992', '1e3', 'null', 'false', '[]'),
  );

const timestampToken = fc.oneof(
  fc
    .tuple(
      fc.integer({ min: 1890, max: 2100 }),
      fc.integer({ min: 0, max: 13 }),
      fc.integer({ min: 0, max: 32 }),
      fc.constantFrom('T', ' '),
      fc.integer({ min: 0, max: 24 }),
      fc.constantFrom('', '.5', '.123', '.1234567'),
      fc.constantFrom('-05:00', '-0500', 'Z', '+01:00', ''),
    )
    .map(([y, m, d, sep, h, fraction, zone]) => {
      const two = (n: number): string => String(n).padStart(2, '0');
      return json(`${y}-${two(m)}-${two(d)}${sep}${two(h)}:15:30${fraction}${zone}`);
    }),
  fc.constantFrom(json('1900-01-01T00:00:00-05:00'), json('05/03/2024 12:00'), 'null', '20240305', '{}'),
  fc.string({ maxLength: 30 }).map(json),
);

const transactionToken = fc.oneof(
  fc.string({ maxLength: 12 }).map(json),
  fc.constantFrom(json('   '), json('x'.repeat(128)), json(` ${'y'.repeat(128)} `), json('z'.repeat(129))),
  fc.constantFrom('null', '42', '-42', '1.5', '9007199254740993', 'true', '{}'),
);

const currencyToken = fc.oneof(
  fc.constantFrom('PEN', 'USD', ' PEN ', '', '   ', 'ABCDEFGH', 'ABCDEFGHI').map(json),
  fc.string({ maxLength: 10 }).map(json),
  fc.constantFrom('null', '604'),
);

/** Extra members: harmless fields, decoy "amount" keys elsewhere, escapes that disable the quick scan. */
type Member = [string, string];

const extras: fc.Arbitrary<Member[]> = fc.array(
  fc.constantFrom<Member>(
    ['paymentChannel', json('AGENTE')],
    ['metadata', '{"amount":1.00,"note":"x"}'],
    ['concept', json('Pedido — 3 artículos "amount":9.99')],
    ['note', json('back\\slash')],
    ['list', '["amount",{"amount":2}]'],
  ),
  { maxLength: 3 },
);

function members(names: string[][], values: string[]): Member[] {
  return names.flatMap((keys, index) => keys.map((key): Member => [key, values[index] as string]));
}

function objectText(list: Member[], space: string): string {
  return `{${list.map(([key, value]) => `${json(key).replace('\\\\u0020', '\\u0020')}:${space}${value}`).join(`,${space}`)}}`;
}

const notification = fc
  .record({
    eventType: fc.oneof(
      { weight: 9, arbitrary: fc.constant(json('cip.paid')) },
      { weight: 1, arbitrary: fc.constantFrom(json('CIP.PAID'), json(' cip.paid'), json('cip.expired'), '42') },
    ),
    operationNumber: usually(digits(1, 9).map(json), identifierToken(64)),
    cip: usually(digits(1, 14).map(json), identifierToken(20)),
    currency: usually(fc.constantFrom(json('PEN'), json('USD')), currencyToken),
    amount: amountToken,
    transactionCode: usually(fc.stringMatching(/^[A-Z]{3}-\d{1,6}$/).map(json), transactionToken),
    paymentDate: usually(fc.constant(json('2024-03-05T12:00:07-05:00')), timestampToken),
    topKeys: fc.tuple(spelling('eventType'), spelling('operationNumber'), spelling('data')),
    dataKeys: fc.tuple(
      spelling('cip'),
      spelling('currency'),
      spelling('amount'),
      spelling('transactionCode'),
      spelling('paymentDate'),
    ),
    dataExtras: usually(fc.constantFrom<Member[]>([], [['paymentChannel', json('AGENTE')]]), extras),
    topExtras: usually(fc.constant<Member[]>([]), extras),
    space: fc.constantFrom('', ' ', '\n  '),
  })
  .map((n) => {
    const dataValues = [n.cip, n.currency, n.amount, n.transactionCode, n.paymentDate];
    const data = objectText([...members(n.dataKeys, dataValues), ...n.dataExtras], n.space);
    const top = members(n.topKeys, [n.eventType, n.operationNumber, data]);
    return objectText([...top, ...n.topExtras], n.space);
  });

type Outcome = { event: WebhookEvent } | { code: string; message: string; issues: unknown };

async function outcome(run: () => WebhookEvent | Promise<WebhookEvent>): Promise<Outcome> {
  try {
    return { event: await run() };
  } catch (error) {
    if (!isPagoEfectivoKitError(error)) throw error;
    return { code: error.code, message: error.message, issues: error.details?.issues };
  }
}

describe('cip.paid fast path', () => {
  it('declines or returns exactly the schema path event, on random notifications', async () => {
    let fast = 0;
    await fc.assert(
      fc.asyncProperty(notification, async (text) => {
        const parsed = JSON.parse(text) as Record<string, unknown>;
        const schema = await outcome(() => parseNotification(text, JSON.parse(text) as Record<string, unknown>));
        if (parsed.eventType === 'cip.paid') {
          const event = fastCipPaid(text, parsed);
          if (event !== null) {
            fast++;
            expect(schema).toEqual({ event });
            if ('event' in schema) expect(Object.keys(event)).toEqual(Object.keys(schema.event));
          }
        }
        // The public door: same event, or the same error with the same issues.
        expect(await outcome(() => parseWebhookEvent(text))).toEqual(schema);
      }),
      { numRuns: 3000 },
    );
    // The generator must exercise the fast path, not only the fallback.
    expect(fast).toBeGreaterThan(300);
  });

  it('takes the fast path for the usual notification and keeps the raw body untouched', () => {
    for (const text of [VECTOR_BODY, paidBody({ amount: '"150.50"' }), paidBody({ amount: '0.01' })]) {
      const parsed = JSON.parse(text) as Record<string, unknown>;
      const event = fastCipPaid(text, parsed);
      expect(event).not.toBeNull();
      expect(event).toEqual(parseNotification(text, JSON.parse(text) as Record<string, unknown>));
      expect(event?.raw).toBe(parsed);
      expect(parsed).toEqual(JSON.parse(text));
    }
  });

  it('declines what only the schema path may decide', () => {
    const declined = [
      paidBody({ amount: '22.050000000000001' }), // float equals 22.05, digits do not
      paidBody({ amount: '1e2' }),
      paidBody({ amount: '12345678901234.5' }), // beyond 13 integer digits: BigInt path
      paidBody({ cip: 'ABC' }),
      paidBody().replace('"transactionCode":"ORD-0001",', ''), // absent: other spellings must be looked for
      paidBody().replace('"data":{', '"data":{"x":"\\\\",'), // an escape anywhere: full walk
      paidBody().replace('"amount":150.5', '"amount":150.5,"amount":150.500'), // duplicate: last one wins
      paidBody().replace('"operationNumber"', '"OperationNumber"'), // absent in this spelling: not "empty"
    ];
    for (const text of declined) expect(fastCipPaid(text, JSON.parse(text) as Record<string, unknown>)).toBeNull();
  });
});
