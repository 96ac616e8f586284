/**
 * Progress on stderr — only when stderr is a terminal, not with --json, not in CI, and only once
 * the work has taken about a second. Hashing is shown by bytes, with the total and an ETA from
 * the rate so far (files as a second count); a later stage ("timestamping at <TSA>…") replaces it
 * with its own timer, so that a slow TSA does not look like hashing that hangs. One line, cut to
 * the terminal's width (never wrapped), rewritten in place; the cursor is hidden meanwhile and
 * shown again on stop — and on Ctrl-C (see interrupted()).
 */
import type { HashProgress } from '../core/hash/engine.js';
import { humanSize } from '../core/limits.js';
import type { CliContext } from './context.js';
import { t, type Text } from '../core/text.js';
import { tr } from './output.js';

export interface ProgressHandle {
  /** Hand this to the core: it receives a reader of running totals. */
  attach: (read: () => HashProgress) => void;
  /** Hashing is over: show this stage instead, with its own timer. */
  stage: (label: Text) => void;
  stop: () => void;
}

const NONE: ProgressHandle = { attach: () => undefined, stage: () => undefined, stop: () => undefined };
const SHOW_AFTER_MS = 1000;
const HIDE_CURSOR = '\x1b[?25l';
const SHOW_CURSOR = '\x1b[?25h';
const CLEAR_LINE = '\r\x1b[2K';

/** The handles drawing now: Ctrl-C restores the terminal through them. */
const live = new Set<() => void>();

/** Puts the terminal back as it was (cursor shown, the progress line cleared), whatever is drawing. */
export function restoreTerminal(): void {
  for (const stop of [...live]) stop();
}

/** `n` seconds as people read them: `45 s`, `3 min 20 s`, `2 h 5 min`. */
export function duration(secs: number): string {
  const s = Math.max(0, Math.round(secs));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

/**
 * `totalBytes`: the size of the work, or a function that finds it (stat of every file) — called
 * only if the bar is shown. Until it is known, the bar counts files.
 */
export async function hashingProgress(ctx: CliContext, totalFiles: number, totalBytes?: number | (() => Promise<number>)): Promise<ProgressHandle> {
  if (ctx.json || !ctx.stderr.isTTY || ctx.env.CI || totalFiles === 0) return NONE;
  let read: (() => HashProgress) | undefined;
  let total = typeof totalBytes === 'number' ? totalBytes : undefined;
  let sizing = false;
  let drawn = false;
  let stage: { label: Text; since: number } | undefined;
  const started = Date.now();
  const write = (s: string) => ctx.stderr.write(s);
  const fitToWidth = (s: string) => {
    const cols = (ctx.stderr as { columns?: number }).columns || 120;
    return [...s].slice(0, Math.max(10, cols - 1)).join('');
  };
  const draw = (line: string) => {
    if (!drawn) {
      write(HIDE_CURSOR);
      drawn = true;
      live.add(stop);
    }
    write(`${CLEAR_LINE}${fitToWidth(line)}`);
  };
  const hashingLine = (): string | undefined => {
    if (!read) return undefined;
    const p = read();
    const secs = (Date.now() - started) / 1000;
    const rate = p.bytes / secs;
    const files = t`${p.files.toLocaleString('en-US')}/${totalFiles.toLocaleString('en-US')} files`;
    if (total === undefined) return tr(ctx, t`hashing ${humanSize(p.bytes)} · ${files} · ${humanSize(rate)}/s`);
    const frac = total > 0 ? Math.min(1, p.bytes / total) : p.files / totalFiles;
    const width = 20;
    const filled = Math.round(frac * width);
    const bar = `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
    const eta = rate > 0 && total > p.bytes ? duration((total - p.bytes) / rate) : p.bytes >= total ? '0 s' : '–';
    return tr(ctx, t`hashing ${bar} ${Math.floor(frac * 100)} % · ${humanSize(p.bytes)} of ${humanSize(total)} · ${files} · ${humanSize(rate)}/s · ETA ${eta}`);
  };
  const tick = () => {
    if (stage) {
      if (drawn || Date.now() - stage.since >= SHOW_AFTER_MS) draw(`${tr(ctx, stage.label)} ${duration((Date.now() - stage.since) / 1000)}`);
      return;
    }
    if (Date.now() - started < SHOW_AFTER_MS) return;
    if (total === undefined && typeof totalBytes === 'function' && !sizing) {
      sizing = true;
      totalBytes().then(
        (n) => (total = n),
        () => undefined,
      );
    }
    const line = hashingLine();
    if (line) draw(line);
  };
  const timer = setInterval(tick, 200);
  timer.unref();
  function stop(): void {
    clearInterval(timer);
    live.delete(stop);
    if (drawn) write(`${CLEAR_LINE}${SHOW_CURSOR}`);
    drawn = false;
  }
  return {
    attach: (r) => (read = r),
    stage: (label) => {
      stage = { label, since: Date.now() };
      tick();
    },
    stop,
  };
}

/** The total size of `files` (for the bar), statted 64 at a time; files gone meanwhile count 0. */
export function sizeOf(files: readonly { absolute: string }[]): () => Promise<number> {
  return async () => {
    const { stat } = await import('node:fs/promises');
    let sum = 0;
    for (let i = 0; i < files.length; i += 64) {
      const sizes = await Promise.all(
        files.slice(i, i + 64).map((f) =>
          stat(f.absolute).then(
            (s) => s.size,
            () => 0,
          ),
        ),
      );
      for (const s of sizes) sum += s;
    }
    return sum;
  };
}
