import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { type CliIo, CliRuntimeError, CliUsageError } from './_io.js';

const PAIR = /^([A-Za-z0-9._-]{1,32})=([A-Za-z0-9_-]{43})$/;

function fromText(text: string, origin: string): Record<string, string> {
  const keys: Record<string, string> = {};
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    let json: unknown;
    try {
      json = JSON.parse(trimmed);
    } catch {
      throw new CliUsageError(`${origin} is not valid JSON.`);
    }
    const record = json as Record<string, unknown>;
    // The output of `keys generate --json`, or a { kid: publicKey } map.
    if (typeof record.kid === 'string' && typeof record.publicKey === 'string')
      return { [record.kid]: record.publicKey };
    for (const [kid, key] of Object.entries(record)) {
      if (typeof key !== 'string' || !PAIR.test(`${kid}=${key}`))
        throw new CliUsageError(`${origin}: key "${kid}" is not a kid with a 43-character public key.`);
      keys[kid] = key;
    }
    return keys;
  }
  for (const [index, raw] of trimmed.split(/\r?\n/).entries()) {
    const line = raw.trim().replace(/^public_key_/, '');
    if (line === '' || line.startsWith('#')) continue;
    const match = PAIR.exec(line);
    if (!match) throw new CliUsageError(`${origin} line ${index + 1} is not "kid=publicKey".`);
    keys[match[1] as string] = match[2] as string;
  }
  return keys;
}

/**
 * Collect trusted voucher public keys from `--public-key` values: each is `kid=publicKey`, or a file
 * holding `kid=publicKey` lines (`#` comments allowed), a `{ "kid": "publicKey" }` JSON object, or the
 * JSON printed by `keys generate --json`.
 * @throws {CliUsageError} when no key is given or a value cannot be read as keys.
 */
export async function loadPublicKeys(values: readonly string[], io: CliIo): Promise<Record<string, string>> {
  if (values.length === 0) throw new CliUsageError('give at least one --public-key kid=KEY or --public-key FILE.');
  const keys: Record<string, string> = {};
  for (const value of values) {
    const pair = PAIR.exec(value);
    if (pair) {
      keys[pair[1] as string] = pair[2] as string;
      continue;
    }
    const file = path.resolve(io.cwd, value);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT')
        throw new CliUsageError(
          `--public-key #${values.indexOf(value) + 1} is neither kid=KEY nor an existing file (value not shown, in case it is a secret key).`,
        );
      throw new CliRuntimeError(`cannot read ${file}: ${code ?? String(error)}.`);
    }
    Object.assign(keys, fromText(text, file));
  }
  if (Object.keys(keys).length === 0) throw new CliUsageError('the --public-key files hold no keys.');
  return keys;
}
