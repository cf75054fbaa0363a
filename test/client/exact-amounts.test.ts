import { describe, expect, it } from 'vitest';
import { readEnvelope } from '../../src/client/_errors.js';
import { order, setup } from './_setup.js';

// 90071992547409.91 is the largest amount the SDK handles; as a double it is 90071992547409.90625,
// whose shortest spelling is "90071992547409.9": one céntimo less than what was charged.
const LARGEST = '90071992547409.91';

describe('amounts and CIP numbers read from API JSON are exact (never through a double)', () => {
  it('searchCips reports a 16-digit amount exactly', async () => {
    const { client } = setup();
    const created = await client.createCip(order({ amount: LARGEST }));
    expect(created.amount).toBe(LARGEST);
    const [found] = await client.searchCips([created.cip]);
    expect(found?.amount).toBe(LARGEST);
  });

  it('the fake writes amounts digit for digit, as PagoEfectivo does', async () => {
    const bodies: string[] = [];
    const { fake } = setup();
    const { client } = setup(
      {},
      {
        fetch: async (input, init) => {
          const response = await fake.fetch(input, init);
          bodies.push(await response.clone().text());
          return response;
        },
      },
    );
    const created = await client.createCip(order({ amount: LARGEST }));
    await client.searchCips([created.cip]);
    expect(bodies.filter((body) => body.includes(`"amount":${LARGEST},`))).toHaveLength(2);
  });

  it('readEnvelope keeps amount and cip tokens as written and leaves string content alone', () => {
    const text =
      '{"code":100,"message":"say \\"amount\\": 1.5","data":[{"cip":12345678901234,"amount":90071992547409.91,"Amount" : 25 ,"note":"\\"cip\\":7"}]}';
    const envelope = readEnvelope(text);
    expect(envelope?.data).toEqual([{ cip: '12345678901234', amount: LARGEST, Amount: '25', note: '"cip":7' }]);
    expect(envelope?.message).toBe('say "amount": 1.5');
  });
});
