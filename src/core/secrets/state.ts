/**
 * The records read back: every event checked (optionally) — its registration verifies, its bytes
 * are the registered entry, it follows the previous event of its secret — and folded into the
 * state of each secret: fields, versions, classification history, access, pledges, handling.
 * A check that fails names the event (secret, position, id); nothing that fails is reported as
 * proven.
 */
import { sha256Hex } from './model.js';
import { canonicalJson } from '../receipt/manifest.js';
import { verifyReceipt, type VerifyContext } from '../verify/receipt.js';
import { t, type Text } from '../text.js';
import { acknowledgementBytes, checkAcknowledgement, pledgeStatement } from './pledge.js';
import { entryName, eventBytes, eventHash, samePerson, type Coverage, type FileFingerprint, type HandlingAction, type Person, type PledgeKind, type SecretEvent, type SecretFields } from './model.js';
import type { StoredRecord, StoreProblem } from './store.js';

export interface Recorder {
  subject: string;
  certificateSha256: string;
  identity: string;
}

export interface EventProof {
  /** Undefined when the proofs were not checked (a fold for validation only). */
  ok?: boolean;
  problems: Text[];
  /** The proven time of the event's registration. */
  time?: string;
  recorder?: Recorder;
  registration: string;
}

export interface EventView {
  event: SecretEvent;
  /** Position of its record in the store. */
  record: number;
  hash: string;
  proof: EventProof;
}

export interface GrantView {
  id: string;
  person: Person;
  role?: string;
  since: string;
  until?: string;
  certificateSha256?: string;
  certificateSubject?: string;
  event: EventView;
  revoked?: { date: string; reason?: string; left?: boolean; event: EventView };
}

export interface PledgeView {
  id: string;
  person: Person;
  kind: PledgeKind;
  date: string;
  document: FileFingerprint;
  form: 'signed' | 'paper';
  signer?: { subject: string; certificateSha256: string };
  scan?: FileFingerprint;
  /** signed: the acknowledgement verifies and says what the record says; paper: a registered scan; failed: it does not check out; unchecked: not verified. */
  status: 'verified' | 'paper' | 'failed' | 'unchecked';
  problems: Text[];
  event: EventView;
}

export interface HandlingView {
  action: HandlingAction;
  person: Person;
  date: string;
  note?: string;
  partner?: string;
  nda?: FileFingerprint;
  event: EventView;
}

export interface VersionView extends Coverage {
  event: EventView;
}

export interface LevelChange {
  level: string;
  event: EventView;
}

export interface SecretState {
  id: string;
  fields: SecretFields;
  versions: VersionView[];
  levels: LevelChange[];
  edits: EventView[];
  grants: GrantView[];
  pledges: PledgeView[];
  handling: HandlingView[];
  retired?: { reason: string; event: EventView };
  events: EventView[];
}

export interface LedgerProblem {
  message: Text;
  record?: number;
  event?: { id: string; secret: string; seq: number };
}

export interface Ledger {
  secrets: Map<string, SecretState>;
  events: EventView[];
  problems: LedgerProblem[];
  /** Whether proofs were checked, and all of them and the store held. */
  verified: boolean;
  ok: boolean;
}

export function describeEvent(e: Pick<SecretEvent, 'id' | 'secret' | 'seq' | 'data'>): string {
  return `${e.secret}#${e.seq} ${e.data.type} (${e.id})`;
}

/**
 * Folds the records; with `verify`, checks every registration (once per record) and every event
 * against it and against its secret's chain.
 */
export function foldRecords(records: readonly StoredRecord[], o: { verify?: VerifyContext; storeProblems?: readonly StoreProblem[] } = {}): Ledger {
  const secrets = new Map<string, SecretState>();
  const events: EventView[] = [];
  const problems: LedgerProblem[] = (o.storeProblems ?? []).map((p) => ({ message: p.message, record: p.seq }));
  const heads = new Map<string, EventView>();
  const ids = new Set<string>();

  for (const r of records) {
    // The registration: one verification for all the events it holds.
    let base: Omit<EventProof, 'problems' | 'ok'> & { ok?: boolean; problems: Text[] } = { registration: typeof r.receipt?.id === 'string' ? r.receipt.id : '?', problems: [] };
    let digests = new Map<string, string>();
    if (o.verify) {
      let v;
      try {
        v = verifyReceipt(r.receipt, o.verify);
      } catch {
        v = undefined;
      }
      const failed = v ? v.checks.filter((c) => c.status === 'fail') : [];
      base = {
        registration: base.registration,
        ok: !!v && v.ok && !!v.time,
        problems: !v ? [t`record ${r.seq}: the registration is malformed`] : failed.map((c) => t`record ${r.seq}: ${c.id}: ${c.detail}`),
        ...(v?.time ? { time: v.time } : {}),
        ...(v?.holder ? { recorder: { subject: v.holder.subject, certificateSha256: v.holder.certificateSha256, identity: v.holder.identity } } : {}),
      };
      if (v && !v.time && !failed.length) base.problems.push(t`record ${r.seq}: no proven time`);
      digests = new Map((v?.entries ?? []).map((e) => [e.name, e.digests.sha256 ?? '']));
      const names = new Set(r.events.map((e) => (isEvent(e) ? entryName(e) : '')));
      for (const e of v?.entries ?? []) if (!names.has(e.name)) problems.push({ record: r.seq, message: t`record ${r.seq}: the registered event ${e.name} is missing from the store` });
      for (const p of base.problems) problems.push({ record: r.seq, message: p });
    }

    for (const e of r.events) {
      if (!isEvent(e)) {
        problems.push({ record: r.seq, message: t`record ${r.seq}: an event is malformed` });
        continue;
      }
      const hash = eventHash(e);
      const proof: EventProof = { ...base, problems: [...base.problems] };
      const own: Text[] = [];
      if (o.verify) {
        // The event's bytes must be exactly those registered under its name.
        const registered = digests.get(entryName(e));
        if (registered === undefined) own.push(t`event ${describeEvent(e)} is not in its registration`);
        else if (registered !== sha256Hex(eventBytes(e))) own.push(t`event ${describeEvent(e)} differs from what was signed and timestamped (its SHA-256 is not the registered one)`);
      }
      // The secret's chain: positions in order, each naming the previous event's hash.
      const head = heads.get(e.secret);
      if (e.seq !== (head ? head.event.seq + 1 : 1)) own.push(t`event ${describeEvent(e)} is out of place in the chain of ${e.secret} (expected position ${head ? head.event.seq + 1 : 1})`);
      else if (e.prev !== (head ? head.hash : null)) own.push(t`event ${describeEvent(e)} does not follow the previous event of ${e.secret} (chain broken)`);
      if (ids.has(e.id)) own.push(t`event ${describeEvent(e)} repeats an event id`);
      ids.add(e.id);
      proof.problems.push(...own);
      if (o.verify) proof.ok = !!base.ok && own.length === 0;
      for (const m of own) problems.push({ record: r.seq, event: { id: e.id, secret: e.secret, seq: e.seq }, message: m });
      const view: EventView = { event: e, record: r.seq, hash, proof };
      heads.set(e.secret, view);
      events.push(view);
      apply(secrets, view, !!o.verify, problems);
    }
  }
  return { secrets, events, problems, verified: !!o.verify, ok: !!o.verify && problems.length === 0 };
}

function isEvent(e: unknown): e is SecretEvent {
  const v = e as SecretEvent;
  return !!v && typeof v === 'object' && typeof v.id === 'string' && typeof v.secret === 'string' && typeof v.seq === 'number' && !!v.data && typeof v.data === 'object' && typeof v.data.type === 'string';
}

function apply(secrets: Map<string, SecretState>, view: EventView, verify: boolean, problems: LedgerProblem[]): void {
  const e = view.event;
  const d = e.data;
  let s = secrets.get(e.secret);
  if (d.type === 'created') {
    if (s) return void problems.push({ event: { id: e.id, secret: e.secret, seq: e.seq }, message: t`event ${describeEvent(e)} creates a secret that exists` });
    s = { id: e.secret, fields: { ...d.secret }, versions: d.covers.map((c) => ({ ...c, event: view })), levels: [{ level: d.secret.level, event: view }], edits: [], grants: [], pledges: [], handling: [], events: [view] };
    secrets.set(e.secret, s);
    return;
  }
  if (!s) return void problems.push({ event: { id: e.id, secret: e.secret, seq: e.seq }, message: t`event ${describeEvent(e)} names a secret that was never created` });
  s.events.push(view);
  switch (d.type) {
    case 'edited':
      s.edits.push(view);
      for (const [k, c] of Object.entries(d.changes)) {
        const f = k as keyof SecretFields;
        if (!c) continue;
        if (c.to === null) delete s.fields[f];
        else (s.fields as unknown as Record<string, string>)[f] = c.to;
        if (f === 'level' && c.to) s.levels.push({ level: c.to, event: view });
      }
      return;
    case 'attached':
      s.versions.push({ ...d.coverage, event: view });
      return;
    case 'granted':
      s.grants.push({
        id: d.grant,
        person: d.person,
        since: d.since,
        event: view,
        ...(d.role ? { role: d.role } : {}),
        ...(d.until ? { until: d.until } : {}),
        ...(d.certificateSha256 ? { certificateSha256: d.certificateSha256 } : {}),
        ...(d.certificateSubject ? { certificateSubject: d.certificateSubject } : {}),
      });
      return;
    case 'revoked':
      for (const g of s.grants) if (d.grants.includes(g.id) && !g.revoked) g.revoked = { date: d.date, event: view, ...(d.reason ? { reason: d.reason } : {}), ...(d.left ? { left: true } : {}) };
      return;
    case 'pledged': {
      const p: PledgeView = { id: d.pledge, person: d.person, kind: d.kind, date: d.date, document: d.document, form: d.form, status: 'unchecked', problems: [], event: view };
      if (d.signer) p.signer = d.signer;
      if (d.scan) p.scan = d.scan;
      if (verify) judgePledge(p, d, e.secret);
      s.pledges.push(p);
      return;
    }
    case 'handled':
      s.handling.push({ action: d.action, person: d.person, date: d.date, event: view, ...(d.note ? { note: d.note } : {}), ...(d.partner ? { partner: d.partner } : {}), ...(d.nda ? { nda: d.nda } : {}) });
      return;
    case 'retired':
      s.retired = { reason: d.reason, event: view };
      return;
  }
}

/** A pledge's own status: the person's signature and statement (signed), or the registered scan (paper). */
function judgePledge(p: PledgeView, d: Extract<SecretEvent['data'], { type: 'pledged' }>, secret: string): void {
  if (d.form === 'paper') {
    p.status = d.scan ? 'paper' : 'failed';
    if (!d.scan) p.problems.push(t`a paper pledge without its scan`);
    return;
  }
  if (!d.acknowledgement || !d.signer) {
    p.status = 'failed';
    p.problems.push(t`a signed pledge without the person's acknowledgement`);
    return;
  }
  const c = checkAcknowledgement(acknowledgementBytes(d.acknowledgement));
  const problems = [...c.problems];
  if (c.ok && c.statement) {
    const expected = pledgeStatement({ person: d.person, kind: d.kind, date: d.date, document: d.document, secrets: c.statement.secrets });
    const same = canonicalJson(expected) === canonicalJson(c.statement);
    if (!same || !c.statement.secrets.includes(secret)) problems.push(t`the signed statement is not the pledge recorded (person, kind, date, document or secrets differ)`);
    if (c.signer && c.signer.sha256 !== d.signer.certificateSha256) problems.push(t`signed by "${c.signer.subject}", not by the certificate recorded for the pledge`);
  }
  p.status = problems.length ? 'failed' : 'verified';
  p.problems.push(...problems);
}

/** Grants in force on `date` (YYYY-MM-DD): since ≤ date, not revoked by then. `until` is reported separately. */
export function activeGrants(s: SecretState): GrantView[] {
  return s.grants.filter((g) => !g.revoked);
}

/** The certificate a person signs with, as the records know it (from a grant or an earlier signed pledge). */
export function certificateOnRecord(ledger: Ledger, person: Person): { sha256: string; subject: string } | undefined {
  let found: { sha256: string; subject: string } | undefined;
  for (const s of ledger.secrets.values()) {
    for (const g of s.grants) if (g.certificateSha256 && g.certificateSubject && samePerson(g.person, person)) found = { sha256: g.certificateSha256, subject: g.certificateSubject };
    for (const p of s.pledges) if (p.signer && samePerson(p.person, person)) found = { sha256: p.signer.certificateSha256, subject: p.signer.subject };
  }
  return found;
}
