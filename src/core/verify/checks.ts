/**
 * Verification findings as data. Every check has a stable `id` (documented in
 * docs/verification.md); the CLI renders them, `--json` prints them unchanged.
 */
export type CheckStatus = 'pass' | 'fail' | 'warn' | 'skip';

export interface Check {
  /** Stable identifier, e.g. `timestamp.imprint`. */
  id: string;
  /** False only when status is 'fail'. */
  ok: boolean;
  status: CheckStatus;
  /** One human-readable sentence saying what was found. */
  detail: string;
  /** What the check is about when a report has several of a kind, e.g. `timestamp[1]`. */
  subject?: string;
}

/** Collects checks in order. */
export class CheckList {
  readonly items: Check[] = [];
  constructor(private readonly subject?: string) {}

  add(id: string, status: CheckStatus, detail: string): Check {
    const c: Check = { id, ok: status !== 'fail', status, detail };
    if (this.subject !== undefined) c.subject = this.subject;
    this.items.push(c);
    return c;
  }
  pass(id: string, detail: string) {
    return this.add(id, 'pass', detail);
  }
  fail(id: string, detail: string) {
    return this.add(id, 'fail', detail);
  }
  warn(id: string, detail: string) {
    return this.add(id, 'warn', detail);
  }
  skip(id: string, detail: string) {
    return this.add(id, 'skip', detail);
  }
  /** pass or fail by a condition. */
  expect(id: string, ok: boolean, passDetail: string, failDetail: string) {
    return this.add(id, ok ? 'pass' : 'fail', ok ? passDetail : failDetail);
  }
  get ok(): boolean {
    return this.items.every((c) => c.ok);
  }
  failed(): Check[] {
    return this.items.filter((c) => !c.ok);
  }
}
