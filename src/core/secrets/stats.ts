/**
 * `secret stats`: secrets per classification and what needs attention — people with access but
 * no pledge covering the secret, leavers without a leaving pledge (퇴사 서약 누락), leavers who
 * still have access, access past its `until`, reviews overdue, records that do not verify.
 */
import { personKey, samePerson, type Level, type Person } from './model.js';
import { activeGrants, type Ledger } from './state.js';
import type { Text } from '../text.js';

export type FindingKind = 'access-without-pledge' | 'leaver-without-pledge' | 'leaver-with-access' | 'access-expired' | 'review-overdue' | 'record-invalid';

export interface Finding {
  kind: FindingKind;
  secret?: string;
  person?: Person;
  /** The date that passed (until, review) or the leaving date. */
  date?: string;
  /** record-invalid: the problem. */
  detail?: Text;
}

export interface Stats {
  date: string;
  secrets: { total: number; retired: number; byLevel: { level: string; ko: string; en: string; count: number }[] };
  people: { withAccess: number; pledged: number; leavers: number };
  findings: Finding[];
}

export function secretStats(ledger: Ledger, levels: readonly Level[], date: string): Stats {
  const all = [...ledger.secrets.values()];
  const live = all.filter((s) => !s.retired);
  const byLevel = levels.map((l) => ({ level: l.id, ko: l.ko, en: l.en, count: live.filter((s) => s.fields.level === l.id).length }));
  // A level no longer in the configured scale is still counted, under its id.
  for (const s of live)
    if (!levels.some((l) => l.id === s.fields.level) && !byLevel.some((b) => b.level === s.fields.level))
      byLevel.push({ level: s.fields.level, ko: s.fields.level, en: s.fields.level, count: live.filter((x) => x.fields.level === s.fields.level).length });
  const findings: Finding[] = [];

  const withAccess = new Map<string, Person>();
  const pledged = new Map<string, Person>();
  const leavers = new Map<string, { person: Person; date: string }>();
  for (const s of all) {
    for (const p of s.pledges) {
      if (p.status !== 'failed') pledged.set(personKey(p.person), p.person);
      if (p.kind === 'leaving' && !leavers.has(personKey(p.person))) leavers.set(personKey(p.person), { person: p.person, date: p.date });
    }
    for (const g of s.grants) if (g.revoked?.left) leavers.set(personKey(g.person), { person: g.person, date: g.revoked.date });
  }
  for (const s of live) {
    for (const g of activeGrants(s)) {
      withAccess.set(personKey(g.person), g.person);
      // A pledge that counts: signed and verified (or not yet checked), or a paper one, covering this secret, not a leaving pledge.
      const covered = s.pledges.some((p) => p.kind !== 'leaving' && p.status !== 'failed' && samePerson(p.person, g.person));
      if (!covered) findings.push({ kind: 'access-without-pledge', secret: s.id, person: g.person });
      if (g.until && g.until < date) findings.push({ kind: 'access-expired', secret: s.id, person: g.person, date: g.until });
      const left = [...leavers.values()].find((l) => samePerson(l.person, g.person));
      if (left) findings.push({ kind: 'leaver-with-access', secret: s.id, person: g.person, date: left.date });
    }
    if (s.fields.review && s.fields.review < date) findings.push({ kind: 'review-overdue', secret: s.id, date: s.fields.review });
  }
  for (const l of leavers.values()) {
    const hasLeaving = all.some((s) => s.pledges.some((p) => p.kind === 'leaving' && p.status !== 'failed' && samePerson(p.person, l.person)));
    if (!hasLeaving) findings.push({ kind: 'leaver-without-pledge', person: l.person, date: l.date });
  }
  if (ledger.verified) for (const p of ledger.problems) findings.push({ kind: 'record-invalid', ...(p.event ? { secret: p.event.secret } : {}), detail: p.message });
  return {
    date,
    secrets: { total: live.length, retired: all.length - live.length, byLevel },
    people: { withAccess: withAccess.size, pledged: pledged.size, leavers: leavers.size },
    findings,
  };
}
