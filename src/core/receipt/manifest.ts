/**
 * The manifest: what the holder signs. Canonical JSON bytes (sorted keys, no
 * whitespace, UTF-8, NFC names) — see docs/receipt-format.md. Stored in the receipt
 * exactly as signed; never re-serialised for verification.
 */
import { isFileHash, DIGEST_LENGTH, type HashAlgorithm } from '../crypto/algorithms.js';

export interface ManifestEntry {
  /** Relative POSIX path, NFC. */
  name: string;
  size: number;
  digests: Partial<Record<HashAlgorithm, string>>;
}

export interface Manifest {
  format: 'tsproof.manifest';
  version: 1;
  /** Registration identifier (UUID); also the receipt id. */
  id: string;
  /** When the holder's tool built the manifest (claimed; the TSA time is what counts). */
  created: string;
  /** TSAs the registration asked, in order; each receipt timestamp names one of them. */
  tsas: string[];
  algorithms: HashAlgorithm[];
  files: ManifestEntry[];
}

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

/** Parses and validates manifest bytes. Returns the manifest, or the list of problems. */
export function decodeManifest(bytes: Uint8Array): { manifest?: Manifest; problems: string[] } {
  let v: unknown;
  try {
    v = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    return { problems: ['manifest is not UTF-8 JSON'] };
  }
  const problems: string[] = [];
  const p = (path: string, msg: string) => problems.push(`manifest.${path}: ${msg}`);
  if (!isObject(v)) return { problems: ['manifest is not a JSON object'] };
  const known = new Set(['format', 'version', 'id', 'created', 'tsas', 'algorithms', 'files']);
  for (const k of Object.keys(v)) if (!known.has(k)) p(k, 'unexpected field');
  if (v.format !== 'tsproof.manifest') p('format', 'expected "tsproof.manifest"');
  if (v.version !== 1) p('version', 'expected 1');
  if (typeof v.id !== 'string' || !UUID_RE.test(v.id)) p('id', 'expected a lowercase UUID');
  if (typeof v.created !== 'string' || !ISO_RE.test(v.created) || Number.isNaN(Date.parse(v.created))) p('created', 'expected an ISO 8601 UTC time');
  if (!Array.isArray(v.tsas) || !v.tsas.every((u) => typeof u === 'string' && u.length > 0)) p('tsas', 'expected an array of URLs');
  const algs = Array.isArray(v.algorithms) ? v.algorithms : [];
  if (!Array.isArray(v.algorithms) || algs.length === 0 || !algs.every((a) => typeof a === 'string' && isFileHash(a)) || new Set(algs).size !== algs.length) {
    p('algorithms', 'expected distinct values among sha256, sha384, sha512');
  }
  if (!Array.isArray(v.files) || v.files.length === 0) p('files', 'expected a non-empty array');
  else {
    const names = new Set<string>();
    v.files.forEach((f, i) => {
      const at = `files[${i}]`;
      if (!isObject(f)) return void p(at, "expected an object");
      for (const k of Object.keys(f)) if (!['name', 'size', 'digests'].includes(k)) p(`${at}.${k}`, 'unexpected field');
      if (typeof f.name !== 'string' || f.name.length === 0 || f.name !== f.name.normalize('NFC') || f.name.startsWith('/') || f.name.split('/').includes('..')) {
        p(`${at}.name`, 'expected a relative POSIX path in NFC');
      } else if (names.has(f.name)) p(`${at}.name`, 'duplicate name');
      else names.add(f.name);
      if (!Number.isSafeInteger(f.size) || (f.size as number) < 0) p(`${at}.size`, 'expected a non-negative integer');
      if (!isObject(f.digests)) return void p(`${at}.digests`, "expected an object");
      for (const a of algs) {
        const d = f.digests[a];
        if (typeof d !== 'string' || !new RegExp(`^[0-9a-f]{${DIGEST_LENGTH[a as HashAlgorithm] * 2}}$`).test(d)) p(`${at}.digests.${a}`, `expected ${DIGEST_LENGTH[a as HashAlgorithm] * 2} lowercase hex digits`);
      }
      for (const k of Object.keys(f.digests)) if (!algs.includes(k)) p(`${at}.digests.${k}`, 'algorithm not listed in manifest.algorithms');
    });
  }
  return problems.length ? { problems } : { manifest: v as unknown as Manifest, problems };
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
