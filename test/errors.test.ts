import { describe, expect, it } from 'vitest';
import {
  ApiError,
  AuthError,
  ConfigurationError,
  ERROR_CODES,
  GuardError,
  isPagoEfectivoKitError,
  PagoEfectivoKitError,
  StorageError,
  TimeoutError,
  toStorageError,
  ValidationError,
} from '../src/errors.js';

describe('error hierarchy', () => {
  it('gives every error a registered code and a subclass name', () => {
    const errors = [
      new ConfigurationError('bad option'),
      new ValidationError('bad input', [{ path: 'amount', message: 'x' }]),
      new ApiError('api_error', 'boom', { status: 418 }),
      new AuthError('refused'),
      new TimeoutError('slow'),
      new GuardError('rate_limited', 'slow down'),
      new StorageError('down'),
    ];
    for (const error of errors) {
      expect(error).toBeInstanceOf(PagoEfectivoKitError);
      expect(error).toBeInstanceOf(Error);
      expect(Object.keys(ERROR_CODES)).toContain(error.code);
      expect(isPagoEfectivoKitError(error)).toBe(true);
    }
    expect(new AuthError('x').name).toBe('AuthError');
    expect(new AuthError('x')).toBeInstanceOf(ApiError);
  });

  it('recognises SDK errors by brand, not by class identity', () => {
    const error = new GuardError('ip_not_allowed', 'no');
    expect(isPagoEfectivoKitError(error, 'ip_not_allowed')).toBe(true);
    expect(isPagoEfectivoKitError(error, 'rate_limited')).toBe(false);
    expect(isPagoEfectivoKitError(new Error('plain'))).toBe(false);
    expect(isPagoEfectivoKitError({ code: 'rate_limited' })).toBe(false);
    expect(isPagoEfectivoKitError(null)).toBe(false);
  });

  it('serialises to log-safe JSON without the cause', () => {
    const secretCause = new Error('token eyJhbGciOi.secret');
    const error = new ApiError('api_server_error', 'POST /v1/cips failed with 500', {
      status: 500,
      apiCode: '166',
      cause: secretCause,
      request: { method: 'POST', path: '/v1/cips' },
    });
    const json = JSON.stringify(error);
    expect(json).not.toContain('secret');
    expect(JSON.parse(json)).toMatchObject({ code: 'api_server_error', status: 500, apiCode: '166' });
    expect(error.cause).toBe(secretCause);
  });

  it('keeps validation issues in JSON', () => {
    const error = new ValidationError('bad', [{ path: 'payer.email', message: 'invalid email' }]);
    expect(error.toJSON()).toMatchObject({ issues: [{ path: 'payer.email' }] });
  });

  it('wraps backend failures as StorageError and passes SDK errors through', () => {
    const wrapped = toStorageError(new Error('connection reset'), 'claimOrder');
    expect(wrapped).toBeInstanceOf(StorageError);
    expect(wrapped.message).toContain('claimOrder');
    const guard = new GuardError('rate_limited', 'x');
    expect(toStorageError(guard, 'hit')).toBe(guard);
  });
});
