import * as v from 'valibot';
import { sha256Hex } from '../_crypto/hmac.js';
import { ApiError } from '../errors.js';
import { formatLimaTimestamp, parseApiTimestamp } from '../time/index.js';
import { unexpectedResponse } from './_errors.js';
import type { ResolvedClientOptions } from './options.js';
import { AuthDataSchema } from './response-schemas.js';
import type { Transport } from './transport.js';

/** What the SDK tells about the current token. The token itself is never exposed. */
export interface AuthSession {
  /** PagoEfectivo's short code of the service (e.g. `"TST"`), when sent. */
  codeService: string | null;
  /** When the token became valid, when sent. */
  tokenStart: Date | null;
  /** When PagoEfectivo stops accepting the token. */
  tokenExpires: Date;
}

/** Caches the bearer token, refreshes it before expiry, and shares one in-flight request. */
export interface TokenManager {
  /** A valid token; `force` fetches a new one even if the cached one is still fresh. */
  token(force?: boolean): Promise<string>;
  /** The session facts of a valid token. */
  session(force?: boolean): Promise<AuthSession>;
  /** Forget `token` (after a 401) unless a newer token has already replaced it. */
  invalidate(token: string): void;
}

interface Held {
  token: string;
  session: AuthSession;
}

/**
 * Create the token manager. Authorization follows protocol §1 exactly: `dateRequest` is the Lima
 * timestamp of `now()`, and `hashString` is SHA-256 of `idService.accessKey.secretKey.dateRequest`,
 * hashed byte for byte as sent.
 */
export function createTokenManager(options: ResolvedClientOptions, transport: Transport): TokenManager {
  let held: Held | null = null;
  let inflight: Promise<Held> | null = null;

  async function authorize(): Promise<Held> {
    const dateRequest = formatLimaTimestamp(options.now(), 'now()');
    const hashString = await sha256Hex(`${options.serviceId}.${options.accessKey}.${options.secretKey}.${dateRequest}`);
    const body = JSON.stringify({
      accessKey: options.accessKey,
      idService: Number(options.serviceId),
      dateRequest,
      hashString,
    });
    const result = await transport.send({
      operation: 'authorize',
      method: 'POST',
      path: 'authorizations',
      body,
      idempotent: true,
    });
    const parsed = v.safeParse(AuthDataSchema, result.envelope.data);
    if (!parsed.success) throw unexpectedResponse(result.context, result.status, 'no token data');
    try {
      const tokenExpires = parseApiTimestamp(parsed.output.tokenExpires, 'tokenExpires');
      if (tokenExpires === null)
        throw unexpectedResponse(result.context, result.status, 'tokenExpires is the 1900 sentinel');
      const start = parsed.output.tokenStart;
      return {
        token: parsed.output.token,
        session: {
          codeService: parsed.output.codeService ?? null,
          tokenStart: start ? parseApiTimestamp(start, 'tokenStart') : null,
          tokenExpires,
        },
      };
    } catch (error) {
      if (error instanceof ApiError) throw error;
      throw unexpectedResponse(result.context, result.status, 'unreadable tokenStart/tokenExpires');
    }
  }

  function fresh(candidate: Held | null): candidate is Held {
    if (candidate === null) return false;
    const refreshAt = candidate.session.tokenExpires.getTime() - options.tokenRefreshMarginMs;
    return options.now().getTime() < refreshAt;
  }

  function obtain(force: boolean): Promise<Held> {
    if (!force && fresh(held)) return Promise.resolve(held);
    // Single flight: every caller that needs a token while one is being fetched awaits the same
    // request, so a burst of calls after expiry costs one authorization, not one per call.
    if (inflight === null) {
      inflight = authorize().then(
        (next) => {
          held = next;
          inflight = null;
          return next;
        },
        (error: unknown) => {
          inflight = null;
          throw error;
        },
      );
    }
    return inflight;
  }

  return {
    async token(force = false): Promise<string> {
      return (await obtain(force)).token;
    },
    async session(force = false): Promise<AuthSession> {
      return { ...(await obtain(force)).session };
    },
    invalidate(token: string): void {
      if (held?.token === token) held = null;
    },
  };
}
