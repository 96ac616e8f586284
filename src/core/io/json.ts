/** JSON documents too large to build as one string. */
import { jsonSafe } from '../display.js';

/**
 * The text of `head` (indented by 2) with its array member `key` holding `items`, one item per
 * line, in chunks of about 64 KiB: a document listing 1,000,000 files is written without one
 * string of hundreds of megabytes. `key` keeps its place in `head` (added last if absent).
 */
export function* jsonChunks(head: Record<string, unknown>, key: string, items: Iterable<unknown>): Generator<string> {
  // jsonSafe: outside strings (names, subjects) cannot control a terminal the output reaches.
  const text = jsonSafe(JSON.stringify({ ...head, [key]: [] }, null, 2));
  const at = text.indexOf(`\n  ${JSON.stringify(key)}: []`) + 3;
  let buf = `${text.slice(0, at)}${JSON.stringify(key)}: [`;
  let first = true;
  for (const item of items) {
    buf += `${first ? '' : ','}\n    ${jsonSafe(JSON.stringify(item))}`;
    first = false;
    // 64 KiB chunks stay below V8's large-object size, so they die young in the scavenger.
    if (buf.length > 1 << 16) {
      yield buf;
      buf = '';
    }
  }
  yield `${buf}${first ? '' : '\n  '}]${text.slice(at + JSON.stringify(key).length + 4)}\n`;
}
