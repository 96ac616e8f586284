/**
 * `registry verify`: the event chain unbroken (chain.ts), the records equal to what the events
 * say they must be (a registration row or an entry edited, added or removed behind the chain's
 * back), the signatures of retire/destroy events by the registration's holder, every referenced
 * receipt where recorded with its recorded SHA-256, and the last seal over the chain head.
 */
import { hash } from '../crypto/algorithms.js';
import { fromBase64Strict } from '../bytes.js';
import { checkSignedDocument } from '../escrow/statements.js';
import { canonicalJson } from '../receipt/manifest.js';
import { tokenImprintAlgorithm, verifyTimestampToken } from '../tsp/verify.js';
import type { TrustAnchor } from '../trust.js';
import { t, type Text } from '../text.js';
import { checkChain } from './chain.js';
import { receiptSha256 } from './lookup.js';
import { entriesSha256 } from './record.js';
import type { SqliteRegistry } from './sqlite.js';
import type { RegistrationRecord, RegistrationStatus, RegistryEvent } from './types.js';

export interface RegistryProblem {
  kind: 'chain' | 'record' | 'signature' | 'receipt';
  seq?: number;
  id?: string;
  detail: Text;
}

export interface SealInfo {
  seq: number;
  /** The head that was timestamped, and how many events it covers. */
  head: string;
  events: number;
  /** The timestamps' genTimes (valid ones). */
  times: string[];
  tsas: string[];
  /** The sealed event still has the sealed hash, and every token is valid over it. */
  ok: boolean;
}

export interface RegistryCheck {
  ok: boolean;
  file: string;
  events: number;
  head?: string;
  registrations: number;
  entries: number;
  /**
   * Entries put ahead by registrations in progress or interrupted (SqliteRegistry.putEntriesAhead):
   * on no registration's record, seen by no query; the next change to the registry removes those
   * whose process has ended, or that are over an hour old. Not a problem.
   */
  pending: { registrations: number; entries: number };
  problems: RegistryProblem[];
  seal?: SealInfo;
}

interface Expected {
  fields: Record<string, unknown>;
  status: RegistrationStatus;
  receipt: string;
  receiptSha256: string;
  entriesSha256: string;
}

const REGISTERING = new Set(['registration', 'import', 'rebuild', 'migrate']);
const EMPTY = entriesSha256([]);

function parse(e: RegistryEvent): Record<string, unknown> {
  try {
    const v = JSON.parse(e.payload) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

export async function checkRegistry(store: SqliteRegistry, o: { trust: readonly TrustAnchor[]; now: Date; receipts?: boolean }): Promise<RegistryCheck> {
  // One snapshot: a registration completed (or entries put ahead, or discarded) by another process meanwhile is either all seen or not at all.
  return store.reading(() => check(store, o));
}

async function check(store: SqliteRegistry, o: { trust: readonly TrustAnchor[]; now: Date; receipts?: boolean }): Promise<RegistryCheck> {
  const problems: RegistryProblem[] = [];
  const expected = new Map<string, Expected>();
  const sealEvents: RegistryEvent[] = [];
  const hashes = new Map<number, string>();
  const signedBy = new Map<string, string>();
  const events: RegistryEvent[] = [];
  for (const e of store.iterateEvents()) {
    events.push(e);
    hashes.set(e.seq, e.hash);
    const p = parse(e);
    const id = e.subject;
    if (REGISTERING.has(e.kind) && id) {
      const { entriesSha256: es, receipt, receiptSha256: rs, ...fields } = p;
      expected.set(id, { fields, status: 'active', receipt: String(receipt), receiptSha256: String(rs), entriesSha256: String(es) });
      signedBy.set(id, String(p.holderSha256 ?? ''));
    } else if (e.kind === 'move' && id) {
      const x = expected.get(id);
      if (x) x.receipt = String(p.to);
    } else if (e.kind === 'renewal' && id) {
      // tsproof renew rewrote the receipt with one more archive timestamp (docs/long-term.md).
      const x = expected.get(id);
      if (x) {
        x.receipt = String(p.receipt);
        x.receiptSha256 = String(p.receiptSha256);
      }
    } else if ((e.kind === 'retire' || e.kind === 'destroy') && id) {
      const x = expected.get(id);
      if (x) {
        x.status = e.kind === 'retire' ? 'retired' : 'destroyed';
        if (e.kind === 'destroy') x.entriesSha256 = EMPTY;
      }
      problems.push(...checkLifecycleSignature(e, p, signedBy.get(id)));
    } else if (e.kind === 'seal') sealEvents.push(e);
  }
  const chain = checkChain(events);
  for (const c of chain.problems) problems.push({ kind: 'chain', seq: c.seq, detail: c.problem });

  const rows = await store.registrations();
  const seen = new Set<string>();
  let entries = 0;
  for (const r of rows) {
    seen.add(r.id);
    const x = expected.get(r.id);
    if (!x) {
      problems.push({ kind: 'record', id: r.id, detail: t`registration ${r.id} is on record but no event registered it: added behind the chain's back` });
      continue;
    }
    const diff = differences(r, x);
    if (diff.length) problems.push({ kind: 'record', id: r.id, detail: t`registration ${r.id} differs from its events: ${diff.join(', ')}` });
    const rowsOf = [...store.iterateEntries(r.id)];
    entries += rowsOf.length;
    if (entriesSha256(rowsOf) !== x.entriesSha256 && !(x.entriesSha256 === 'undefined')) problems.push({ kind: 'record', id: r.id, detail: t`the entries of registration ${r.id} were edited, added or removed (${rowsOf.length} on record)` });
    if (o.receipts !== false && r.status !== 'destroyed' && r.receiptSha256) {
      const sha = await receiptSha256(r.receipt);
      if (sha === undefined) problems.push({ kind: 'receipt', id: r.id, detail: t`the receipt of ${r.id} is missing: ${r.receipt}` });
      else if (sha !== r.receiptSha256) problems.push({ kind: 'receipt', id: r.id, detail: t`the receipt of ${r.id} at ${r.receipt} is not the one recorded (its SHA-256 differs)` });
    }
  }
  for (const id of expected.keys()) if (!seen.has(id)) problems.push({ kind: 'record', id, detail: t`registration ${id} was removed from the records (its events remain)` });
  const pending = { registrations: 0, entries: 0 };
  for (const u of store.unregisteredEntries()) {
    if (u.pending) {
      pending.registrations++;
      pending.entries += u.entries;
    } else problems.push({ kind: 'record', detail: t`${u.entries} entries (row id ${u.rid}) belong to no registration: added behind the chain's back` });
  }

  const last = sealEvents.at(-1);
  const seal = last ? checkSeal(last, hashes, o) : undefined;
  if (seal && !seal.ok) problems.push({ kind: 'chain', seq: seal.seq, detail: t`the seal of event ${seal.events} (event ${seal.seq}) no longer matches the chain` });
  const out: RegistryCheck = { ok: problems.length === 0, file: store.location, events: chain.count, registrations: rows.length, entries, pending, problems };
  if (chain.head) out.head = chain.head;
  if (seal) out.seal = seal;
  return out;
}

function differences(r: RegistrationRecord, x: Expected): string[] {
  const d: string[] = [];
  for (const [k, v] of Object.entries(x.fields)) {
    if (k === 'id') continue;
    const actual = (r as unknown as Record<string, unknown>)[k];
    if (canonicalJson(actual) !== canonicalJson(v)) d.push(k);
  }
  if (r.receipt !== x.receipt) d.push('receipt');
  if (r.receiptSha256 !== x.receiptSha256) d.push('receiptSha256');
  if (r.status !== x.status) d.push('status');
  return d;
}

/** A retire/destroy event: its signature verifies, signs exactly the payload, and is the registration holder's. */
function checkLifecycleSignature(e: RegistryEvent, payload: Record<string, unknown>, holderSha256: string | undefined): RegistryProblem[] {
  const bad = (detail: Text): RegistryProblem[] => [{ kind: 'signature', seq: e.seq, ...(e.subject ? { id: e.subject } : {}), detail }];
  const cms = e.signature ? fromBase64Strict(e.signature) : undefined;
  if (!cms) return bad(t`event ${e.seq} (${e.kind}) is not signed`);
  const doc = checkSignedDocument(cms, 'event');
  if (!doc.document || !doc.signer) return bad(t`the signature of event ${e.seq} (${e.kind}) does not verify`);
  if (canonicalJson(doc.document) !== canonicalJson(payload)) return bad(t`event ${e.seq} (${e.kind}) says something other than what its holder signed`);
  if (holderSha256 && doc.signer.sha256 !== holderSha256) return bad(t`event ${e.seq} (${e.kind}) was signed by ${doc.signer.subject}, not by the registration's holder`);
  return [];
}

function checkSeal(e: RegistryEvent, hashes: Map<number, string>, o: { trust: readonly TrustAnchor[]; now: Date }): SealInfo {
  const p = parse(e);
  const head = String(p.head ?? '');
  const events = Number(p.events ?? 0);
  const tokens = Array.isArray(p.tokens) ? (p.tokens as { tsa?: unknown; token?: unknown }[]) : [];
  const times: string[] = [];
  let ok = hashes.get(events) === head && tokens.length > 0;
  for (const tk of tokens) {
    const bytes = typeof tk.token === 'string' ? fromBase64Strict(tk.token) : undefined;
    const alg = bytes ? tokenImprintAlgorithm(bytes) : undefined;
    if (!bytes || !alg) {
      ok = false;
      continue;
    }
    const v = verifyTimestampToken(bytes, { imprint: { algorithm: alg, digest: hash(alg, Buffer.from(head, 'hex')) }, anchors: [], trust: o.trust, now: o.now });
    if (v.ok && v.info) times.push(v.info.genTime);
    else ok = false;
  }
  return { seq: e.seq, head, events, times, tsas: tokens.map((x) => String(x.tsa)), ok };
}
