/**
 * The manifest: what the holder signs. Canonical JSON bytes (sorted keys, no
 * whitespace, UTF-8, NFC names) — see docs/receipt-format.md. Stored in the receipt
 * exactly as signed; never re-serialised for verification.
 */
import { isFileHash, DIGEST_LENGTH, type HashAlgorithm } from '../crypto/algorithms.js';
import { t, type Text } from '../text.js';
import { DuplicateKeyError, parseStrictJson } from './strict-json.js';
import { policyProblems, type TimestampPolicy } from '../timestamps/policy.js';

/** One registered file: a leaf of the batch's Merkle tree. */
export interface Entry {
  /** Relative POSIX path, NFC. */
  name: string;
  size: number;
  digests: Partial<Record<HashAlgorithm, string>>;
  /** 32 random bytes (hex), so that a leaf or a proof reveals nothing about unseen entries. */
  salt: string;
}

/**
 * What the holder says about a registration (register --title/--project/--tag/--classification),
 * signed with it. Optional: manifests without it (all those written before it) are unchanged.
 */
export interface ManifestMeta {
  title?: string;
  project?: string;
  tags?: Record<string, string>;
  classification?: string;
}

/** Limits of the metadata (docs/receipt-format.md): bounded text, at most 64 tags. */
export const META_LIMITS = { text: 1024, tags: 64 } as const;

export interface Manifest {
  format: 'tsproof.manifest';
  version: 1;
  /** Registration identifier (UUID); also the receipt id. */
  id: string;
  /** When the holder's tool built the manifest (claimed; the TSA time is what counts). */
  created: string;
  /** TSAs the registration asked, in order; each receipt timestamp names one of them. */
  tsas: string[];
  /** Digest algorithms recorded for every file. */
  algorithms: HashAlgorithm[];
  /** The batch: a Merkle tree over the entries (docs/receipt-format.md). */
  merkle: { algorithm: HashAlgorithm; count: number; root: string };
  /** Present only when the holder gave metadata. */
  meta?: ManifestMeta;
  /** Present only when a timestamp policy applied: timestamps from at least `require` distinct TSA operators (timestamps/policy.ts). */
  timestampPolicy?: TimestampPolicy;
}

export { entryJson } from './leaf.ts';

/** Deterministic JSON: object keys sorted, no insignificant whitespace. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    return `{${Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

export function encodeManifest(m: Manifest): Uint8Array {
  return new Uint8Array(Buffer.from(canonicalJson(m), 'utf8'));
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ISO_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;

/**
 * Parses and validates manifest bytes. Returns the manifest, or the list of problems. The bytes
 * must be exactly the canonical serialisation of what they hold (so no key appears twice, and one
 * manifest has one byte form): what is signed has a single reading.
 */
export function decodeManifest(bytes: Uint8Array): { manifest?: Manifest; problems: Text[] } {
  let text: string;
  let v: unknown;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
    v = parseStrictJson(text);
  } catch (err) {
    if (err instanceof DuplicateKeyError) return { problems: [t`manifest names the key "${err.key}" twice in one object: it has more than one reading`] };
    return { problems: [t`manifest is not UTF-8 JSON`] };
  }
  if (canonicalJson(v) !== text) return { problems: [t`manifest bytes are not the canonical serialisation of its content (sorted keys, no whitespace; docs/receipt-format.md)`] };
  const problems: Text[] = [];
  const p = (path: string, msg: Text) => problems.push(t`manifest.${path}: ${msg}`);
  if (!isObject(v)) return { problems: [t`manifest is not a JSON object`] };
  const known = new Set(['format', 'version', 'id', 'created', 'tsas', 'algorithms', 'merkle', 'meta', 'timestampPolicy']);
  for (const k of Object.keys(v)) if (!known.has(k)) p(k, t`unexpected field`);
  if (v.format !== 'tsproof.manifest') p('format', t`expected "tsproof.manifest"`);
  if (v.version !== 1) p('version', t`expected 1`);
  if (typeof v.id !== 'string' || !UUID_RE.test(v.id)) p('id', t`expected a lowercase UUID`);
  if (typeof v.created !== 'string' || !ISO_RE.test(v.created) || Number.isNaN(Date.parse(v.created))) p('created', t`expected an ISO 8601 UTC time`);
  if (!Array.isArray(v.tsas) || !v.tsas.every((u) => typeof u === 'string' && u.length > 0)) p('tsas', t`expected an array of URLs`);
  const algs = Array.isArray(v.algorithms) ? v.algorithms : [];
  if (!Array.isArray(v.algorithms) || algs.length === 0 || !algs.every((a) => typeof a === 'string' && isFileHash(a)) || new Set(algs).size !== algs.length) {
    p('algorithms', t`expected distinct values among sha256, sha384, sha512`);
  }
  const m = v.merkle;
  if (!isObject(m)) p('merkle', t`expected an object`);
  else {
    for (const k of Object.keys(m)) if (!['algorithm', 'count', 'root'].includes(k)) p(`merkle.${k}`, t`unexpected field`);
    const ok = typeof m.algorithm === 'string' && isFileHash(m.algorithm);
    if (!ok) p('merkle.algorithm', t`expected sha256, sha384 or sha512`);
    if (!Number.isSafeInteger(m.count) || (m.count as number) < 1) p('merkle.count', t`expected a positive integer`);
    if (typeof m.root !== 'string' || (ok && !new RegExp(`^[0-9a-f]{${DIGEST_LENGTH[m.algorithm as HashAlgorithm] * 2}}$`).test(m.root))) p('merkle.root', t`expected lowercase hex of the tree algorithm's length`);
  }
  if (v.meta !== undefined) problems.push(...metaProblems(v.meta).map((m) => t`manifest.meta: ${m}`));
  if (v.timestampPolicy !== undefined) problems.push(...policyProblems(v.timestampPolicy, Array.isArray(v.tsas) ? v.tsas.length : undefined).map((m) => t`manifest.timestampPolicy: ${m}`));
  return problems.length ? { problems } : { manifest: v as unknown as Manifest, problems };
}

const shortText = (x: unknown) => typeof x === 'string' && x.length > 0 && x.length <= META_LIMITS.text && x === x.normalize('NFC');

/** Problems with registration metadata: non-empty NFC strings of at most 1,024 characters, at most 64 tags, nothing else. */
export function metaProblems(m: unknown): Text[] {
  if (!isObject(m) || Object.keys(m).length === 0) return [t`expected an object with at least one of title, project, tags, classification`];
  const out: Text[] = [];
  for (const k of Object.keys(m)) if (!['title', 'project', 'tags', 'classification'].includes(k)) out.push(t`${k}: unexpected field`);
  for (const k of ['title', 'project', 'classification'] as const) if (m[k] !== undefined && !shortText(m[k])) out.push(t`${k}: expected non-empty text of at most ${META_LIMITS.text} characters (NFC)`);
  if (m.tags !== undefined) {
    const tags = m.tags;
    if (!isObject(tags) || Object.keys(tags).length === 0 || Object.keys(tags).length > META_LIMITS.tags) out.push(t`tags: expected an object of 1 to ${META_LIMITS.tags} tags`);
    else
      for (const [k, val] of Object.entries(tags))
        if (!shortText(k) || typeof val !== 'string' || val.length > META_LIMITS.text || val !== val.normalize('NFC')) out.push(t`tags: ${k}: expected text keys and values of at most ${META_LIMITS.text} characters (NFC)`);
  }
  return out;
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const HEX64 = /^[0-9a-f]{64}$/;
/** A `..` path segment (tested without splitting: receipts hold 1,000,000s of names). */
const DOTDOT = /(?:^|\/)\.\.(?:\/|$)/;
const DIGEST_RE: Record<HashAlgorithm, RegExp> = { sha256: /^[0-9a-f]{64}$/, sha384: /^[0-9a-f]{96}$/, sha512: /^[0-9a-f]{128}$/ };

/** Problems with one receipt entry, judged against the manifest (for the verifier's receipt.entries check). */
export function entryProblems(e: Entry & { index: number }, m: Manifest, at: string): Text[] {
  const problems: Text[] = [];
  // A NUL cannot stand in any file name: such an entry names no file anywhere.
  if (e.name.length === 0 || e.name !== e.name.normalize('NFC') || e.name.startsWith('/') || DOTDOT.test(e.name) || e.name.includes('\0')) problems.push(t`${at}.name: expected a relative POSIX path in NFC`);
  if (!Number.isSafeInteger(e.size) || e.size < 0) problems.push(t`${at}.size: expected a non-negative integer`);
  if (!HEX64.test(e.salt)) problems.push(t`${at}.salt: expected 64 lowercase hex digits`);
  if (!Number.isSafeInteger(e.index) || e.index < 0 || e.index >= m.merkle.count) problems.push(t`${at}.index: outside 0..${m.merkle.count - 1}`);
  for (const a of m.algorithms) {
    const d = e.digests[a];
    if (typeof d !== 'string' || !DIGEST_RE[a].test(d)) problems.push(t`${at}.digests.${a}: expected ${DIGEST_LENGTH[a] * 2} lowercase hex digits`);
  }
  for (const k in e.digests) if (!m.algorithms.includes(k as HashAlgorithm)) problems.push(t`${at}.digests.${k}: algorithm not in manifest.algorithms`);
  return problems;
}
