/**
 * Property tests: random bodies, headers and secrets never produce an untyped throw and are never
 * accepted without a valid signature; the number-token reader agrees with JSON.parse on any document.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isPagoEfectivoKitError } from '../../src/errors.js';
import { memberText, uniqueKeyValueText } from '../../src/webhooks/_internal/json-number.js';
import { createVerifier } from '../../src/webhooks/_internal/verifier.js';
import { IMPLEMENTATIONS, paidBody, SECRET, sign } from './_helpers.js';

const anyBody = fc.oneof(
  fc.string(),
  fc.uint8Array({ maxLength: 256 }),
  fc.json(),
  fc.jsonValue(),
  fc.constant(undefined),
  fc.constant(null),
);
const anySignature = fc.oneof(
  fc.string(),
  fc.stringMatching(/^[0-9a-fA-F]{64}$/),
  fc.constant(undefined),
  fc.constant(null),
  fc.array(fc.string(), { maxLength: 3 }),
);
const anySecret = fc.oneof(fc.string(), fc.array(fc.string(), { maxLength: 3 }), fc.constant(SECRET));

describe.each(IMPLEMENTATIONS)('verifyWebhook properties ($name)', ({ hmac }) => {
  const verify = createVerifier(hmac.hmacSha256Verify, hmac.hmacSha256VerifySync);

  it('never throws an untyped error and never accepts a body without its signature', async () => {
    await fc.assert(
      fc.asyncProperty(anyBody, anySignature, anySecret, async (body, signature, secretKey) => {
        try {
          await verify({ body: body as never, signature: signature as never, secretKey: secretKey as never });
        } catch (error) {
          expect(isPagoEfectivoKitError(error)).toBe(true);
          return;
        }
        // Accepted: the signature must be the HMAC of this exact body under one of the secrets.
        const secrets = (Array.isArray(secretKey) ? secretKey : [secretKey]).map((secret) => secret.trim());
        const raw = typeof body === 'string' || body instanceof Uint8Array ? body : '';
        const expected = secrets.map((secret) => sign(raw, secret));
        expect(expected).toContain(String(signature).trim().toLowerCase());
      }),
      { numRuns: 300 },
    );
  });

  it('with a valid signature, resolves or rejects only with malformed_payload', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string(), fc.json(), fc.constant(paidBody())), async (body) => {
        await verify({ body, signature: sign(body), secretKey: SECRET }).catch((error: unknown) => {
          expect(isPagoEfectivoKitError(error, 'malformed_payload')).toBe(true);
        });
      }),
      { numRuns: 300 },
    );
  });

  it('rejects any mutation of a signed notification', async () => {
    const body = paidBody();
    const signature = sign(body);
    await fc.assert(
      fc.asyncProperty(fc.nat(body.length - 1), fc.string({ minLength: 1, maxLength: 3 }), async (at, insert) => {
        const mutated = body.slice(0, at) + insert + body.slice(at + 1);
        fc.pre(mutated !== body);
        await expect(verify({ body: mutated, signature, secretKey: SECRET })).rejects.toMatchObject({
          code: 'signature_mismatch',
        });
      }),
      { numRuns: 200 },
    );
  });
});

describe('memberText', () => {
  it('returns source text that parses to the same value as JSON.parse, for any document and key', () => {
    const key = fc.string({ maxLength: 8 });
    const document = fc.dictionary(key, fc.dictionary(key, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 5 }), {
      maxKeys: 5,
    });
    fc.assert(
      fc.property(document, fc.nat(3), (object, indent) => {
        const text = JSON.stringify(object, null, indent);
        const parsed = JSON.parse(text) as Record<string, Record<string, unknown>>;
        for (const outer of Object.keys(parsed)) {
          for (const inner of Object.keys(parsed[outer] ?? {})) {
            const source = memberText(text, [outer, inner]);
            expect(source).not.toBeNull();
            expect(JSON.parse(source as string)).toEqual(parsed[outer]?.[inner]);
            // The fast path either declines or finds the very same token.
            const fast = uniqueKeyValueText(text, inner);
            if (fast !== null) expect(fast).toBe(source);
          }
        }
        expect(memberText(text, ['\u0000absent'])).toBeNull();
      }),
      { numRuns: 300 },
    );
  });

  it('keeps the exact digits of a number token', () => {
    expect(memberText('{"data":{"amount":150.50}}', ['data', 'amount'])).toBe('150.50');
    expect(memberText('{ "data" : { "x" : "}\\"" , "amount" : 22.050000000000001 } }', ['data', 'amount'])).toBe(
      '22.050000000000001',
    );
    expect(memberText('{"data":[1]}', ['data', 'amount'])).toBeNull();
    expect(uniqueKeyValueText('{"data":{"amount" : 7.10}}', 'amount')).toBe('7.10');
    expect(uniqueKeyValueText('{"m":{"amount":1},"data":{"amount":2}}', 'amount')).toBeNull();
    expect(uniqueKeyValueText('{"data":{"note":"\\"","amount":2}}', 'amount')).toBeNull();
    expect(uniqueKeyValueText('{"data":{"list":["amount"]}}', 'amount')).toBeNull();
  });
});
