/**
 * Where a receipt comes from: a receipt file (`*.tsproof.json`), or an evidence pack — a folder
 * or a zip written by `tsproof export --format evidence` (docs/evidence.md) — taken back into the
 * receipt it was made from, so that someone who received only the pack can verify, show and
 * report with tsproof. The pack's own trust anchors (certs/*-ca.pem) are never trusted: they
 * only help name a root this computer does not trust yet.
 */
import { createHash } from 'node:crypto';
import { open, readFile, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { OID } from '../asn1/oids.js';
import { LIMITS } from '../limits.js';
import { toBase64 } from '../bytes.js';
import { attr, parseSignedData } from '../cms/signed-data.js';
import { InputError } from '../errors.js';
import { unzip } from '../io/unzip.js';
import { Certificate } from '../pki/certificate.js';
import { t } from '../text.js';
import { decodeManifest, isObject } from './manifest.js';
import { loadReceiptFile } from './load.js';
import { RECEIPT_FORMAT, type Receipt, type ReceiptEntry } from './receipt.js';
import { parseStrictJson } from './strict-json.js';

export type ReceiptKind = 'receipt' | 'pack-folder' | 'pack-zip';

export interface LoadedReceipt {
  receipt: Receipt;
  kind: ReceiptKind;
  /** The path read (absolute). */
  path: string;
  /**
   * SHA-256 of what was examined: the receipt file, or the pack's zip; for a pack folder, its
   * signature.p7s (which holds the signature and every timestamp; the manifest is bound by it).
   */
  sha256: string;
  /** Certificates that came beside the receipt (a pack's certs/*-ca.pem): path candidates only, never anchors. */
  certificates: Certificate[];
  /** For each of `certificates`: whose anchor the pack offered it as. */
  offeredFor: ('tsa' | 'holder')[];
}

/** Packs are evidence from outside: bounded. */
const MAX_ZIP_BYTES = 512 << 20;
const MAX_PACK_FILE = 4 << 20;
const MAX_ENTRIES = 1_000_000;

/** The files of a pack, whether a folder or a zip. */
interface PackFiles {
  read(name: string): Promise<Uint8Array | undefined>;
  /** Names of the files directly in `dir` (`entries`, `certs`, `timestamps`). */
  list(dir: string): Promise<string[]>;
}

function notFound(file: string): never {
  throw new InputError({ code: 'RECEIPT_NOT_FOUND', message: t`${file}: cannot read receipt` });
}

function sha256(b: Uint8Array): string {
  return createHash('sha256').update(b).digest('hex');
}

/**
 * Whether `file` is a receipt or an evidence pack, by its name and form (nothing is verified):
 * a folder holding manifest.json and signature.p7s, a zip holding such a folder, a file whose
 * first bytes are a tsproof receipt's, or a `*.tsproof.json`.
 */
export async function looksLikeReceipt(file: string): Promise<boolean> {
  try {
    const st = await stat(file);
    if (st.isDirectory()) return (await packFolder(file)) !== undefined;
    if (file.endsWith('.tsproof.json')) return true;
    if (!st.isFile()) return false;
    const head = await readHead(file);
    if (isZip(head)) return st.size <= MAX_ZIP_BYTES && packRoot(unzip(await readFile(file), file).names) !== undefined;
    return /^\s*\{[\s\S]*"format"\s*:\s*"tsproof\.receipt"/.test(Buffer.from(head).toString('utf8'));
  } catch {
    return false;
  }
}

async function readHead(file: string): Promise<Uint8Array> {
  const fh = await open(file, 'r');
  try {
    const b = new Uint8Array(256);
    const { bytesRead } = await fh.read(b, 0, b.length, 0);
    return b.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

const isZip = (b: Uint8Array) => b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04;

/** The folder of a zip's names that holds the pack (`''` or `name/`): the shallowest with manifest.json and signature.p7s. */
function packRoot(names: readonly string[]): string | undefined {
  const all = new Set(names);
  return names
    .filter((n) => n.endsWith('signature.p7s') && (n === 'signature.p7s' || n.endsWith('/signature.p7s')))
    .map((n) => n.slice(0, -'signature.p7s'.length))
    .filter((dir) => all.has(`${dir}manifest.json`))
    .sort((a, b) => a.split('/').length - b.split('/').length)[0];
}

async function packFolder(dir: string): Promise<PackFiles | undefined> {
  const has = async (n: string) => (await stat(path.join(dir, n)).catch(() => undefined))?.isFile() ?? false;
  if (!(await has('manifest.json')) || !(await has('signature.p7s'))) return undefined;
  return {
    async read(name) {
      const f = path.join(dir, ...name.split('/'));
      const st = await stat(f).catch(() => undefined);
      if (!st?.isFile()) return undefined;
      if (st.size > MAX_PACK_FILE) throw new InputError({ code: 'LIMIT_EXCEEDED', message: t`${f}: larger than an evidence pack's files are (${MAX_PACK_FILE} bytes)` });
      return new Uint8Array(await readFile(f));
    },
    async list(sub) {
      return readdir(path.join(dir, sub)).catch(() => []);
    },
  };
}

/** Reads a receipt file or an evidence pack (folder or zip). Bad input is exit 2; what it proves is for the verifier. */
export async function loadReceiptSource(file: string): Promise<LoadedReceipt> {
  const st = await stat(file).catch(() => notFound(file));
  if (st.isDirectory()) {
    const files = await packFolder(file);
    if (!files) throw new InputError({ code: 'MALFORMED_RECEIPT', message: t`${file}: a folder that is not an evidence pack (no manifest.json and signature.p7s in it)` });
    const p = await receiptFromPack(files, file);
    return { ...p, kind: 'pack-folder', path: file, sha256: sha256((await files.read('signature.p7s'))!) };
  }
  // A receipt is read a chunk at a time within its limits (receipt/load.ts); only a zip is read whole.
  if (!isZip(await readHead(file).catch(() => notFound(file)))) {
    const digest = createHash('sha256');
    const receipt = await loadReceiptFile(file, file, digest);
    return { receipt, kind: 'receipt', path: file, sha256: digest.digest('hex'), certificates: [], offeredFor: [] };
  }
  if (st.size > MAX_ZIP_BYTES) throw new InputError({ code: 'LIMIT_EXCEEDED', message: t`${file}: larger than an evidence pack tsproof reads (${MAX_ZIP_BYTES} bytes)` });
  return loadPackZip(await readFile(file).catch(() => notFound(file)), file);
}

/** An evidence pack zip's bytes (read within MAX_ZIP_BYTES) taken back into a receipt; `file` names it in errors. */
export async function loadPackZip(bytes: Uint8Array, file: string): Promise<LoadedReceipt> {
  const z = unzip(bytes, file);
  const root = packRoot(z.names);
  if (root === undefined) throw new InputError({ code: 'MALFORMED_RECEIPT', message: t`${file}: a zip that holds no evidence pack (no manifest.json and signature.p7s in it)` });
  const files: PackFiles = {
    read: async (name) => z.read(`${root}${name}`),
    list: async (dir) => z.names.filter((n) => n.startsWith(`${root}${dir}/`) && !n.slice(root.length + dir.length + 1).includes('/')).map((n) => n.slice(root.length + dir.length + 1)),
  };
  return { ...(await receiptFromPack(files, file)), kind: 'pack-zip', path: file, sha256: sha256(bytes) };
}

/** The certificates of a PEM file as base64 DER, unparsed (the verifier judges them). */
function pemCertificates(b: Uint8Array | undefined): string[] {
  if (!b) return [];
  const out: string[] = [];
  for (const m of Buffer.from(b)
    .toString('latin1')
    .matchAll(/-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g))
    out.push(m[1]!.replace(/\s+/g, ''));
  return out;
}

/** Certificates that parse, from a PEM file; others are left out (they are candidates, nothing rests on them). */
function candidates(b: Uint8Array | undefined): Certificate[] {
  const out: Certificate[] = [];
  for (const c of pemCertificates(b)) {
    try {
      out.push(Certificate.fromDER(Buffer.from(c, 'base64')));
    } catch {
      // not a certificate: not a candidate
    }
  }
  return out;
}

/**
 * The receipt a pack was made from: manifest.json and signature.p7s as they are, the tokens
 * embedded in the signature (with the TSA URL each was asked, from timestamps/N.url — older packs
 * do not record it: then the manifest's TSA list, in order — and the TSA certificates the receipt
 * stored, certs/tsa-N-untrusted.pem), and each disclosed entry with its inclusion proof.
 */
async function receiptFromPack(files: PackFiles, what: string): Promise<{ receipt: Receipt; certificates: Certificate[]; offeredFor: ('tsa' | 'holder')[] }> {
  const manifest = (await files.read('manifest.json'))!;
  const signature = (await files.read('signature.p7s'))!;
  const m = decodeManifest(manifest).manifest;
  let tokens: Uint8Array[] = [];
  try {
    const si = parseSignedData(signature, 'signature').signerInfos[0];
    tokens = si ? attr(si.unsignedAttrs, OID.signatureTimeStampToken).flatMap((a) => a.values.map((v) => v.raw)) : [];
  } catch {
    // A signature that does not parse is a failed check of the verification, not a pack we cannot read.
  }
  const tsas = m?.tsas ?? [];
  const timestamps = [];
  for (let k = 1; k <= tokens.length; k++) {
    const url = (await files.read(`timestamps/${k}.url`)) ?? undefined;
    timestamps.push({
      tsa: url ? Buffer.from(url).toString('utf8').trim() : ((tsas.length === tokens.length ? tsas[k - 1] : tsas[0]) ?? ''),
      token: toBase64(tokens[k - 1]!),
      certificates: pemCertificates(await files.read(`certs/tsa-${k}-untrusted.pem`)),
    });
  }

  const names = (await files.list('entries')).filter((n) => /^\d{6,10}\.json$/.test(n)).sort();
  if (names.length === 0) throw new InputError({ code: 'MALFORMED_RECEIPT', message: t`${what}: an evidence pack without entries (entries/NNNNNN.json)` });
  if (names.length > MAX_ENTRIES) throw new InputError({ code: 'LIMIT_EXCEEDED', message: t`${what}: more than ${MAX_ENTRIES} entries` });
  const entries: ReceiptEntry[] = [];
  for (const n of names) {
    const id = n.slice(0, -'.json'.length);
    const bad = () => new InputError({ code: 'MALFORMED_RECEIPT', message: t`${what}: entries/${n} is not an entry of an evidence pack` });
    let leaf: unknown;
    try {
      leaf = parseStrictJson(Buffer.from((await files.read(`entries/${n}`))!).toString('utf8'));
    } catch {
      throw bad();
    }
    if (!isObject(leaf) || typeof leaf.name !== 'string' || typeof leaf.salt !== 'string' || typeof leaf.size !== 'number' || !isObject(leaf.digests)) throw bad();
    const proof = await files.read(`entries/${id}.proof`);
    const e: ReceiptEntry = { index: Number(id), name: leaf.name, size: leaf.size, digests: leaf.digests as ReceiptEntry['digests'], salt: leaf.salt };
    if (proof) {
      const lines = Buffer.from(proof).toString('latin1').split('\n').filter(Boolean);
      if (lines.length > 64 || !lines.every((l) => /^[LR] [0-9a-f]+$/.test(l))) throw new InputError({ code: 'MALFORMED_RECEIPT', message: t`${what}: entries/${id}.proof is not an inclusion proof` });
      e.proof = lines.map((l) => l.slice(2));
    }
    entries.push(e);
  }

  const certificates = [...candidates(await files.read('certs/holder-ca.pem'))];
  const offeredFor: ('tsa' | 'holder')[] = certificates.map(() => 'holder');
  for (let k = 1; k <= tokens.length; k++) {
    const c = candidates(await files.read(`certs/tsa-${k}-ca.pem`));
    certificates.push(...c);
    offeredFor.push(...c.map(() => 'tsa' as const));
  }
  // Renewals (renewals/N.ats, written since packs carry them): the archive timestamps as stored, each with its TSA URL and the certificates its token lacks.
  const renewals: Receipt['renewals'] = [];
  for (let r = 1; r <= LIMITS.renewals; r++) {
    const ats = await files.read(`renewals/${r}.ats`);
    if (!ats) break;
    const url = await files.read(`renewals/${r}.url`);
    const overFiles = (await files.read(`renewals/${r}.files`)) !== undefined;
    renewals.push({
      tsa: url ? Buffer.from(url).toString('utf8').trim() : '',
      archiveTimeStamp: toBase64(ats),
      certificates: pemCertificates(await files.read(`certs/renewal-${r}-untrusted.pem`)),
      ...(overFiles ? { files: true as const } : {}),
    });
    const c = candidates(await files.read(`certs/renewal-${r}-ca.pem`));
    certificates.push(...c);
    offeredFor.push(...c.map(() => 'tsa' as const));
  }
  // Revocation data (revocation/N.ocsp or N.crl, about revocation/N.cert.pem, fetched from N.url).
  const revocation: Receipt['revocation'] = [];
  for (let n = 1; n <= LIMITS.revocationEntries; n++) {
    const type = (await files.read(`revocation/${n}.ocsp`)) ? 'ocsp' : (await files.read(`revocation/${n}.crl`)) ? 'crl' : undefined;
    if (!type) break;
    const about = candidates(await files.read(`revocation/${n}.cert.pem`))[0];
    if (!about) continue;
    const url = await files.read(`revocation/${n}.url`);
    revocation.push({ certificate: about.sha256, type, source: url ? Buffer.from(url).toString('utf8').trim() : '', data: toBase64((await files.read(`revocation/${n}.${type}`))!) });
  }
  const receipt: Receipt = {
    format: RECEIPT_FORMAT,
    version: 1,
    id: m?.id ?? '(unreadable manifest)',
    manifest: toBase64(manifest),
    signature: toBase64(signature),
    timestamps,
    entries,
    revocation,
    renewals,
  };
  return { receipt, certificates, offeredFor };
}
