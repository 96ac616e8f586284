/**
 * What a client pushes to the organisation registry (docs/org-registry.md#push): its receipt
 * exactly as written (application/vnd.tsproof.receipt+json), or — with --redact-names — the
 * receipt with each entry's name replaced by the SHA-256 of the name and the entry's Merkle leaf
 * (application/vnd.tsproof.redacted-receipt+json). Never file content. The server verifies
 * either before storing it: the holder's signature and the timestamps over the manifest, and the
 * entries (or, redacted, their leaves) against the signed Merkle root.
 */
import { buildTree, leafHash, treeRoot } from '../receipt/merkle.js';
import { entryJson, isObject } from '../receipt/manifest.js';
import { parseReceiptBytes } from '../receipt/load.js';
import { isFullReceipt, type Receipt, type ReceiptEntry } from '../receipt/receipt.js';
import type { ReceiptVerification } from '../verify/receipt.js';
import { parseStrictJson } from '../receipt/strict-json.js';
import { InputError, VerificationError, messageOf } from '../errors.js';
import { isFileHash, DIGEST_LENGTH } from '../crypto/algorithms.js';
import { t, type Text } from '../text.js';
import { sha256Hex, type StoredEntry } from './records.js';

export const RECEIPT_TYPE = 'application/vnd.tsproof.receipt+json';
export const REDACTED_TYPE = 'application/vnd.tsproof.redacted-receipt+json';
export const REDACTED_FORMAT = 'tsproof.redacted-receipt';

export interface RedactedEntry {
  index: number;
  nameSha256: string;
  size: number;
  digests: ReceiptEntry['digests'];
  /** The entry's leaf in the batch's Merkle tree (hex): binds the entry without its name. */
  leaf: string;
}

export interface RedactedReceipt extends Omit<Receipt, 'format' | 'entries'> {
  format: typeof REDACTED_FORMAT;
  entries: RedactedEntry[];
}

/** The receipt without its entries' names (full receipts only: every leaf is needed). */
export function redactReceipt(r: Receipt, alg: string): RedactedReceipt {
  const { format: _f, entries, ...rest } = r;
  return {
    ...rest,
    format: REDACTED_FORMAT,
    entries: entries.map((e) => ({ index: e.index, nameSha256: sha256Hex(e.name), size: e.size, digests: e.digests, leaf: leafHash(alg, entryJson(e)).toString('hex') })),
  };
}

export interface CheckedDocument {
  id: string;
  redacted: boolean;
  entries: StoredEntry[];
  verification: ReceiptVerification;
}

const bad = (message: Text) => new InputError({ code: 'MALFORMED_RECEIPT', message });

/**
 * Parses and verifies a pushed document. Malformed input is an InputError (HTTP 400); a document
 * that does not verify a VerificationError (HTTP 422) naming the failed check.
 */
export function checkDocument(bytes: Buffer, type: string, verify: (r: Receipt, merkleDone: boolean) => ReceiptVerification): CheckedDocument {
  if (type === RECEIPT_TYPE) {
    const receipt = parseReceiptBytes(bytes, 'the pushed receipt');
    const v = verify(receipt, false);
    failed(v);
    const m = v.manifest!;
    if (!isFullReceipt(receipt.entries, m)) throw bad(t`the pushed receipt discloses ${receipt.entries.length} of ${m.merkle.count} entries: push the full receipt (or use --redact-names)`);
    return { id: receipt.id, redacted: false, verification: v, entries: receipt.entries.map((e) => ({ index: e.index, name: e.name, nameSha256: sha256Hex(e.name), size: e.size, digests: e.digests })) };
  }
  if (type === REDACTED_TYPE) {
    let doc: unknown;
    try {
      doc = parseStrictJson(bytes.toString('utf8'));
    } catch (err) {
      throw bad(t`the pushed document is not JSON: ${messageOf(err)}`);
    }
    if (!isObject(doc) || doc.format !== REDACTED_FORMAT || !Array.isArray(doc.entries) || doc.entries.length === 0) throw bad(t`expected a ${REDACTED_FORMAT} document with entries`);
    const entries: RedactedEntry[] = [];
    doc.entries.forEach((e, i) => {
      const ok =
        isObject(e) &&
        Number.isSafeInteger(e.index) &&
        typeof e.nameSha256 === 'string' &&
        /^[0-9a-f]{64}$/.test(e.nameSha256) &&
        typeof e.size === 'number' &&
        Number.isSafeInteger(e.size) &&
        e.size >= 0 &&
        typeof e.leaf === 'string' &&
        /^[0-9a-f]+$/.test(e.leaf) &&
        isObject(e.digests) &&
        Object.entries(e.digests).every(([a, d]) => isFileHash(a) && typeof d === 'string' && d.length === DIGEST_LENGTH[a] * 2 && /^[0-9a-f]+$/.test(d));
      if (!ok) throw bad(t`entries[${i}]: expected index, nameSha256, size, digests and leaf`);
      entries.push(e as unknown as RedactedEntry);
    });
    // The signature and timestamps are checked on the receipt's own fields; the entries as leaves.
    const asReceipt = { ...doc, format: 'tsproof.receipt', entries: [{ index: 0, name: 'redacted', size: 0, digests: {}, salt: '' }] };
    let receipt: Receipt;
    try {
      receipt = parseReceiptBytes(Buffer.from(JSON.stringify(asReceipt)), 'the pushed document');
    } catch (err) {
      throw bad(messageOf(err));
    }
    const v = verify(receipt, true);
    failed(v);
    const m = v.manifest!;
    const sorted = [...entries].sort((a, b) => a.index - b.index);
    const h = DIGEST_LENGTH[m.merkle.algorithm] * 2;
    if (sorted.length !== m.merkle.count || sorted.some((e, i) => e.index !== i || e.leaf.length !== h)) throw bad(t`the document must list all ${m.merkle.count} entries of the batch, each once, with ${m.merkle.algorithm} leaves`);
    const root = treeRoot(
      buildTree(
        m.merkle.algorithm,
        sorted.map((e) => Buffer.from(e.leaf, 'hex')),
      ),
    ).toString('hex');
    if (root !== m.merkle.root) throw new VerificationError({ code: 'VERIFICATION_FAILED', message: t`merkle.root: the leaves hash to ${root}, not the signed Merkle root ${m.merkle.root}` });
    return { id: receipt.id, redacted: true, verification: v, entries: sorted.map((e) => ({ index: e.index, nameSha256: e.nameSha256, size: e.size, digests: e.digests })) };
  }
  throw new InputError({ code: 'BAD_ARGUMENT', message: t`Content-Type ${type}: expected ${RECEIPT_TYPE} or ${REDACTED_TYPE}` });
}

function failed(v: ReceiptVerification): void {
  if (v.ok && v.manifest) return;
  const c = v.checks.find((x) => !x.ok);
  throw new VerificationError({ code: 'VERIFICATION_FAILED', message: c ? t`${c.id}: ${c.detail}` : t`the receipt does not verify` });
}
