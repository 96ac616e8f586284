/**
 * The registry's event chain (docs/registry.md, "Event chain"): each event's hash is the SHA-256
 * of its record — sequence number, time, kind, subject, payload text, signature and the previous
 * event's hash — so editing, deleting or reordering any event breaks every hash after it.
 * Pure: no storage here, so every store (SQLite, PostgreSQL) computes and checks the same chain.
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from '../receipt/manifest.js';
import { t, type Text } from '../text.js';
import type { RegistryEvent } from './types.js';

export const GENESIS = '0'.repeat(64);

/** The bytes an event's hash covers: a JSON array, fixed order, no optional member left out. */
export function eventRecord(e: Omit<RegistryEvent, 'hash'>): string {
  return JSON.stringify([e.seq, e.time, e.kind, e.subject ?? null, e.payload, e.signature ?? null, e.prev]);
}

export function eventHash(e: Omit<RegistryEvent, 'hash'>): string {
  return createHash('sha256').update(eventRecord(e), 'utf8').digest('hex');
}

/** The stored text of a payload. */
export function payloadText(payload: Record<string, unknown>): string {
  return canonicalJson(payload);
}

export function nextEvent(prev: RegistryEvent | undefined, e: { time: string; kind: string; subject?: string; payload: string; signature?: string }): RegistryEvent {
  const base: Omit<RegistryEvent, 'hash'> = { seq: (prev?.seq ?? 0) + 1, time: e.time, kind: e.kind, payload: e.payload, prev: prev?.hash ?? GENESIS };
  if (e.subject !== undefined) base.subject = e.subject;
  if (e.signature !== undefined) base.signature = e.signature;
  return { ...base, hash: eventHash(base) };
}

export interface ChainProblem {
  seq: number;
  problem: Text;
}

/**
 * Checks events in stored order: sequence numbers 1, 2, 3 … without gaps (a deleted or reordered
 * event), each `prev` the hash of the one before, each hash the hash of its record (an edit).
 */
export function checkChain(events: Iterable<RegistryEvent>): { count: number; head?: string; problems: ChainProblem[] } {
  const problems: ChainProblem[] = [];
  let prev: RegistryEvent | undefined;
  let count = 0;
  for (const e of events) {
    count++;
    const expectedSeq = (prev?.seq ?? 0) + 1;
    if (e.seq !== expectedSeq)
      problems.push({ seq: e.seq, problem: e.seq > expectedSeq ? t`event ${e.seq} follows event ${expectedSeq - 1}: ${e.seq - expectedSeq} event(s) deleted` : t`event ${e.seq} is out of order (after event ${expectedSeq - 1})` });
    if (e.prev !== (prev?.hash ?? GENESIS)) problems.push({ seq: e.seq, problem: t`event ${e.seq} (${e.kind}) does not follow the event before it: an event was deleted, inserted or reordered` });
    if (eventHash(e) !== e.hash) problems.push({ seq: e.seq, problem: t`event ${e.seq} (${e.kind}) was edited: its content no longer matches its hash` });
    prev = e;
  }
  return { count, ...(prev ? { head: prev.hash } : {}), problems };
}
