/**
 * Which registrations cover a file's content, earliest proven time first, and where their
 * receipts are now. A receipt that is no longer where it was recorded is looked for — by its
 * recorded SHA-256 — in the given folders and their parents (a moved project, a receipt copied
 * beside the files); when found there the caller records the move (a `move` event) if it can write.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { HashAlgorithm } from '../crypto/algorithms.js';
import { RECEIPT_SUFFIX } from '../io/files.js';
import type { RegistrationRecord, RegistryStore } from './types.js';

/** At most this many receipt files are hashed while looking for a moved receipt. */
const MAX_CANDIDATES = 2000;

/** Registrations covering any of the digests, each once, earliest proven time first. */
export async function coveringRegistrations(store: RegistryStore, digests: Partial<Record<HashAlgorithm, string>>): Promise<RegistrationRecord[]> {
  const byId = new Map<string, RegistrationRecord>();
  for (const [alg, hex] of Object.entries(digests) as [HashAlgorithm, string][]) {
    for (const c of await store.findByDigest(alg, hex)) if (!byId.has(c.registration.id)) byId.set(c.registration.id, c.registration);
  }
  return [...byId.values()].sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0));
}

/** SHA-256 of a receipt as `loadReceiptSource` reports it (a pack folder: its signature), or undefined when it cannot be read. */
export async function receiptSha256(file: string): Promise<string | undefined> {
  try {
    const st = await stat(file);
    if (st.isDirectory()) return (await (await import('../receipt/source.js')).loadReceiptSource(file)).sha256;
    const h = createHash('sha256');
    for await (const chunk of createReadStream(file)) h.update(chunk as Buffer);
    return h.digest('hex');
  } catch {
    return undefined;
  }
}

function withParents(dir: string): string[] {
  const out: string[] = [];
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    out.push(d);
    if (path.dirname(d) === d) return out;
  }
}

/** A receipt file with this SHA-256 in one of the folders or their parents. */
export async function searchReceipt(sha256: string, folders: readonly string[]): Promise<string | undefined> {
  const dirs = [...new Set(folders.flatMap(withParents))];
  let budget = MAX_CANDIDATES;
  for (const dir of dirs) {
    let names: string[];
    try {
      names = await readdir(dir);
    } catch {
      continue;
    }
    for (const n of names.filter((n) => n.endsWith(RECEIPT_SUFFIX) || n.endsWith('.zip')).sort()) {
      if (budget-- <= 0) return undefined;
      const p = path.join(dir, n);
      if ((await receiptSha256(p)) === sha256) return p;
    }
  }
  return undefined;
}

export interface Located {
  registration: RegistrationRecord;
  /** Where the receipt is now. */
  receipt: string;
  /** Set when it was found elsewhere than recorded (record that with {@link recordMove}). */
  movedFrom?: string;
}

/**
 * The receipt of a registration: where it was recorded (with the recorded SHA-256), else found in
 * `folders` or their parents (then `movedFrom` says where it was recorded). Undefined when it is
 * gone. Reads only: the caller records a move (recordMove), when it may write.
 */
export async function locateReceipt(rec: RegistrationRecord, folders: readonly string[]): Promise<Located | undefined> {
  const here = await receiptSha256(rec.receipt);
  if (here !== undefined && (here === rec.receiptSha256 || rec.receiptSha256 === '')) return { registration: rec, receipt: rec.receipt };
  if (!rec.receiptSha256) return undefined;
  const found = await searchReceipt(rec.receiptSha256, folders);
  if (!found) return undefined;
  return { registration: { ...rec, receipt: found }, receipt: found, movedFrom: rec.receipt };
}

/** Records that a registration's receipt, with its recorded SHA-256, is now at `to` (a `move` event). */
export async function recordMove(store: RegistryStore, rec: RegistrationRecord, to: string): Promise<void> {
  await store.update(rec.id, { receipt: to, receiptSha256: rec.receiptSha256 }, { kind: 'move', subject: rec.id, payload: { id: rec.id, from: rec.receipt, to, receiptSha256: rec.receiptSha256 } });
}
