/** Human rendering of verification results. --json prints the same data unchanged. */
import type { Check } from '../core/verify/checks.js';
import type { FileVerification } from '../core/verify/receipt.js';
import type { DirVerification } from '../core/verify/files.js';
import type { TimestampInfo } from '../core/tsp/verify.js';
import { formatMicros } from '../core/tsp/verify.js';
import type { CliContext } from './context.js';
import { KST_HOURS, wallClock } from '../core/time.js';
import { joinTexts, t, type Text } from '../core/text.js';
import type { IdentityStatus } from '../core/verify/receipt.js';
import { tr } from './output.js';

/** `2026-11-22 02:08:22.506 UTC (11:08:22 KST)` */
export function formatTime(iso: string): string {
  return `${wallClock(iso)} UTC (${wallClock(iso, KST_HOURS).slice(0, 19)} KST)`;
}

export function formatTimestamp(ctx: CliContext, ts: TimestampInfo): string {
  const acc = ts.accuracyMicros === undefined ? t`accuracy not stated` : t`±${formatMicros(ts.accuracyMicros)}`;
  return tr(ctx, t`${formatTime(ts.genTime)} ${acc} — TSA "${ts.tsa}"`);
}

function mark(ctx: CliContext, c: Check): string {
  switch (c.status) {
    case 'pass':
      return ctx.color.green('✔');
    case 'fail':
      return ctx.color.red('✘');
    case 'warn':
      return ctx.color.yellow('!');
    case 'skip':
      return ctx.color.dim('-');
  }
}

export function renderChecks(ctx: CliContext, checks: readonly Check[], indent = '    '): string[] {
  const width = Math.min(40, Math.max(...checks.map((c) => (c.subject ? c.subject.length + 1 : 0) + c.id.length)));
  return checks.map((c) => {
    const id = (c.subject ? `${c.subject} ${c.id}` : c.id).padEnd(width);
    const line = `${indent}${mark(ctx, c)} ${id}  ${tr(ctx, c.detail)}`;
    return c.status === 'fail' ? ctx.color.red(line) : c.status === 'skip' ? ctx.color.dim(line) : line;
  });
}

export function summarize(ctx: CliContext, checks: readonly Check[]): string {
  const n = (s: Check['status']) => checks.filter((c) => c.status === s).length;
  const parts = [t`${n('pass')} passed`];
  if (n('fail')) parts.push(t`${n('fail')} failed`);
  if (n('warn')) parts.push(t`${n('warn')} warning(s)`);
  if (n('skip')) parts.push(t`${n('skip')} not applicable`);
  return tr(ctx, joinTexts(parts, ', '));
}

/** How far the holder's identity is vouched for, in words. */
export function identityLabel(identity: IdentityStatus): Text {
  switch (identity) {
    case 'ca-verified':
      return t`certified by a trusted CA`;
    case 'self-asserted':
      return t`SELF-ASSERTED — no CA vouches for this name`;
    case 'unverified':
      return t`issuer not trusted here`;
  }
}

function verdict(ctx: CliContext, ok: boolean, what: string): string {
  return ok ? `${ctx.color.green(tr(ctx, t`✔ VERIFIED`))}  ${what}` : `${ctx.color.red(tr(ctx, t`✘ NOT VERIFIED`))}  ${what}`;
}

function holderAndTimes(ctx: CliContext, r: { holder?: { subject: string; identity: IdentityStatus }; timestamps: readonly TimestampInfo[] }): string[] {
  const lines: string[] = [];
  if (r.holder) lines.push(tr(ctx, t`  who      ${r.holder.subject} — ${identityLabel(r.holder.identity)}`));
  for (const ts of r.timestamps) lines.push(tr(ctx, t`  when     ${formatTimestamp(ctx, ts)}`));
  return lines;
}

export function renderFileResult(ctx: CliContext, r: FileVerification, verbose: boolean): string[] {
  const lines: string[] = [verdict(ctx, r.ok, r.file)];
  if (r.entry) {
    const [alg, hex] = Object.entries(r.entry.digests)[0]!;
    lines.push(tr(ctx, t`  what     ${alg.toUpperCase()} ${hex} (${r.entry.size.toLocaleString('en-US')} bytes), registered as "${r.entry.name}"`));
  }
  lines.push(...holderAndTimes(ctx, r));
  if (r.receipt) lines.push(tr(ctx, t`  receipt  ${r.receipt}${r.receiptId ? ` (${r.receiptId})` : ''}`));
  const failed = r.checks.filter((x) => !x.ok);
  lines.push(tr(ctx, t`  checks   ${summarize(ctx, r.checks)}`));
  lines.push(...renderChecks(ctx, verbose ? r.checks : failed.length ? failed : r.checks.filter((x) => x.status === 'warn')));
  return lines;
}

export function renderDirectory(ctx: CliContext, d: DirVerification, verbose: boolean): string[] {
  const c = ctx.color;
  const r = d.receipt;
  const count = (s: string) => d.results.filter((x) => x.status === s).length;
  const lines = [verdict(ctx, d.ok, r.path), ...holderAndTimes(ctx, r)];
  const files = d.results.some((x) => x.status === 'unregistered')
    ? t`  files    ${count('matched')} matched, ${count('modified')} modified, ${count('missing')} missing, ${count('unregistered')} not registered`
    : t`  files    ${count('matched')} matched, ${count('modified')} modified, ${count('missing')} missing`;
  lines.push(tr(ctx, files));
  lines.push(tr(ctx, t`  receipt  ${summarize(ctx, r.checks)}`));
  lines.push(...renderChecks(ctx, verbose ? r.checks : r.checks.filter((x) => x.status === 'fail' || x.status === 'warn')));
  const mark = {
    matched: c.green(tr(ctx, t`✔ matched `)),
    modified: c.red(tr(ctx, t`✘ modified`)),
    missing: c.red(tr(ctx, t`✘ missing `)),
    unregistered: c.yellow(tr(ctx, t`? not registered`)),
  } as const;
  for (const x of d.results) {
    if (!verbose && x.status === 'matched') continue;
    const why = x.checks.find((k) => !k.ok)?.detail;
    lines.push(`  ${mark[x.status]}  ${x.file}${why ? c.dim(`  (${tr(ctx, why)})`) : ''}`);
  }
  return lines;
}
