/** Human rendering of verification results. --json prints the same data unchanged. */
import type { Check } from '../core/verify/checks.js';
import type { FileVerification } from '../core/verify/receipt.js';
import type { DirVerification } from '../core/verify/files.js';
import type { TimestampInfo } from '../core/tsp/verify.js';
import { formatMicros } from '../core/tsp/verify.js';
import type { CliContext } from './context.js';
import { KST_HOURS, wallClock } from '../core/time.js';

/** `2026-11-22 02:08:22.506 UTC (11:08:22 KST)` */
export function formatTime(iso: string): string {
  return `${wallClock(iso)} UTC (${wallClock(iso, KST_HOURS).slice(0, 19)} KST)`;
}

export function formatTimestamp(t: TimestampInfo): string {
  const acc = t.accuracyMicros === undefined ? 'accuracy not stated' : `±${formatMicros(t.accuracyMicros)}`;
  return `${formatTime(t.genTime)} ${acc} — TSA "${t.tsa}"`;
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
    const line = `${indent}${mark(ctx, c)} ${id}  ${c.detail}`;
    return c.status === 'fail' ? ctx.color.red(line) : c.status === 'skip' ? ctx.color.dim(line) : line;
  });
}

export function summarize(checks: readonly Check[]): string {
  const n = (s: Check['status']) => checks.filter((c) => c.status === s).length;
  const parts = [`${n('pass')} passed`];
  if (n('fail')) parts.push(`${n('fail')} failed`);
  if (n('warn')) parts.push(`${n('warn')} warning${n('warn') > 1 ? 's' : ''}`);
  if (n('skip')) parts.push(`${n('skip')} not applicable`);
  return parts.join(', ');
}

const IDENTITY_TEXT = {
  'ca-verified': 'certified by a trusted CA',
  'self-asserted': 'SELF-ASSERTED — no CA vouches for this name',
  unverified: 'issuer not trusted here',
} as const;

export function renderFileResult(ctx: CliContext, r: FileVerification, verbose: boolean): string[] {
  const c = ctx.color;
  const lines: string[] = [];
  lines.push(r.ok ? `${c.green('✔ VERIFIED')}  ${r.file}` : `${c.red('✘ NOT VERIFIED')}  ${r.file}`);
  if (r.entry) {
    const [alg, hex] = Object.entries(r.entry.digests)[0]!;
    lines.push(`  what     ${alg.toUpperCase()} ${hex} (${r.entry.size.toLocaleString('en-US')} bytes), registered as "${r.entry.name}"`);
  }
  if (r.holder) lines.push(`  who      ${r.holder.subject} — ${IDENTITY_TEXT[r.holder.identity]}`);
  for (const t of r.timestamps) lines.push(`  when     ${formatTimestamp(t)}`);
  if (r.receipt) lines.push(`  receipt  ${r.receipt}${r.receiptId ? ` (${r.receiptId})` : ''}`);
  const failed = r.checks.filter((x) => !x.ok);
  lines.push(`  checks   ${summarize(r.checks)}`);
  lines.push(...renderChecks(ctx, verbose ? r.checks : failed.length ? failed : r.checks.filter((x) => x.status === 'warn')));
  return lines;
}

export function renderDirectory(ctx: CliContext, d: DirVerification, verbose: boolean): string[] {
  const c = ctx.color;
  const r = d.receipt;
  const count = (s: string) => d.results.filter((x) => x.status === s).length;
  const lines = [d.ok ? `${c.green('✔ VERIFIED')}  ${r.path}` : `${c.red('✘ NOT VERIFIED')}  ${r.path}`];
  if (r.holder) lines.push(`  who      ${r.holder.subject} — ${IDENTITY_TEXT[r.holder.identity]}`);
  for (const t of r.timestamps) lines.push(`  when     ${formatTimestamp(t)}`);
  lines.push(`  files    ${count('matched')} matched, ${count('modified')} modified, ${count('missing')} missing${d.results.some((x) => x.status === 'unregistered') ? `, ${count('unregistered')} not registered` : ''}`);
  lines.push(`  receipt  ${summarize(r.checks)}`);
  lines.push(...renderChecks(ctx, verbose ? r.checks : r.checks.filter((x) => x.status === 'fail' || x.status === 'warn')));
  const mark = { matched: c.green('✔ matched '), modified: c.red('✘ modified'), missing: c.red('✘ missing '), unregistered: c.yellow('? not registered') } as const;
  for (const x of d.results) {
    if (!verbose && x.status === 'matched') continue;
    const why = x.checks.find((k) => !k.ok)?.detail;
    lines.push(`  ${mark[x.status]}  ${x.file}${why ? c.dim(`  (${why})`) : ''}`);
  }
  return lines;
}
