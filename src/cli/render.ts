/** Human rendering of verification results, as texts (shown through displaySafe by output.ts). --json prints the same data unchanged. */
import type { Check } from '../core/verify/checks.js';
import type { FileVerification } from '../core/verify/receipt.js';
import type { DirVerification } from '../core/verify/files.js';
import type { TimestampInfo } from '../core/tsp/verify.js';
import { formatMicros } from '../core/tsp/verify.js';
import type { CliContext } from './context.js';
import { bothClocks } from '../core/time.js';
import { joinTexts, plain, t, type Text } from '../core/text.js';
import type { HolderInfo } from '../core/verify/receipt.js';
import type { Reason } from '../core/verify/verdict.js';
import { explain, identityPhrase, remedies, type Explained } from '../core/verify/explain.js';
import { displaySafe } from '../core/display.js';
import { paint } from './output.js';

/** `2026-11-22 02:08:22.506 UTC (2026-11-22 11:08:22 KST)` */
export const formatTime = bothClocks;

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

/** How much `verify` prints: `brief` (verdict, who, when, failed checks), `short` (the default: also what, the receipt, why and what to do, warnings), `full` (every check). */
export type Detail = 'brief' | 'short' | 'full';

/** The verdict's reason in a few words, after the file name. */
export function reasonWords(reason: Reason): Text | undefined {
  switch (reason) {
    case 'verified':
      return undefined;
    case 'no-receipt':
      return t`no receipt found`;
    case 'invalid-proof':
      return t`the proof does not check out`;
    case 'not-covered':
      return t`this receipt does not cover this file`;
    case 'modified':
      return t`MODIFIED: not the registered original`;
    case 'missing':
      return t`missing`;
    case 'pin-mismatch':
      return t`not made by the expected holder or TSA (pins)`;
    case 'untrusted-anchor':
      return t`matches, but this computer does not trust the root yet`;
  }
}

function verdict(ctx: CliContext, ok: boolean, what: string, reason: Reason): Text {
  if (ok) return plain`${paint(ctx, 'green', t`✔ VERIFIED`)}  ${what}`;
  const words = reasonWords(reason);
  const head = reason === 'untrusted-anchor' ? paint(ctx, 'yellow', t`✘ NOT VERIFIED YET`) : paint(ctx, 'red', t`✘ NOT VERIFIED`);
  return words ? plain`${head}  ${what} — ${words}` : plain`${head}  ${what}`;
}

/** A timestamp's line: proven, or claimed by a TSA whose root is not trusted here. */
function whenLine(ts: TimestampInfo): Text {
  return ts.trusted ? t`  when     ${formatTimestamp(ts)}` : t`  when     ${formatTimestamp(ts)} — CLAIMED, NOT PROVEN (the TSA's root is not trusted here)`;
}

function holderAndTimes(r: { holder?: HolderInfo; timestamps: readonly TimestampInfo[]; checks?: readonly Check[] }): Text[] {
  const lines: Text[] = [];
  if (r.holder) lines.push(t`  who      ${r.holder.subject} — ${identityPhrase(r.holder)}`);
  for (const ts of r.timestamps) lines.push(whenLine(ts));
  if (r.timestamps.length === 0) lines.push(t`  when     not proven: no valid timestamp`);
  // A receipt made under a timestamp policy: whether it holds (docs/long-term.md#several-tsas-as-a-policy).
  const policy = r.checks?.find((c) => c.id === 'timestamps.operators');
  if (policy) lines.push(policy.ok ? t`  policy   ${policy.detail}` : t`  policy   NOT MET: ${policy.detail}`);
  return lines;
}

/** Why it failed and what can be done, in words (explain.ts), with the commands to run. */
export function guidance(ctx: CliContext, r: Explained, o: { receipt?: string; file?: string }): Text[] {
  const lines: Text[] = [];
  explain(r).forEach((x, i) => lines.push(i === 0 ? t`  why      ${x}` : plain`           ${x}`));
  for (const step of remedies(r, o)) {
    lines.push(t`  next     ${step.text}`);
    if (step.command) lines.push(plain`             ${paint(ctx, 'bold', plain`${step.command}`)}`);
  }
  return lines;
}

/** How the registry found the receipt: the earliest registration, the others, a receipt that moved. */
function registryLines(g: NonNullable<FileVerification['registry']>): Text[] {
  const lines: Text[] = [];
  if (g.others > 0)
    lines.push(
      g.earliest
        ? t`  registry the earliest of ${g.others + 1} registrations of this content (registry find shows all)`
        : t`  registry ${g.others + 1} registrations cover this content; an earlier one's receipt is missing or does not verify here (registry find shows all)`,
    );
  if (g.movedFrom && g.moveNotRecorded) lines.push(t`  moved    the receipt was recorded at ${g.movedFrom}; the registry could not be updated (${g.moveNotRecorded}) and still points there`);
  else if (g.movedFrom) lines.push(t`  moved    the receipt was recorded at ${g.movedFrom}; the registry now points here`);
  return lines;
}

export function renderFileResult(ctx: CliContext, r: FileVerification, detail: Detail): Text[] {
  const lines: Text[] = [verdict(ctx, r.ok, r.file, r.reason)];
  if (detail !== 'brief' && r.entry) {
    const [alg, hex] = Object.entries(r.entry.digests)[0]!;
    lines.push(t`  what     ${alg.toUpperCase()} ${hex} (${r.entry.size.toLocaleString('en-US')} bytes), registered as "${r.entry.name}"`);
  }
  if (r.reason !== 'no-receipt') lines.push(...holderAndTimes(r));
  if (detail !== 'brief' && r.receipt) lines.push(t`  receipt  ${r.receipt}${r.receiptId ? ` (${r.receiptId})` : ''}`);
  if (detail !== 'brief' && r.registry) lines.push(...registryLines(r.registry));
  if (detail !== 'brief' && !r.ok) lines.push(...guidance(ctx, r, { ...(r.receipt ? { receipt: r.receipt } : {}), file: r.file }));
  const failed = r.checks.filter((x) => !x.ok);
  if (detail !== 'brief') lines.push(detail === 'short' ? t`  checks   ${summarize(r.checks)} (--full lists every check)` : t`  checks   ${summarize(r.checks)}`);
  lines.push(...renderChecks(ctx, detail === 'full' ? r.checks : detail === 'brief' ? failed : r.checks.filter((x) => x.status === 'fail' || x.status === 'warn')));
  return lines;
}

export function renderDirectory(ctx: CliContext, d: DirVerification, detail: Detail): Text[] {
  const r = d.receipt;
  const count = (s: string) => d.results.filter((x) => x.status === s).length;
  const lines = [verdict(ctx, d.ok, r.path, d.ok ? 'verified' : r.ok ? (d.results.find((x) => !x.ok)?.reason ?? 'verified') : r.reason), ...holderAndTimes(r)];
  lines.push(
    d.results.some((x) => x.status === 'unregistered')
      ? t`  files    ${count('matched')} matched, ${count('modified')} modified, ${count('missing')} missing, ${count('unregistered')} not registered`
      : t`  files    ${count('matched')} matched, ${count('modified')} modified, ${count('missing')} missing`,
  );
  if (detail !== 'brief' && !r.ok) lines.push(...guidance(ctx, r, { receipt: r.path }));
  lines.push(t`  receipt  ${summarize(r.checks)}`);
  lines.push(...renderChecks(ctx, detail === 'full' ? r.checks : r.checks.filter((x) => x.status === 'fail' || (detail !== 'brief' && x.status === 'warn'))));
  const mark = {
    matched: paint(ctx, 'green', t`✔ matched `),
    modified: paint(ctx, 'red', t`✘ modified`),
    missing: paint(ctx, 'red', t`✘ missing `),
    unregistered: paint(ctx, 'yellow', t`? not registered`),
  } as const;
  const elsewhere = d.results.filter((x) => x.foundAs !== undefined).length;
  if (elsewhere) lines.push(t`  ${elsewhere} file(s) matched by digest under another name (flattened download?)`);
  if (d.missingIgnored) lines.push(t`  ${d.missingIgnored} missing file(s) ignored (--ignore-missing)`);
  for (const x of d.results) {
    if (x.foundAs !== undefined && detail !== 'brief') {
      lines.push(plain`  ${mark.matched}  ${x.file}${paint(ctx, 'dim', t`  (found as ${x.foundAs}, matched by digest)`)}`);
      continue;
    }
    if (detail !== 'full' && x.status === 'matched') continue;
    const why = x.checks.find((k) => !k.ok)?.detail;
    lines.push(why ? plain`  ${mark[x.status]}  ${x.file}${paint(ctx, 'dim', plain`  (${why})`)}` : plain`  ${mark[x.status]}  ${x.file}`);
  }
  return lines;
}
