/** Output helpers: one JSON document on stdout with --json; human text otherwise. */
import type { CliContext } from './context.js';

export const VERSION = '0.1.0';

export function printJson(ctx: CliContext, value: unknown): void {
  ctx.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Human output that is the command's result goes to stdout (unless --json). */
export function out(ctx: CliContext, line = ''): void {
  if (!ctx.json) ctx.stdout.write(`${line}\n`);
}

/** Notes, warnings and progress go to stderr. */
export function note(ctx: CliContext, line: string): void {
  ctx.stderr.write(`${line}\n`);
}

export function warn(ctx: CliContext, line: string): void {
  ctx.stderr.write(`${ctx.color.yellow('warning:')} ${line}\n`);
}
