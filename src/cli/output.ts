/** Output helpers: one JSON document on stdout with --json; human text otherwise. */
import type { CliContext } from './context.js';
import { t, type Text } from '../core/text.js';

export const VERSION = '0.1.0';

export function printJson(ctx: CliContext, value: unknown): void {
  ctx.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/**
 * One JSON document whose `key` array may be huge (100,000s of files): the rest is printed
 * as usual, the array streamed one item per line, in 64 KiB writes.
 */
export function printJsonStreaming(ctx: CliContext, head: Record<string, unknown>, key: string, items: Iterable<unknown>): void {
  const text = JSON.stringify({ ...head, [key]: [] }, null, 2);
  const at = text.lastIndexOf(`"${key}": []`);
  let buf = `${text.slice(0, at)}"${key}": [`;
  let first = true;
  for (const item of items) {
    buf += `${first ? '' : ','}\n    ${JSON.stringify(item)}`;
    first = false;
    if (buf.length > 1 << 16) {
      ctx.stdout.write(buf);
      buf = '';
    }
  }
  ctx.stdout.write(`${buf}${first ? '' : '\n  '}]${text.slice(at + key.length + 6)}\n`);
}

/** Human output that is the command's result goes to stdout (unless --json). */
export function out(ctx: CliContext, line: string | Text = ''): void {
  if (!ctx.json) ctx.stdout.write(`${tr(ctx, line)}\n`);
}

/** Notes, warnings and progress go to stderr. */
export function note(ctx: CliContext, line: string | Text): void {
  ctx.stderr.write(`${tr(ctx, line)}\n`);
}

export function warn(ctx: CliContext, line: string | Text): void {
  ctx.stderr.write(`${ctx.color.yellow(tr(ctx, t`warning:`))} ${tr(ctx, line)}\n`);
}

/** Text in the language of the messages (`--lang`, else LC_ALL / LC_MESSAGES / LANG); strings as they are. */
export function tr(ctx: CliContext, x: string | Text): string {
  return typeof x === 'string' ? x : x.render(ctx.catalog);
}
