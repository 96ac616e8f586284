/**
 * What the registry records of a registration, taken from its receipt as verified
 * (verify/receipt.ts): the proven time per timestamp, the holder, the TSAs, the receipt's place
 * and SHA-256, and every entry. The `registration` event carries all of it but the entries
 * themselves, which it covers by their digest (`entriesSha256`), so that `registry verify`
 * notices an entry row edited, added or removed behind the chain's back.
 */
import { createHash } from 'node:crypto';
import type { HashAlgorithm } from '../crypto/algorithms.js';
import type { Manifest } from '../receipt/manifest.js';
import type { ReceiptEntry } from '../receipt/receipt.js';
import type { ReceiptVerification } from '../verify/receipt.js';
import type { EntryRecord, NewEvent, RegistrationMeta, RegistrationRecord, RegistryStore } from './types.js';

/** SHA-256 over the entries in index order, one JSON line each: [index, name, size, sha256, sha384, sha512]. */
export function entriesSha256(entries: Iterable<EntryRecord>): string {
  const d = new EntriesDigest();
  for (const e of entries) d.add(e);
  return d.digest();
}

/** entriesSha256 one entry at a time (from packed entries, say: line). */
export class EntriesDigest {
  private readonly h = createHash('sha256');
  private chunk = '';

  add(e: EntryRecord): void {
    const d = e.digests;
    this.line(e.index, e.name, e.size, d.sha256, d.sha384, d.sha512);
  }

  /** The entry's line: the same bytes as JSON.stringify of the array (digests are hex: no escaping), written out for speed. */
  line(index: number, name: string, size: number, sha256: string | undefined, sha384: string | undefined, sha512: string | undefined): void {
    this.chunk += `[${index},${quote(name)},${size},${hex(sha256)},${hex(sha384)},${hex(sha512)}]\n`;
    if (this.chunk.length > 1 << 16) {
      this.h.update(this.chunk, 'utf8');
      this.chunk = '';
    }
  }

  digest(): string {
    this.h.update(this.chunk, 'utf8');
    this.chunk = '';
    return this.h.digest('hex');
  }
}

const hex = (d: string | undefined) => (d === undefined ? 'null' : `"${d}"`);
/**
 * What JSON.stringify escapes in a string, NUL aside (the names' separator in packed entries,
 * background.ts): control characters, quote, backslash, surrogates (lone ones are escaped; paired
 * ones are taken the slow way too, to be safe).
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what JSON escapes
export const ESCAPED_BUT_NUL = /[\u0001-\u001f"\\\ud800-\udfff]/;
/** JSON.stringify(name), without its cost for the names that need no escaping (nearly all). */
const quote = (name: string) => (ESCAPED_BUT_NUL.test(name) || name.includes('\0') ? JSON.stringify(name) : `"${name}"`);

export function entryRecords(entries: readonly ReceiptEntry[]): EntryRecord[] {
  return entries.map((e) => ({ index: e.index, name: e.name, size: e.size, digests: e.digests }));
}

/** The record of a verified receipt (one with a proven time and a holder). */
export function registrationRecord(v: ReceiptVerification & { manifest: Manifest }, receipt: { path: string; sha256: string }, meta: RegistrationMeta = {}): RegistrationRecord {
  const valid = v.timestamps.filter((s) => s.trusted);
  const rec: RegistrationRecord = {
    id: v.manifest.id,
    time: v.time ?? v.claimedTime ?? v.manifest.created,
    times: (valid.length ? valid : v.timestamps).map((s) => s.genTime),
    created: v.manifest.created,
    holder: v.holder?.subject ?? '',
    holderSha256: v.holder?.certificateSha256 ?? '',
    tsas: [...v.manifest.tsas],
    algorithms: [...v.manifest.algorithms] as HashAlgorithm[],
    receipt: receipt.path,
    receiptSha256: receipt.sha256,
    count: v.manifest.merkle.count,
    status: 'active',
  };
  return { ...rec, ...cleanMeta({ ...v.manifest.meta, ...meta }) };
}

export function cleanMeta(m: RegistrationMeta): RegistrationMeta {
  const out: RegistrationMeta = {};
  if (m.title) out.title = m.title;
  if (m.project) out.project = m.project;
  if (m.tags && Object.keys(m.tags).length) out.tags = { ...m.tags };
  if (m.classification) out.classification = m.classification;
  return out;
}

/** The `registration` (or `import`, `rebuild`, `migrate`) event of a record and its entries. */
export function registrationEvent(kind: 'registration' | 'import' | 'rebuild' | 'migrate', rec: RegistrationRecord, entries: readonly EntryRecord[]): NewEvent {
  return registrationEventOf(kind, rec, entriesSha256(entries));
}

/** The same, with the entries' digest (entriesSha256) already computed. */
export function registrationEventOf(kind: 'registration' | 'import' | 'rebuild' | 'migrate', rec: RegistrationRecord, entriesDigest: string): NewEvent {
  const { status: _status, reason: _reason, ...fields } = rec;
  return { kind, subject: rec.id, payload: { ...fields, entriesSha256: entriesDigest } };
}

/** Records a verified registration (register, import, rebuild) with its entries and event; false when it was on record already. */
export async function recordRegistration(
  store: RegistryStore,
  kind: 'registration' | 'import' | 'rebuild',
  v: ReceiptVerification & { manifest: Manifest },
  entries: readonly ReceiptEntry[],
  receipt: { path: string; sha256: string },
  meta: RegistrationMeta = {},
): Promise<RegistrationRecord | undefined> {
  const rec = registrationRecord(v, receipt, meta);
  const rows = entryRecords(entries);
  return (await store.addRegistration(rec, rows, registrationEvent(kind, rec, rows))) ? rec : undefined;
}
