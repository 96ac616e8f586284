/**
 * Verification findings as data. Every check has a stable `id` (documented in
 * docs/verification.md); the CLI renders them, `--json` prints them unchanged.
 */
import { joinTexts, t, type Text } from '../text.js';
import { decide, FINDINGS, type FindingCode, type Severity, type VerificationPolicy } from './policy.js';

const RANK: Record<Severity, number> = { low: 0, medium: 1, high: 2, critical: 3 };

export type CheckStatus = 'pass' | 'fail' | 'warn' | 'skip';

export interface Check {
  /** Stable identifier, e.g. `timestamp.imprint`. */
  id: string;
  /** False only when status is 'fail'. */
  ok: boolean;
  status: CheckStatus;
  /** One human-readable sentence saying what was found. */
  detail: Text;
  /** What the check is about when a report has several of a kind, e.g. `timestamp[1]`. */
  subject?: string;
  /** For weak or non-conforming properties: what was found and how serious it is (the policy decided the status). */
  finding?: { code: FindingCode; severity: Severity };
  /**
   * Set on a failed check whose only problem is a trust decision this computer has not made:
   * the path ends at a root (or an issuer missing from the proof) that no configured anchor is.
   */
  cause?: 'untrusted-anchor';
}

/**
 * Whether revocation was checked for a certificate, as its `*.revocation` check says: `checked`
 * (passed), `warning`, `failed`, or `not-checked` (skipped: no revocation data evaluated).
 */
export type RevocationStatus = 'checked' | 'warning' | 'failed' | 'not-checked';

export function revocationStatus(check: Check | undefined): RevocationStatus {
  switch (check?.status) {
    case 'pass':
      return 'checked';
    case 'warn':
      return 'warning';
    case 'fail':
      return 'failed';
    default:
      return 'not-checked';
  }
}

/** Collects checks in order. */
export class CheckList {
  readonly items: Check[] = [];
  constructor(private readonly subject?: string) {}

  add(id: string, status: CheckStatus, detail: Text): Check {
    const c: Check = { id, ok: status !== 'fail', status, detail };
    if (this.subject !== undefined) c.subject = this.subject;
    this.items.push(c);
    return c;
  }
  pass(id: string, detail: Text) {
    return this.add(id, 'pass', detail);
  }
  fail(id: string, detail: Text) {
    return this.add(id, 'fail', detail);
  }
  warn(id: string, detail: Text) {
    return this.add(id, 'warn', detail);
  }
  skip(id: string, detail: Text) {
    return this.add(id, 'skip', detail);
  }
  /** pass or fail by a condition. */
  expect(id: string, ok: boolean, passDetail: Text, failDetail: Text) {
    return this.add(id, ok ? 'pass' : 'fail', ok ? passDetail : failDetail);
  }
  /** A check about weak or non-conforming properties: the policy turns each finding into fail or warn. */
  findings(id: string, policy: VerificationPolicy, found: readonly { code: FindingCode; detail: Text }[], passDetail?: Text): Check {
    if (found.length === 0) return this.pass(id, passDetail ?? t`no findings`);
    const worst = found.some((f) => decide(policy, f.code) === 'fail') ? 'fail' : 'warn';
    const top = [...found].sort((a, b) => RANK[FINDINGS[b.code].severity] - RANK[FINDINGS[a.code].severity])[0]!;
    const what = joinTexts(
      found.map((f) => t`${f.detail}: ${FINDINGS[f.code].what}`),
      '; ',
    );
    const detail = worst === 'fail' ? t`${what} (refused under the ${policy.name} policy)` : t`${what} (accepted with a warning under the ${policy.name} policy)`;
    const c = this.add(id, worst, detail);
    c.finding = { code: top.code, severity: FINDINGS[top.code].severity };
    return c;
  }
  get ok(): boolean {
    return this.items.every((c) => c.ok);
  }
  failed(): Check[] {
    return this.items.filter((c) => !c.ok);
  }
}
