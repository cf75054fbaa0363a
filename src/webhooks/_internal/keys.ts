/**
 * Key-spelling tolerance. PagoEfectivo documents camelCase keys (`eventType`, `data.amount`…), but its
 * .NET stack binds JSON case-insensitively and some integrations see PascalCase, so a notification is
 * read with case-insensitive keys: the documented spelling wins when present; otherwise exactly one
 * case-insensitive match is used; two or more variants without the documented one are ambiguous.
 */

/** Two or more keys differ only by case and none has the documented spelling. */
export const AMBIGUOUS: unique symbol = Symbol('ambiguous');

/** The actual key of `object` that stands for `name`, `undefined` if none, {@link AMBIGUOUS} if unclear. */
export function findKey(object: Record<string, unknown>, name: string): string | undefined | typeof AMBIGUOUS {
  if (Object.hasOwn(object, name)) return name;
  const wanted = name.toLowerCase();
  let found: string | undefined;
  for (const key of Object.keys(object)) {
    if (key.length !== wanted.length || key.toLowerCase() !== wanted) continue;
    if (found !== undefined) return AMBIGUOUS;
    found = key;
  }
  return found;
}

/** A plain JSON object (not an array, not null). */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Where each canonical field was found, for reading source text and reporting problems. */
export interface CanonicalNotification {
  /** The notification with documented camelCase keys (unknown keys dropped). */
  value: Record<string, unknown>;
  /** The actual spelling of `data` and `data.amount`, when present. */
  dataKey: string | undefined;
  amountKey: string | undefined;
  /** Canonical paths whose spelling was ambiguous. */
  ambiguous: string[];
}

const TOP_FIELDS = ['eventType', 'operationNumber', 'data'] as const;
const DATA_FIELDS = ['cip', 'currency', 'amount', 'transactionCode', 'paymentDate'] as const;

function copyFields(
  source: Record<string, unknown>,
  fields: readonly string[],
  prefix: string,
  ambiguous: string[],
): { value: Record<string, unknown>; keys: Record<string, string> } {
  const value: Record<string, unknown> = {};
  const keys: Record<string, string> = {};
  for (const field of fields) {
    const key = findKey(source, field);
    if (key === AMBIGUOUS) ambiguous.push(prefix + field);
    else if (key !== undefined) {
      value[field] = source[key];
      keys[field] = key;
    }
  }
  return { value, keys };
}

/** Rewrite a parsed notification with the documented key spelling (see the module comment). */
export function canonicalNotification(parsed: Record<string, unknown>): CanonicalNotification {
  const ambiguous: string[] = [];
  const top = copyFields(parsed, TOP_FIELDS, '', ambiguous);
  let amountKey: string | undefined;
  const data = top.value.data;
  if (isJsonObject(data)) {
    const inner = copyFields(data, DATA_FIELDS, 'data.', ambiguous);
    top.value.data = inner.value;
    amountKey = inner.keys.amount;
  }
  return { value: top.value, dataKey: top.keys.data, amountKey, ambiguous };
}
