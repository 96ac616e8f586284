/**
 * A hashing progress bar on stderr (files, bytes, rate, ETA) — only when stderr is a TTY,
 * not with --json, and only once the work has taken about a second. Nothing in CI or pipes.
 */
import type { HashProgress } from '../core/hash/engine.js';
import type { CliContext } from './context.js';
import { t } from '../core/text.js';
import { tr } from './output.js';

export interface ProgressHandle {
  /** Hand this to the core: it receives a reader of running totals. */
  attach: (read: () => HashProgress) => void;
  stop: () => void;
}

const NONE: ProgressHandle = { attach: () => undefined, stop: () => undefined };

export async function hashingProgress(ctx: CliContext, totalFiles: number): Promise<ProgressHandle> {
  if (ctx.json || !ctx.stderr.isTTY || ctx.env.CI || totalFiles === 0) return NONE;
  const { default: cliProgress } = await import('cli-progress');
  let read: (() => HashProgress) | undefined;
  let bar: InstanceType<typeof cliProgress.SingleBar> | undefined;
  const started = Date.now();
  const mib = (b: number) => (b / 1024 ** 2).toFixed(0);
  const timer = setInterval(() => {
    if (!read || Date.now() - started < 1000) return;
    const p = read();
    const secs = (Date.now() - started) / 1000;
    const payload = { mib: mib(p.bytes), rate: mib(p.bytes / secs) };
    if (!bar) {
      bar = new cliProgress.SingleBar(
        { format: tr(ctx, t`hashing [{bar}] {value}/{total} files | {mib} MiB | {rate} MiB/s | ETA {eta_formatted}`), stream: process.stderr, hideCursor: true, clearOnComplete: true, etaBuffer: 50 },
        cliProgress.Presets.shades_classic,
      );
      bar.start(totalFiles, p.files, payload);
    } else bar.update(p.files, payload);
  }, 200);
  timer.unref();
  return {
    attach: (r) => (read = r),
    stop: () => {
      clearInterval(timer);
      bar?.stop();
    },
  };
}
