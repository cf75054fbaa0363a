import type { CashCodeStore } from '../storage/contract.js';
import { LOOKUP_KINDS, type LookupKind, type LookupResult, lookupCodes } from '../support/lookup.js';
import { maskEmail } from '../support/redact.js';
import { type ParsedArgs, stringOption } from './_args.js';
import { CliUsageError } from './_io.js';

/** The `--kind` option of the support commands. */
export function kindOption(parsed: ParsedArgs, allowed: readonly LookupKind[] = LOOKUP_KINDS): LookupKind | undefined {
  const kind = stringOption(parsed, 'kind');
  if (kind === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(kind))
    throw new CliUsageError(`--kind must be one of ${allowed.join(', ')}.`);
  return kind as LookupKind;
}

/** The value as a message may show it: e-mails masked (the terminal output may be pasted into a ticket). */
export function shownValue(value: string): string {
  const trimmed = value.trim();
  return JSON.stringify(trimmed.includes('@') ? maskEmail(trimmed) : trimmed.slice(0, 100));
}

/** Look the value up; a malformed value is a usage error, with the lookup's own message. */
export async function findCodes(
  store: CashCodeStore,
  value: string,
  kind: LookupKind | undefined,
  options: { limit: number; scanLimit?: number },
): Promise<LookupResult> {
  try {
    return await lookupCodes(store, kind === undefined ? value : { kind, value }, options);
  } catch (error) {
    if (error instanceof Error && (error as { code?: unknown }).code === 'validation_failed') {
      throw new CliUsageError(error.message);
    }
    throw error;
  }
}
