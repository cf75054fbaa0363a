import { constantTimeEqual, pbkdf2Sha256 } from '../_crypto/pbkdf2.js';
import { decodeBase64url, encodeBase64url } from '../voucher/_internal/base64url.js';

/** PBKDF2-HMAC-SHA256 iterations of new staff password hashes (OWASP's 2023 figure). */
export const STAFF_PASSWORD_ITERATIONS = 600_000;
/** The fewest iterations a hash may be made with (tests and slow machines; never below this). */
export const STAFF_PASSWORD_MIN_ITERATIONS = 100_000;
/** Password length bounds, in characters after NFKC normalisation. */
export const STAFF_PASSWORD_LENGTH: { readonly min: number; readonly max: number } = { min: 12, max: 256 };

const PREFIX = 'pbkdf2-sha256';

/**
 * Normalise a password the way it is hashed: NFKC, so the same password typed on two keyboards
 * (composed or decomposed accents, full-width digits) is the same password.
 */
export function normalizePassword(password: string): string {
  return password.normalize('NFKC');
}

/**
 * Hash a staff password: `pbkdf2-sha256$<iterations>$<salt>$<hash>` with a 16-byte random salt.
 * The encoded form carries its parameters, so raising the iteration count later keeps old hashes valid.
 */
export async function hashStaffPassword(
  password: string,
  iterations: number = STAFF_PASSWORD_ITERATIONS,
): Promise<string> {
  if (!Number.isSafeInteger(iterations) || iterations < STAFF_PASSWORD_MIN_ITERATIONS) {
    throw new RangeError(`staff password hashes need at least ${STAFF_PASSWORD_MIN_ITERATIONS} iterations`);
  }
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const hash = await pbkdf2Sha256(normalizePassword(password), salt, iterations);
  return `${PREFIX}$${iterations}$${encodeBase64url(salt)}$${encodeBase64url(hash)}`;
}

function parseHash(encoded: string): { iterations: number; salt: Uint8Array; hash: Uint8Array } | null {
  const [prefix, rounds, salt, hash, ...rest] = encoded.split('$');
  if (prefix !== PREFIX || rest.length > 0 || salt === undefined || hash === undefined) return null;
  const iterations = Number(rounds);
  if (!Number.isSafeInteger(iterations) || iterations < STAFF_PASSWORD_MIN_ITERATIONS) return null;
  const saltBytes = decodeBase64url(salt);
  const hashBytes = decodeBase64url(hash);
  return saltBytes && hashBytes && hashBytes.length > 0 ? { iterations, salt: saltBytes, hash: hashBytes } : null;
}

/**
 * Whether `password` matches an encoded hash, compared in constant time. A malformed hash never
 * matches (a damaged account cannot be entered with any password).
 */
export async function verifyStaffPassword(password: string, encoded: string): Promise<boolean> {
  const parsed = parseHash(encoded);
  if (parsed === null) return false;
  const candidate = await pbkdf2Sha256(normalizePassword(password), parsed.salt, parsed.iterations, parsed.hash.length);
  return constantTimeEqual(candidate, parsed.hash);
}

/**
 * Spend the time of one verification without an account, so that "no such staff id" and "wrong
 * password" take as long as each other and the login page does not reveal which ids exist.
 */
export async function burnPasswordCheck(
  password: string,
  iterations: number = STAFF_PASSWORD_ITERATIONS,
): Promise<void> {
  await pbkdf2Sha256(normalizePassword(password), new Uint8Array(16), iterations);
}
