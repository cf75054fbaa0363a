import { hmacSha256Hex, sha256Hex } from '../../_crypto/hmac.js';
import { formatLimaTimestamp, parseApiTimestamp } from '../../time/index.js';
import {
  FAKE_CODES,
  type FakeFieldError,
  failure,
  invalid,
  invalidValue,
  lowerKeys,
  parseJson,
  required,
  success,
  textOf,
} from './envelope.js';

/** What the fake's authorization endpoint needs to know. */
export interface FakeAuthConfig {
  serviceId: string;
  accessKey: string;
  secretKey: string;
  codeService: string;
  tokenLifetimeMs: number;
  dateRequestToleranceMs: number;
  now: () => Date;
}

/** Issues and checks bearer tokens. */
export interface FakeAuthority {
  /** Handle `POST /v1/authorizations`. */
  authorize(body: string): Promise<Response>;
  /** Whether an `Authorization` header carries a live token. */
  accepts(header: string | null): boolean;
  /** Invalidate every token issued so far. */
  revokeAll(): void;
}

function base64url(text: string): string {
  return btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function hexToBinary(hex: string): string {
  let binary = '';
  for (let index = 0; index < hex.length; index += 2) {
    binary += String.fromCharCode(Number.parseInt(hex.slice(index, index + 2), 16));
  }
  return binary;
}

/**
 * Create the fake's token authority. The hash is checked exactly as protocol §1 describes; tokens
 * look like PagoEfectivo's HS256 JWTs (`sub`, `jti`, `nameid`, `exp`) but the SDK must treat them as
 * opaque, and the fake only trusts tokens it remembers issuing.
 */
export function createFakeAuthority(config: FakeAuthConfig): FakeAuthority {
  const live = new Map<string, number>();
  // A per-fake signing key, so tokens from two fakes never validate against each other.
  const signingKey = crypto.randomUUID();

  async function issue(): Promise<{ token: string; start: Date; expires: Date }> {
    const start = config.now();
    const expires = new Date(start.getTime() + config.tokenLifetimeMs);
    const header = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
    const payload = base64url(
      JSON.stringify({
        sub: config.codeService,
        jti: crypto.randomUUID(),
        nameid: config.serviceId,
        exp: Math.floor(expires.getTime() / 1000),
      }),
    );
    const signature = base64url(hexToBinary(await hmacSha256Hex(signingKey, `${header}.${payload}`)));
    const token = `${header}.${payload}.${signature}`;
    live.set(token, expires.getTime());
    return { token, start, expires };
  }

  const refused = (): Response =>
    failure(401, FAKE_CODES.authRefused, 'Credenciales inválidas o fecha fuera de tolerancia (fake).');

  return {
    async authorize(body: string): Promise<Response> {
      const fields = lowerKeys(parseJson(body));
      const accessKey = textOf(fields.get('accesskey'));
      const idService = textOf(fields.get('idservice'));
      const dateRequest = textOf(fields.get('daterequest'));
      const hashString = textOf(fields.get('hashstring'));
      const errors: FakeFieldError[] = [];
      if (!accessKey) errors.push(required('accessKey'));
      if (!idService) errors.push(required('idService'));
      else if (!/^\d{1,10}$/.test(idService)) errors.push(invalidValue('idService'));
      if (!dateRequest) errors.push(required('dateRequest'));
      if (!hashString) errors.push(required('hashString'));
      let requestedAt: Date | null = null;
      if (dateRequest) {
        try {
          requestedAt = parseApiTimestamp(dateRequest, 'dateRequest');
        } catch {
          errors.push(invalidValue('dateRequest'));
        }
      }
      if (errors.length > 0) return invalid(errors);
      if (accessKey !== config.accessKey || String(Number(idService)) !== config.serviceId) return refused();
      // The hash covers dateRequest byte for byte as sent, with idService as its plain decimal text.
      const expected = await sha256Hex(`${config.serviceId}.${config.accessKey}.${config.secretKey}.${dateRequest}`);
      if (hashString !== expected) return refused();
      const skew = Math.abs((requestedAt?.getTime() ?? 0) - config.now().getTime());
      if (requestedAt === null || skew > config.dateRequestToleranceMs) return refused();
      const { token, start, expires } = await issue();
      return success(201, {
        token,
        codeService: config.codeService,
        tokenStart: formatLimaTimestamp(start),
        tokenExpires: formatLimaTimestamp(expires),
      });
    },

    accepts(header: string | null): boolean {
      const match = header === null ? null : /^Bearer (\S+)$/.exec(header);
      if (!match) return false;
      const expiresAt = live.get(match[1] as string);
      return expiresAt !== undefined && config.now().getTime() < expiresAt;
    },

    revokeAll(): void {
      live.clear();
    },
  };
}
