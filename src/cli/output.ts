/**
 * Output helpers: one JSON document on stdout with --json; human text otherwise.
 *
 * Human output is made of texts only (t`…`, plain`…`), never of strings: every string inside a
 * text is data and is shown through displaySafe when the text is rendered here, so that a name,
 * subject or URL from a receipt, certificate or token cannot control the terminal or reorder
 * what is read — and new output cannot forget it. `--json` prints the exact strings.
 */
import type { CliContext } from './context.js';
import { displaySafe, jsonSafe } from '../core/display.js';
import { jsonChunks } from '../core/io/json.js';
import { preformatted, t, textRenderer, type Text } from '../core/text.js';

export const VERSION = '0.1.0';

export function printJson(ctx: CliContext, value: unknown): void {
  ctx.stdout.write(`${jsonSafe(JSON.stringify(value, null, 2))}\n`);
}

/**
 * One JSON document whose `key` array may be huge (100,000s of files): the rest is printed
 * as usual, the array streamed one item per line, in 64 KiB writes.
 */
export async function printJsonStreaming(ctx: CliContext, head: Record<string, unknown>, key: string, items: Iterable<unknown>): Promise<void> {
  await writeChunks(ctx, jsonChunks(head, key, items));
}

/**
 * Writes chunks to stdout, waiting whenever a pipe is full: a slow reader would otherwise
 * leave the whole output (100s of MB for a large batch) queued in memory.
 */
export async function writeChunks(ctx: CliContext, chunks: Iterable<string>): Promise<void> {
  for (const chunk of chunks) {
    if (ctx.stdout.write(chunk) === false && ctx.stdout.once) await new Promise<void>((resolve) => ctx.stdout.once!('drain', resolve));
  }
}

const EMPTY = preformatted('');

/** Human output that is the command's result goes to stdout (unless --json). */
export function out(ctx: CliContext, line: Text = EMPTY): void {
  if (!ctx.json) ctx.stdout.write(`${tr(ctx, line)}\n`);
}

/** Notes, warnings and progress go to stderr. */
export function note(ctx: CliContext, line: Text = EMPTY): void {
  ctx.stderr.write(`${tr(ctx, line)}\n`);
}

export function warn(ctx: CliContext, line: Text): void {
  ctx.stderr.write(`${ctx.color.yellow(tr(ctx, t`warning:`))} ${tr(ctx, line)}\n`);
}

/**
 * Text for a person, in the language of the messages (`--lang`, else LC_ALL / LC_MESSAGES /
 * LANG), with every string argument shown through displaySafe.
 */
export function tr(ctx: CliContext, x: Text): string {
  return x.render(ctx.catalog, displaySafe);
}

/** `tr` for many texts of few templates (one line per file): each template translated and split once. */
export function translator(ctx: CliContext): (x: Text) => string {
  return textRenderer(ctx.catalog, displaySafe);
}

export type Style = 'green' | 'red' | 'yellow' | 'dim' | 'bold';

/** A text rendered for a person and coloured (when colour is on); stays as it is inside other texts. */
export function paint(ctx: CliContext, style: Style, x: Text): Text {
  return preformatted(ctx.color[style](tr(ctx, x)));
}
