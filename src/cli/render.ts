/** Human rendering of verification results, as texts (shown through displaySafe by output.ts). --json prints the same data unchanged. */
import type { Check } from '../core/verify/checks.js';
import type { FileVerification } from '../core/verify/receipt.js';
import type { DirVerification } from '../core/verify/files.js';
import type { TimestampInfo } from '../core/tsp/verify.js';
import { formatMicros } from '../core/tsp/verify.js';
import type { CliContext } from './context.js';
import { KST_HOURS, wallClock } from '../core/time.js';
import { joinTexts, plain, t, type Text } from '../core/text.js';
import type { IdentityStatus } from '../core/verify/receipt.js';
import { displaySafe } from '../core/display.js';
import { paint } from './output.js';

/** `2026-11-22 02:08:22.506 UTC (11:08:22 KST)` */
export function formatTime(iso: string): string {
  return `${wallClock(iso)} UTC (${wallClock(iso, KST_HOURS).slice(0, 19)} KST)`;
}

export function formatTimestamp(ts: TimestampInfo): Text {
  const acc = ts.accuracyMicros === undefined ? t`accuracy not stated` : t`±${formatMicros(ts.accuracyMicros)}`;
  return t`${formatTime(ts.genTime)} ${acc} — TSA "${ts.tsa}"`;
}

function mark(ctx: CliContext, c: Check): Text {
  switch (c.status) {
    case 'pass':
      return paint(ctx, 'green', plain`✔`);
    case 'fail':
      return paint(ctx, 'red', plain`✘`);
    case 'warn':
      return paint(ctx, 'yellow', plain`!`);
    case 'skip':
      return paint(ctx, 'dim', plain`-`);
  }
}

export function renderChecks(ctx: CliContext, checks: readonly Check[], indent = '    '): Text[] {
  // A check's subject may come from outside (a file name): aligned by its shown width.
  const label = (c: Check) => displaySafe(c.subject ? `${c.subject} ${c.id}` : c.id);
  const width = Math.min(40, Math.max(...checks.map((c) => label(c).length)));
  return checks.map((c) => {
    const line = plain`${indent}${mark(ctx, c)} ${label(c).padEnd(width)}  ${c.detail}`;
    return c.status === 'fail' ? paint(ctx, 'red', line) : c.status === 'skip' ? paint(ctx, 'dim', line) : line;
  });
}

export function summarize(checks: readonly Check[]): Text {
  const n = (s: Check['status']) => checks.filter((c) => c.status === s).length;
  const parts = [t`${n('pass')} passed`];
  if (n('fail')) parts.push(t`${n('fail')} failed`);
  if (n('warn')) parts.push(t`${n('warn')} warning(s)`);
  if (n('skip')) parts.push(t`${n('skip')} not applicable`);
  return joinTexts(parts, ', ');
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

function verdict(ctx: CliContext, ok: boolean, what: string): Text {
  return ok ? plain`${paint(ctx, 'green', t`✔ VERIFIED`)}  ${what}` : plain`${paint(ctx, 'red', t`✘ NOT VERIFIED`)}  ${what}`;
}

function holderAndTimes(r: { holder?: { subject: string; identity: IdentityStatus }; timestamps: readonly TimestampInfo[] }): Text[] {
  const lines: Text[] = [];
  if (r.holder) lines.push(t`  who      ${r.holder.subject} — ${identityLabel(r.holder.identity)}`);
  for (const ts of r.timestamps) lines.push(t`  when     ${formatTimestamp(ts)}`);
  return lines;
}

export function renderFileResult(ctx: CliContext, r: FileVerification, verbose: boolean): Text[] {
  const lines: Text[] = [verdict(ctx, r.ok, r.file)];
  if (r.entry) {
    const [alg, hex] = Object.entries(r.entry.digests)[0]!;
    lines.push(t`  what     ${alg.toUpperCase()} ${hex} (${r.entry.size.toLocaleString('en-US')} bytes), registered as "${r.entry.name}"`);
  }
  lines.push(...holderAndTimes(r));
  if (r.receipt) lines.push(t`  receipt  ${r.receipt}${r.receiptId ? ` (${r.receiptId})` : ''}`);
  const failed = r.checks.filter((x) => !x.ok);
  lines.push(t`  checks   ${summarize(r.checks)}`);
  lines.push(...renderChecks(ctx, verbose ? r.checks : failed.length ? failed : r.checks.filter((x) => x.status === 'warn')));
  return lines;
}

export function renderDirectory(ctx: CliContext, d: DirVerification, verbose: boolean): Text[] {
  const r = d.receipt;
  const count = (s: string) => d.results.filter((x) => x.status === s).length;
  const lines = [verdict(ctx, d.ok, r.path), ...holderAndTimes(r)];
  lines.push(
    d.results.some((x) => x.status === 'unregistered')
      ? t`  files    ${count('matched')} matched, ${count('modified')} modified, ${count('missing')} missing, ${count('unregistered')} not registered`
      : t`  files    ${count('matched')} matched, ${count('modified')} modified, ${count('missing')} missing`,
  );
  lines.push(t`  receipt  ${summarize(r.checks)}`);
  lines.push(...renderChecks(ctx, verbose ? r.checks : r.checks.filter((x) => x.status === 'fail' || x.status === 'warn')));
  const mark = {
    matched: paint(ctx, 'green', t`✔ matched `),
    modified: paint(ctx, 'red', t`✘ modified`),
    missing: paint(ctx, 'red', t`✘ missing `),
    unregistered: paint(ctx, 'yellow', t`? not registered`),
  } as const;
  for (const x of d.results) {
    if (!verbose && x.status === 'matched') continue;
    const why = x.checks.find((k) => !k.ok)?.detail;
    lines.push(why ? plain`  ${mark[x.status]}  ${x.file}${paint(ctx, 'dim', plain`  (${why})`)}` : plain`  ${mark[x.status]}  ${x.file}`);
  }
  return lines;
}
