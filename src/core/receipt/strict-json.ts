/**
 * JSON for evidence: a document in which an object names a key twice has two readings (most
 * parsers keep the last value, some the first), so tsproof and another tool could disagree about
 * which file a manifest registers. Receipts and manifests are therefore parsed strictly: valid
 * JSON (RFC 8259) with no object repeating a key — the I-JSON rule of RFC 7493 §2.3.
 *
 * The values come from JSON.parse. Duplicates are found by counting: in valid JSON every `:`
 * outside strings follows exactly one key, and the parsed objects hold one key per distinct name,
 * so the two counts differ exactly when some object repeats a key. Counting skips from quote to
 * quote with indexOf, cheap beside JSON.parse even for a 1,000,000-entry receipt; only a document
 * that has a duplicate is scanned again, to name it.
 */

/** A key that appears twice in one object. */
export class DuplicateKeyError extends Error {
  readonly key: string;
  constructor(key: string) {
    super(`duplicate key ${JSON.stringify(key)}`);
    this.key = key;
  }
}

/** JSON.parse, refusing any object with a repeated key (throws SyntaxError or DuplicateKeyError). */
export function parseStrictJson(text: string): unknown {
  const value: unknown = JSON.parse(text);
  if (colonsOutsideStrings(text) !== keysIn(value)) throw new DuplicateKeyError(firstDuplicate(text) ?? '');
  return value;
}

/** The number of `:` outside strings: one per key in a valid document. */
function colonsOutsideStrings(text: string): number {
  let n = 0;
  let pos = 0;
  for (;;) {
    const open = text.indexOf('"', pos);
    const end = open < 0 ? text.length : open;
    for (let i = pos; i < end; i++) if (text.charCodeAt(i) === 0x3a) n++;
    if (open < 0) return n;
    pos = closingQuote(text, open) + 1;
  }
}

/** Index of the quote that closes the string opening at `open`. */
function closingQuote(text: string, open: number): number {
  let q = text.indexOf('"', open + 1);
  for (;;) {
    // Escaped when preceded by an odd number of backslashes.
    let b = 0;
    while (text.charCodeAt(q - 1 - b) === 0x5c) b++;
    if (b % 2 === 0) return q;
    q = text.indexOf('"', q + 1);
  }
}

/** The number of keys of every object in a parsed value (iteratively: nesting may be deep). */
function keysIn(value: unknown): number {
  let n = 0;
  const stack: unknown[] = [value];
  while (stack.length) {
    const v = stack.pop();
    if (typeof v !== 'object' || v === null) continue;
    if (Array.isArray(v)) {
      for (const x of v) if (typeof x === 'object' && x !== null) stack.push(x);
      continue;
    }
    for (const k in v) {
      n++;
      const x = (v as Record<string, unknown>)[k];
      if (typeof x === 'object' && x !== null) stack.push(x);
    }
  }
  return n;
}

/** The first key repeated within one object, by a full scan (only for documents known to have one). */
function firstDuplicate(text: string): string | undefined {
  // One set of keys per open object; undefined for open arrays.
  const open: (Set<string> | undefined)[] = [];
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '{') {
      open.push(new Set());
      expectKey = true;
    } else if (c === '[') open.push(undefined);
    else if (c === '}' || c === ']') open.pop();
    else if (c === ',') expectKey = open[open.length - 1] !== undefined;
    else if (c === '"') {
      const end = closingQuote(text, i);
      if (expectKey) {
        const key = JSON.parse(text.slice(i, end + 1)) as string;
        const keys = open[open.length - 1]!;
        if (keys.has(key)) return key;
        keys.add(key);
        expectKey = false;
      }
      i = end;
    }
  }
  return undefined;
}
