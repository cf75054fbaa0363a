/**
 * Reads the source text of one member of a JSON document, so that a JSON number such as the
 * notification's `data.amount` can be turned into minor units from its digits instead of from the
 * float that `JSON.parse` produced (Node 20 has no `JSON.parse` source-text access).
 *
 * The scanner only runs on text that `JSON.parse` has already accepted, so it can skip validation
 * and just walk the structure. Like `JSON.parse`, it honours the LAST occurrence of a duplicated key.
 */

const QUOTE = 34;
const BACKSLASH = 92;
const COMMA = 44;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;

function isWhitespace(code: number): boolean {
  return code === 32 || code === 10 || code === 13 || code === 9;
}

function skipWhitespace(text: string, index: number): number {
  let position = index;
  while (position < text.length && isWhitespace(text.charCodeAt(position))) position++;
  return position;
}

/** Index just after the string that opens at `index` (a quote). */
function stringEnd(text: string, index: number): number {
  let position = index + 1;
  for (;;) {
    position = text.indexOf('"', position);
    if (position === -1) return text.length;
    let backslashes = 0;
    while (text.charCodeAt(position - 1 - backslashes) === BACKSLASH) backslashes++;
    // An even run of backslashes escapes itself, so the quote really closes the string.
    if (backslashes % 2 === 0) return position + 1;
    position++;
  }
}

/** Index just after the value that starts at `index`. */
function valueEnd(text: string, index: number): number {
  const first = text.charCodeAt(index);
  if (first === QUOTE) return stringEnd(text, index);
  if (first === OPEN_BRACE || first === OPEN_BRACKET) {
    let depth = 0;
    let position = index;
    while (position < text.length) {
      const code = text.charCodeAt(position);
      if (code === QUOTE) {
        position = stringEnd(text, position);
        continue;
      }
      if (code === OPEN_BRACE || code === OPEN_BRACKET) depth++;
      else if (code === CLOSE_BRACE || code === CLOSE_BRACKET) {
        depth--;
        if (depth === 0) return position + 1;
      }
      position++;
    }
    return text.length;
  }
  // A number or a literal runs until the next delimiter.
  let position = index;
  while (position < text.length) {
    const code = text.charCodeAt(position);
    if (code === COMMA || code === CLOSE_BRACE || code === CLOSE_BRACKET || isWhitespace(code)) break;
    position++;
  }
  return position;
}

/** The decoded name of the key whose string token spans `[start, end)`. */
function keyName(text: string, start: number, end: number): string {
  const inner = text.slice(start + 1, end - 1);
  return inner.includes('\\') ? (JSON.parse(text.slice(start, end)) as string) : inner;
}

/**
 * The span `[start, end)` of the value of `key` in the object that opens at `objectStart`,
 * or `null` if the object has no such key (or `objectStart` is not an object).
 */
function memberSpan(text: string, objectStart: number, key: string): [number, number] | null {
  if (text.charCodeAt(objectStart) !== OPEN_BRACE) return null;
  let found: [number, number] | null = null;
  let position = skipWhitespace(text, objectStart + 1);
  while (text.charCodeAt(position) === QUOTE) {
    const keyEnd = stringEnd(text, position);
    const name = keyName(text, position, keyEnd);
    const valueStart = skipWhitespace(text, skipWhitespace(text, keyEnd) + 1); // past the ':'
    const end = valueEnd(text, valueStart);
    if (name === key) found = [valueStart, end];
    position = skipWhitespace(text, end);
    if (text.charCodeAt(position) !== COMMA) break;
    position = skipWhitespace(text, position + 1);
  }
  return found;
}

/**
 * Index of the only occurrence of `token` in `text`; -1 if it does not occur, -2 if it occurs twice or
 * more. Searches for the token's last (up to) 6 characters and checks the rest by hand: on Node 20 an
 * `indexOf` of the 8-character `"amount"` over a 1 KB notification took about 1 µs, of its 6-character
 * tail about 0.1 µs (V8 switches to Boyer-Moore-Horspool, with its table setup, at 7 characters).
 */
function uniqueIndexOf(text: string, token: string): number {
  const headLength = Math.max(1, token.length - 6);
  const head = token.slice(0, headLength);
  const tail = token.slice(headLength);
  let found = -1;
  let from = headLength;
  for (;;) {
    const at = text.indexOf(tail, from);
    if (at === -1) return found;
    if (text.startsWith(head, at - headLength)) {
      if (found !== -1) return -2;
      found = at - headLength;
    }
    from = at + 1;
  }
}

/**
 * Fast path of {@link memberText} for the usual body: with no backslash anywhere, keys are written
 * literally and every `"` opens or closes a string, so a `"key"` that occurs exactly once in the whole
 * text is the one key token of that name, wherever it sits. Returns its value's text, or `null` when
 * the fast path does not apply (escapes present, key absent or repeated) and the full walk is needed.
 */
export function uniqueKeyValueText(json: string, key: string): string | null {
  if (json.includes('\\')) return null;
  const token = `"${key}"`;
  const at = uniqueIndexOf(json, token);
  if (at < 0) return null;
  const colon = skipWhitespace(json, at + token.length);
  if (json.charCodeAt(colon) !== 58) return null; // not followed by ':' so not a key
  const start = skipWhitespace(json, colon + 1);
  return json.slice(start, valueEnd(json, start));
}

/**
 * The source text of the value at `path` (a list of object keys, exactly as `Object.keys` reports
 * them) in `json`, which must be text that `JSON.parse` accepted. `null` if the path does not exist.
 *
 * @example memberText('{"data":{"amount":150.50}}', ['data', 'amount']) // '150.50'
 */
export function memberText(json: string, path: readonly string[]): string | null {
  let span: [number, number] = [skipWhitespace(json, 0), json.length];
  for (const key of path) {
    const next = memberSpan(json, span[0], key);
    if (next === null) return null;
    span = next;
  }
  return json.slice(span[0], span[1]);
}
