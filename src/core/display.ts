/**
 * Strings from outside (entry names, certificate subjects, URLs, TSA status texts, anything read
 * from a receipt, certificate or token) made safe to show to a person.
 *
 * An unsigned edit of one entry name must not be able to clear the screen, move the cursor or
 * reorder what a reader sees. So every C0 and C1 control character, DEL, the Unicode line and
 * paragraph separators and the bidirectional embedding, override and isolate marks are written as
 * visible escapes (`\x1b`, `\u202e`). Everything else, Korean included, is shown as it is.
 *
 * This is the one rule for terminal output, PDFs and the evidence pack's texts; `--json` output
 * keeps the exact strings (JSON escapes control characters itself) so programs see the data.
 */

// C0 controls, DEL and C1 controls; LRM, RLM and ALM; line/paragraph separators;
// bidi embeddings and overrides (U+202A–U+202E) and isolates (U+2066–U+2069).
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** `s` with every character that could control a terminal or reorder text written as an escape. */
export function displaySafe(s: string): string {
  return s.replace(UNSAFE, escapeChar);
}

/** True when `displaySafe(s)` would change `s`. */
export function needsEscaping(s: string): boolean {
  UNSAFE.lastIndex = 0;
  const found = UNSAFE.test(s);
  UNSAFE.lastIndex = 0;
  return found;
}

// What JSON.stringify leaves raw among the above: DEL, C1 controls, bidi marks and separators.
const JSON_UNSAFE = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * JSON text (from JSON.stringify) with the characters above written as `\uXXXX` escapes: the
 * same document to a parser — every string exact — and harmless on a terminal. Structural JSON
 * is ASCII, so these characters can only stand inside strings, where the escape is valid.
 */
export function jsonSafe(json: string): string {
  return json.replace(JSON_UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function escapeChar(c: string): string {
  const code = c.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}
