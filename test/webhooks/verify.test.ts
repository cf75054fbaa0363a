/**
 * verifyWebhook end to end, run once per crypto implementation through the internal `createVerifier`
 * (the public function binds the build's seam; it is checked on the golden vector at the end).
 */
import type { IncomingHttpHeaders } from 'node:http';
import { describe, expect, it } from 'vitest';
import { isPagoEfectivoKitError, WebhookVerificationError } from '../../src/errors.js';
import { createVerifier, prepareVerifier } from '../../src/webhooks/_internal/verifier.js';
import { verifyWebhook } from '../../src/webhooks/index.js';
import { IMPLEMENTATIONS, paidBody, SECRET, sign, VECTOR_BODY, VECTOR_SIGNATURE } from './_helpers.js';

/** The rejection of `promise`, which must be a WebhookVerificationError with `code`. */
async function rejection(promise: Promise<unknown>, code: string): Promise<WebhookVerificationError> {
  const error = await promise.then(
    () => expect.fail(`expected a ${code} rejection`),
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(WebhookVerificationError);
  expect(isPagoEfectivoKitError(error, code as never)).toBe(true);
  const serialised = JSON.stringify((error as WebhookVerificationError).toJSON());
  expect(serialised).not.toContain(SECRET);
  expect((error as Error).message).not.toContain(SECRET);
  return error as WebhookVerificationError;
}

describe.each(IMPLEMENTATIONS)('verifyWebhook ($name)', ({ hmac }) => {
  const verify = createVerifier(hmac.hmacSha256Verify, hmac.hmacSha256VerifySync);

  it('accepts the protocol §5 vector and returns the typed cip.paid event', async () => {
    const event = await verify({ body: VECTOR_BODY, signature: VECTOR_SIGNATURE, secretKey: SECRET });
    expect(event).toEqual({
      type: 'cip.paid',
      cip: '2401557',
      amountMinor: 15050,
      amount: '150.50',
      currency: 'PEN',
      operationNumber: '987654',
      transactionCode: 'ORD-0001',
      paidAt: new Date('2024-03-05T17:00:07.000Z'),
      paymentDate: '2024-03-05T12:00:07-05:00',
      raw: JSON.parse(VECTOR_BODY),
    });
  });

  it('accepts bytes (Uint8Array, Buffer, ArrayBuffer), any hex case and the header forms', async () => {
    const bytes = new TextEncoder().encode(VECTOR_BODY);
    const nodeHeaders: IncomingHttpHeaders = { 'pe-signature': VECTOR_SIGNATURE, 'content-type': 'application/json' };
    const cases = [
      { body: VECTOR_BODY, headers: nodeHeaders },
      { body: bytes, signature: VECTOR_SIGNATURE },
      { body: Buffer.from(VECTOR_BODY), signature: VECTOR_SIGNATURE.toUpperCase() },
      { body: bytes.buffer, signature: ` ${VECTOR_SIGNATURE}\n` },
      { body: VECTOR_BODY, headers: new Headers({ 'PE-Signature': VECTOR_SIGNATURE }) },
      { body: VECTOR_BODY, headers: { 'pe-signature': VECTOR_SIGNATURE, host: 'shop.example' } },
      { body: VECTOR_BODY, headers: { 'PE-Signature': [VECTOR_SIGNATURE] } },
    ];
    for (const input of cases) {
      const event = await verify({ ...input, secretKey: SECRET });
      expect(event.type === 'cip.paid' && event.amountMinor).toBe(15050);
    }
  });

  it('rejects every single-byte change of the body', async () => {
    for (let index = 0; index < VECTOR_BODY.length; index++) {
      const code = VECTOR_BODY.charCodeAt(index);
      const changed = VECTOR_BODY.slice(0, index) + String.fromCharCode(code ^ 1) + VECTOR_BODY.slice(index + 1);
      await rejection(verify({ body: changed, signature: VECTOR_SIGNATURE, secretKey: SECRET }), 'signature_mismatch');
    }
    for (const changed of [`${VECTOR_BODY}\n`, ` ${VECTOR_BODY}`, VECTOR_BODY.slice(0, -1)]) {
      await rejection(verify({ body: changed, signature: VECTOR_SIGNATURE, secretKey: SECRET }), 'signature_mismatch');
    }
  });

  it('rejects every single-digit change of the signature', async () => {
    for (let index = 0; index < 64; index++) {
      const digit = VECTOR_SIGNATURE[index] === '0' ? '1' : '0';
      const changed = VECTOR_SIGNATURE.slice(0, index) + digit + VECTOR_SIGNATURE.slice(index + 1);
      await rejection(verify({ body: VECTOR_BODY, signature: changed, secretKey: SECRET }), 'signature_mismatch');
    }
  });

  it('accepts any secret of a rotation list and rejects when none matches', async () => {
    for (const secretKey of [['previous-secret', SECRET], [SECRET, 'next-secret'], [` ${SECRET}\n`]]) {
      await expect(verify({ body: VECTOR_BODY, signature: VECTOR_SIGNATURE, secretKey })).resolves.toMatchObject({
        type: 'cip.paid',
      });
    }
    await rejection(
      verify({ body: VECTOR_BODY, signature: VECTOR_SIGNATURE, secretKey: ['previous-secret', 'next-secret'] }),
      'signature_mismatch',
    );
  });

  it('refuses a missing, blank or non-string secret with secret_missing', async () => {
    for (const secretKey of ['', '   \n', [], ['ok', ''], [SECRET, 42], undefined, null, 42]) {
      const error = await rejection(
        verify({ body: VECTOR_BODY, signature: VECTOR_SIGNATURE, secretKey: secretKey as never }),
        'secret_missing',
      );
      expect(error.message).toMatch(/secretKey/);
    }
    await rejection(verify(undefined as never), 'secret_missing');
  });

  it('refuses a parsed or missing body with body_not_raw and says how to get the raw body', async () => {
    const parsed = JSON.parse(VECTOR_BODY) as unknown;
    const bodies = [parsed, [parsed], null, undefined, 42, { type: 'Buffer', data: [123, 125] }];
    for (const body of bodies) {
      const error = await rejection(
        verify({ body: body as never, signature: VECTOR_SIGNATURE, secretKey: SECRET }),
        'body_not_raw',
      );
      for (const hint of [
        "express.raw({ type: 'application/json' })",
        'addContentTypeParser',
        'request.text()',
        'c.req.text()',
      ]) {
        expect(error.message).toContain(hint);
      }
    }
  });

  it('refuses a missing or empty signature with signature_missing', async () => {
    for (const signature of [undefined, null, '', '   ']) {
      await rejection(verify({ body: VECTOR_BODY, signature, secretKey: SECRET }), 'signature_missing');
    }
    await rejection(verify({ body: VECTOR_BODY, headers: { host: 'x' }, secretKey: SECRET }), 'signature_missing');
    await rejection(verify({ body: VECTOR_BODY, headers: new Headers(), secretKey: SECRET }), 'signature_missing');
  });

  it('refuses a signature that is not 64 hex characters with signature_malformed', async () => {
    const bad = [
      VECTOR_SIGNATURE.slice(1),
      `${VECTOR_SIGNATURE}a`,
      `${VECTOR_SIGNATURE.slice(0, 63)}g`,
      `sha256=${VECTOR_SIGNATURE}`,
      Buffer.from(VECTOR_SIGNATURE, 'hex').toString('base64'),
    ];
    for (const signature of bad) {
      await rejection(verify({ body: VECTOR_BODY, signature, secretKey: SECRET }), 'signature_malformed');
    }
    const twice = { 'pe-signature': [VECTOR_SIGNATURE, VECTOR_SIGNATURE] };
    await rejection(verify({ body: VECTOR_BODY, headers: twice, secretKey: SECRET }), 'signature_malformed');
    // The characters just outside the hex ranges, control characters and look-alikes.
    for (const char of ['/', ':', '@', 'G', '`', 'g', '\u0010', '\u0019', '\u0130', '\uff46', '\u0660']) {
      const signature = `${VECTOR_SIGNATURE.slice(0, 31)}${char}${VECTOR_SIGNATURE.slice(32)}`;
      await rejection(verify({ body: VECTOR_BODY, signature, secretKey: SECRET }), 'signature_malformed');
    }
  });

  it('refuses a correctly signed body that is not a valid notification with malformed_payload', async () => {
    const bodies = [
      'not json',
      '[1,2]',
      '{}',
      paidBody({ amount: '-5' }),
      paidBody({ amount: '1e2' }),
      paidBody({ cip: '' }),
    ];
    for (const body of bodies) {
      const error = await rejection(verify({ body, signature: sign(body), secretKey: SECRET }), 'malformed_payload');
      expect(Array.isArray(error.details?.issues)).toBe(true);
    }
    const latin1 = Uint8Array.from([0x7b, 0xff, 0x7d]);
    await rejection(verify({ body: latin1, signature: sign(latin1), secretKey: SECRET }), 'malformed_payload');
  });

  it('checks the signature before parsing: an unsigned malformed body is a signature error', async () => {
    await rejection(verify({ body: 'not json', signature: VECTOR_SIGNATURE, secretKey: SECRET }), 'signature_mismatch');
  });
});

describe.each(IMPLEMENTATIONS)('prepared verifier of the handler ($name)', ({ hmac }) => {
  const verify = prepareVerifier(hmac.hmacSha256Verify, ['previous-secret', SECRET], hmac.hmacSha256VerifySync);

  it('verifies with pre-normalised secrets and keeps every error code', async () => {
    const event = await verify(new TextEncoder().encode(VECTOR_BODY), VECTOR_SIGNATURE.toUpperCase());
    expect(event).toMatchObject({ type: 'cip.paid', amountMinor: 15050, paidAt: new Date('2024-03-05T17:00:07Z') });
    await rejection(verify(`${VECTOR_BODY} `, VECTOR_SIGNATURE), 'signature_mismatch');
    await rejection(verify(VECTOR_BODY, ` ${VECTOR_SIGNATURE.slice(1)}`), 'signature_malformed');
    await rejection(verify(VECTOR_BODY, undefined), 'signature_missing');
    await rejection(verify(JSON.parse(VECTOR_BODY) as never, VECTOR_SIGNATURE), 'body_not_raw');
    await rejection(verify('{}', sign('{}')), 'malformed_payload');
  });
});

describe('verifyWebhook (the build-selected seam)', () => {
  it('verifies the protocol §5 vector', async () => {
    const event = await verifyWebhook({ body: VECTOR_BODY, signature: VECTOR_SIGNATURE, secretKey: SECRET });
    expect(event).toMatchObject({ type: 'cip.paid', cip: '2401557', amountMinor: 15050, operationNumber: '987654' });
  });
});
