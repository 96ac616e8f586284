/**
 * Receipt v1 (docs/receipt-format.md, docs/receipt.schema.json): one self-contained JSON
 * document holding the signed manifest bytes, the holder's CMS signature (CAdES-T, with
 * the timestamp tokens as signature-time-stamp attributes) and, per timestamp, the TSA
 * URL, the token and any extra TSA certificates. Never any file content.
 */
import { fromBase64Strict } from '../bytes.js';
import { isObject, type Entry, type Manifest } from './manifest.js';
import { buildTree, type Tree } from './merkle.js';
import { writeLeafHash } from './leaf.ts';
import { DIGEST_LENGTH, FILE_HASHES, type HashAlgorithm } from '../crypto/algorithms.js';
import { parseReceiptBytes } from './load.js';
import { t, type Text } from '../text.js';
import type { RevocationEntry } from '../revocation/judge.js';

export const RECEIPT_FORMAT = 'tsproof.receipt';
export const RECEIPT_MEDIA_TYPE = 'application/vnd.tsproof.receipt+json';

export interface ReceiptTimestamp {
  /** The TSA URL asked (one of manifest.tsas). */
  tsa: string;
  /** The TimeStampToken (CMS ContentInfo, DER) — the same bytes as the signature-time-stamp attribute. */
  token: string;
  /** Extra TSA certificates (DER, base64) not embedded in the token: intermediates or the TSA certificate. */
  certificates: string[];
}

/** One renewal: an RFC 4998 ArchiveTimeStamp whose reduced hash tree leads from this receipt to the token's imprint. */
export interface ReceiptRenewal {
  /** The TSA URL asked. */
  tsa: string;
  /** The ArchiveTimeStamp, DER, base64. */
  archiveTimeStamp: string;
  /** Extra TSA certificates (DER, base64) not embedded in the token. */
  certificates: string[];
  /** Its tree holds the files too (each entry's `renewed` digest): a hash-tree renewal (RFC 4998 §5.3) when not the first. */
  files?: true;
}

/** A disclosed entry: its position in the tree, and an inclusion proof when not every entry is present. */
export interface ReceiptEntry extends Entry {
  index: number;
  /** Sibling hashes (hex), bottom up; present in extracted (per-file) receipts. */
  proof?: string[];
  /** The file's digests taken by renewals over the files (`renewals[].files`), by algorithm (docs/long-term.md). */
  renewed?: Partial<Record<HashAlgorithm, string>>;
}

/** A full receipt discloses every entry of its batch, without proofs: the tree is rebuilt from them. */
export function isFullReceipt(entries: readonly ReceiptEntry[], m: Manifest): boolean {
  return entries.length === m.merkle.count && entries.every((e) => e.proof === undefined);
}

/** The batch's Merkle tree rebuilt from all of its entries (any order given; leaves in index order). */
export function treeOfEntries(entries: readonly ReceiptEntry[], m: Manifest): Tree {
  const alg = m.merkle.algorithm;
  const sorted = [...entries].sort((a, b) => a.index - b.index);
  const h = DIGEST_LENGTH[alg];
  const leaves = Buffer.allocUnsafe(sorted.length * h);
  sorted.forEach((e, i) => writeLeafHash(alg, e, leaves, i * h));
  return buildTree(alg, leaves);
}

export interface Receipt {
  format: typeof RECEIPT_FORMAT;
  version: 1;
  /** Equals manifest.id. */
  id: string;
  /** Manifest bytes exactly as signed (base64). */
  manifest: string;
  /** CMS ContentInfo(SignedData), DER, base64: detached signature over the manifest bytes. */
  signature: string;
  timestamps: ReceiptTimestamp[];
  /** The registered files: all of them (a full receipt) or some, each with an inclusion proof (an extracted receipt). */
  entries: ReceiptEntry[];
  /** Revocation data captured at registration: OCSP responses and CRLs for the certificates of the proof (docs/long-term.md). */
  revocation: RevocationEntry[];
  /** Archive timestamps (RFC 4998), oldest first: each covers the signature (the first) or the previous one's token (docs/long-term.md). */
  renewals: ReceiptRenewal[];
}

/**
 * Checks the receipt's structure (types and required fields). Content — base64, DER,
 * signatures — is judged by the verifier, so that a tampered field is a failed check
 * (exit 1) while a broken document is bad input (exit 2). Read within limits (./load.ts).
 */
export function parseReceiptJson(text: string, what: string): Receipt {
  return parseReceiptBytes(Buffer.from(text, 'utf8'), what);
}

/** The members of a receipt, in their documented order. */
export const RECEIPT_FIELDS: ReadonlySet<string> = new Set(['format', 'version', 'id', 'manifest', 'signature', 'timestamps', 'entries', 'revocation', 'renewals']);

export function receiptProblems(v: unknown): Text[] {
  const problems = receiptHeadProblems(v);
  if (isObject(v) && Array.isArray(v.entries)) v.entries.forEach((e, i) => problems.push(...entryShapeProblems(e, i)));
  if (isObject(v) && Array.isArray(v.revocation)) v.revocation.forEach((r, i) => problems.push(...revocationShapeProblems(r, i)));
  return problems;
}

/** Problems of everything but the entries' own fields (those are checked one by one as they are read: {@link entryShapeProblems}). */
export function receiptHeadProblems(v: unknown): Text[] {
  const problems: Text[] = [];
  const p = (path: string, msg: Text) => problems.push(t`${path}: ${msg}`);
  if (!isObject(v)) return [t`expected a JSON object`];
  for (const k of Object.keys(v)) if (!RECEIPT_FIELDS.has(k)) p(k, t`unexpected field`);
  if (v.format !== RECEIPT_FORMAT) p('format', t`expected "${RECEIPT_FORMAT}"`);
  if (v.version !== 1) p('version', typeof v.version === 'number' && v.version > 1 ? t`version ${v.version} needs a newer tsproof` : t`expected 1`);
  if (typeof v.id !== 'string' || v.id.length === 0) p('id', t`expected a string`);
  if (typeof v.manifest !== 'string' || v.manifest.length === 0) p('manifest', t`expected a base64 string`);
  if (typeof v.signature !== 'string' || v.signature.length === 0) p('signature', t`expected a base64 string`);
  tokenListProblems(v.timestamps, 'timestamps', 'token', p);
  if (!Array.isArray(v.entries) || v.entries.length === 0) p('entries', t`expected a non-empty array`);
  // Revocation entries are checked one by one as they are read ({@link revocationShapeProblems}).
  if (!Array.isArray(v.revocation)) p('revocation', t`expected an array`);
  tokenListProblems(v.renewals, 'renewals', 'archiveTimeStamp', p);
  return problems;
}

/**
 * `timestamps` and `renewals`: arrays of { tsa, <token>, certificates } — the token (a
 * TimeStampToken, or an RFC 4998 ArchiveTimeStamp) and the certificates in base64; a renewal
 * may also say `files: true` (a hash-tree renewal over the files, docs/receipt-format.md).
 */
function tokenListProblems(list: unknown, name: string, token: 'token' | 'archiveTimeStamp', p: (path: string, msg: Text) => void): void {
  if (!Array.isArray(list)) return p(name, t`expected an array`);
  list.forEach((x, i) => {
    const at = `${name}[${i}]`;
    if (!isObject(x)) return p(at, t`expected an object`);
    const renewal = token === 'archiveTimeStamp';
    for (const k of Object.keys(x)) if (k !== 'tsa' && k !== token && k !== 'certificates' && !(renewal && k === 'files')) p(`${at}.${k}`, t`unexpected field`);
    if (renewal && x.files !== undefined && x.files !== true) p(`${at}.files`, t`expected true`);
    if (typeof x.tsa !== 'string' || x.tsa.length === 0) p(`${at}.tsa`, t`expected a URL string`);
    const value = x[token];
    if (typeof value !== 'string' || value.length === 0) p(`${at}.${token}`, t`expected a base64 string`);
    if (!Array.isArray(x.certificates) || !x.certificates.every((c) => typeof c === 'string')) p(`${at}.certificates`, t`expected an array of base64 strings`);
  });
}

const REVOCATION_FIELDS = new Set(['certificate', 'type', 'source', 'data']);

/** Problems with the fields of revocation entry `i` (docs/receipt-format.md). */
export function revocationShapeProblems(r: unknown, i: number): Text[] {
  const at = `revocation[${i}]`;
  if (!isObject(r)) return [t`${at}: ${t`expected an object`}`];
  const problems: Text[] = [];
  const p = (field: string, msg: Text) => problems.push(t`${`${at}.${field}`}: ${msg}`);
  for (const k of Object.keys(r)) if (!REVOCATION_FIELDS.has(k)) p(k, t`unexpected field`);
  if (typeof r.certificate !== 'string' || !/^[0-9a-f]{64}$/.test(r.certificate)) p('certificate', t`expected the certificate's SHA-256 (64 lowercase hex digits)`);
  if (r.type !== 'ocsp' && r.type !== 'crl') p('type', t`expected "ocsp" or "crl"`);
  if (typeof r.source !== 'string') p('source', t`expected a URL string`);
  if (typeof r.data !== 'string' || r.data.length === 0) p('data', t`expected a base64 string`);
  return problems;
}

const ENTRY_FIELDS = new Set(['index', 'name', 'size', 'digests', 'salt', 'proof', 'renewed']);
const NO_PROBLEMS: readonly Text[] = Object.freeze([]);

/** Problems with the fields of entry `i` (cheap when there are none: receipts hold 1,000,000s of entries). */
export function entryShapeProblems(e: unknown, i: number): readonly Text[] {
  const at = () => `entries[${i}]`;
  if (!isObject(e)) return [t`${at()}: ${t`expected an object`}`];
  let problems: Text[] | undefined;
  const p = (field: string, msg: Text) => (problems ??= []).push(t`${`${at()}.${field}`}: ${msg}`);
  for (const k in e) if (!ENTRY_FIELDS.has(k)) p(k, t`unexpected field`);
  if (!Number.isSafeInteger(e.index)) p('index', t`expected an integer`);
  if (typeof e.name !== 'string') p('name', t`expected a string`);
  if (typeof e.size !== 'number') p('size', t`expected a number`);
  if (typeof e.salt !== 'string') p('salt', t`expected a hex string`);
  if (!isObject(e.digests) || !Object.values(e.digests).every((d) => typeof d === 'string')) p('digests', t`expected an object of hex strings`);
  if (e.proof !== undefined && !(Array.isArray(e.proof) && e.proof.every((h) => typeof h === 'string'))) p('proof', t`expected an array of hex strings`);
  if (e.renewed !== undefined && !renewedOk(e.renewed)) p('renewed', t`expected an object of digests by algorithm (sha256, sha384, sha512), lowercase hex`);
  return problems ?? NO_PROBLEMS;
}

function renewedOk(v: unknown): boolean {
  if (!isObject(v)) return false;
  const keys = Object.keys(v);
  return keys.length > 0 && keys.every((k) => (FILE_HASHES as readonly string[]).includes(k) && typeof v[k] === 'string' && new RegExp(`^[0-9a-f]{${DIGEST_LENGTH[k as HashAlgorithm] * 2}}$`).test(v[k]));
}

/**
 * The receipt's text, in chunks: indented JSON with one entry per line, so that a batch of
 * 100,000 files is written without building one huge string (and stays diff- and grep-able).
 */
export function* receiptChunks(r: Receipt): Generator<string> {
  const { entries, ...rest } = r;
  const head = JSON.stringify(rest, null, 2);
  // "entries" goes after "timestamps", before "revocation" (the documented field order).
  const cut = head.lastIndexOf(',\n  "revocation"');
  let buf = `${head.slice(0, cut)},\n  "entries": [\n`;
  for (let i = 0; i < entries.length; i++) {
    buf += `    ${JSON.stringify(entries[i])}${i + 1 < entries.length ? ',' : ''}\n`;
    // 64 KiB chunks stay below V8's large-object size, so they die young in the scavenger.
    if (buf.length > 1 << 16) {
      yield buf;
      buf = '';
    }
  }
  yield `${buf}  ]${head.slice(cut)}\n`;
}

export function serializeReceipt(r: Receipt): string {
  return [...receiptChunks(r)].join('');
}

/** Decodes a base64 receipt field, or undefined when it is not canonical base64. */
export function decodeField(s: string): Uint8Array | undefined {
  return fromBase64Strict(s);
}
