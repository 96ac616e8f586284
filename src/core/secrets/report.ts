/**
 * The litigation report of one secret (`secret report`, docs/secrets.md "Reports"): its versions
 * (registrations with proven times), classification history, who had access when, each person's
 * pledges with their verification status, the handling history, and every event's proof status.
 * Plain data: the CLI prints it (Korean or English), writes it as JSON, or as a PDF (pdf.ts).
 */
import type { Text } from '../text.js';
import type { FileFingerprint, HandlingAction, Level, Person, PledgeKind } from './model.js';
import type { EventView, Ledger, SecretState } from './state.js';

export interface SecretReport {
  format: 'tsproof.secret.report';
  version: 1;
  /** Every event of the secret verifies and the store's chain holds. */
  ok: boolean;
  generated: string;
  secret: { id: string; title: string; description?: string; level: string; levelNames?: { ko: string; en: string }; department?: string; custodian?: string; review?: string };
  retired?: { reason: string; time?: string };
  problems: Text[];
  versions: { registration: string; provenTime: string; holder: string; files: number; merkleRoot: string; receiptSha256: string; entries: { name: string; size: number; digest: string }[]; recordedAt?: string; recordOk: boolean }[];
  classification: { level: string; names?: { ko: string; en: string }; time: string; recordOk: boolean; reason?: string }[];
  access: { person: Person; role?: string; since: string; until?: string; grantedBy: string; grantedAt?: string; revoked?: { date: string; reason?: string; left?: boolean; at?: string }; recordOk: boolean }[];
  pledges: {
    person: Person;
    kind: PledgeKind;
    date: string;
    form: 'signed' | 'paper';
    signer?: { subject: string; certificateSha256: string };
    document: FileFingerprint;
    scan?: FileFingerprint;
    status: string;
    problems: Text[];
    recordedAt?: string;
    recordOk: boolean;
  }[];
  handling: { action: HandlingAction; person: Person; date: string; partner?: string; nda?: FileFingerprint; note?: string; recordedAt?: string; recordOk: boolean }[];
  events: { id: string; seq: number; type: string; sha256: string; record: number; registration: string; time?: string; recorder?: string; recorderIdentity?: string; ok: boolean; problems: Text[] }[];
}

const ok = (v: EventView) => v.proof.ok === true;
const at = (v: EventView) => v.proof.time;

export function secretReport(ledger: Ledger, s: SecretState, levels: readonly Level[], now: Date): SecretReport {
  const level = levels.find((l) => l.id === s.fields.level);
  // Problems of the store itself (a record removed or reordered) concern every secret.
  const mine = ledger.problems.filter((p) => (p.event ? p.event.secret === s.id : true));
  const r: SecretReport = {
    format: 'tsproof.secret.report',
    version: 1,
    ok: ledger.verified && mine.length === 0 && s.events.every(ok),
    generated: now.toISOString(),
    secret: { id: s.id, ...s.fields, ...(level ? { levelNames: { ko: level.ko, en: level.en } } : {}) },
    problems: mine.map((p) => p.message),
    versions: s.versions.map((v) => ({
      registration: v.registration,
      provenTime: v.provenTime,
      holder: v.holder.subject,
      files: v.files,
      merkleRoot: v.merkleRoot,
      receiptSha256: v.receiptSha256,
      entries: v.entries,
      ...(at(v.event) ? { recordedAt: at(v.event)! } : {}),
      recordOk: ok(v.event),
    })),
    classification: s.levels.map((c) => {
      const d = c.event.event.data;
      const l = levels.find((x) => x.id === c.level);
      return { level: c.level, ...(l ? { names: { ko: l.ko, en: l.en } } : {}), time: at(c.event) ?? c.event.event.time, recordOk: ok(c.event), ...(d.type === 'edited' && d.reason ? { reason: d.reason } : {}) };
    }),
    access: s.grants.map((g) => ({
      person: g.person,
      since: g.since,
      grantedBy: g.event.proof.recorder?.subject ?? '?',
      recordOk: ok(g.event) && (!g.revoked || ok(g.revoked.event)),
      ...(g.role ? { role: g.role } : {}),
      ...(g.until ? { until: g.until } : {}),
      ...(at(g.event) ? { grantedAt: at(g.event)! } : {}),
      ...(g.revoked ? { revoked: { date: g.revoked.date, ...(g.revoked.reason ? { reason: g.revoked.reason } : {}), ...(g.revoked.left ? { left: true } : {}), ...(at(g.revoked.event) ? { at: at(g.revoked.event)! } : {}) } } : {}),
    })),
    pledges: s.pledges.map((p) => ({
      person: p.person,
      kind: p.kind,
      date: p.date,
      form: p.form,
      document: p.document,
      status: p.status,
      problems: p.problems,
      recordOk: ok(p.event),
      ...(p.signer ? { signer: p.signer } : {}),
      ...(p.scan ? { scan: p.scan } : {}),
      ...(at(p.event) ? { recordedAt: at(p.event)! } : {}),
    })),
    handling: s.handling.map((h) => ({
      action: h.action,
      person: h.person,
      date: h.date,
      recordOk: ok(h.event),
      ...(h.partner ? { partner: h.partner } : {}),
      ...(h.nda ? { nda: h.nda } : {}),
      ...(h.note ? { note: h.note } : {}),
      ...(at(h.event) ? { recordedAt: at(h.event)! } : {}),
    })),
    events: s.events.map((v) => ({
      id: v.event.id,
      seq: v.event.seq,
      type: v.event.data.type,
      sha256: v.hash,
      record: v.record,
      registration: v.proof.registration,
      ok: ok(v),
      problems: v.proof.problems,
      ...(v.proof.time ? { time: v.proof.time } : {}),
      ...(v.proof.recorder ? { recorder: v.proof.recorder.subject, recorderIdentity: v.proof.recorder.identity } : {}),
    })),
  };
  if (s.retired) r.retired = { reason: s.retired.reason, ...(at(s.retired.event) ? { time: at(s.retired.event)! } : {}) };
  // A pledge that does not verify makes the report fail too.
  if (r.pledges.some((p) => p.status === 'failed')) r.ok = false;
  return r;
}
