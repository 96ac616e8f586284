/**
 * tsproof's library API (`import { register, verifyFile } from 'tsproof'`, docs/api.md): the same
 * engine as the CLI — fingerprints, registration (CMS signature + RFC 3161 timestamps), offline
 * verification — with explicit inputs and no printing. Errors are typed (InputError: bad input,
 * VerificationError, TsaError) with string codes. Needs Node.js 22.12 or newer.
 */
import { randomBytes, type KeyObject } from 'node:crypto';
import path from 'node:path';
import { hashFiles as hashTargets, type FileDigest } from './core/hash/engine.js';
import type { HashAlgorithm } from './core/crypto/algorithms.js';
import { collectFiles } from './core/io/files.js';
import { register as registerFiles, type Registration } from './core/register.js';
import { serializeReceipt, type Receipt } from './core/receipt/receipt.js';
import { loadReceiptSource } from './core/receipt/source.js';
import { verifyFiles, verifyReceiptFile } from './core/verify/files.js';
import type { FileVerification, ReceiptVerification } from './core/verify/receipt.js';
import { parseCertificates, type Certificate } from './core/pki/certificate.js';
import { anyPurpose, type TrustAnchor } from './core/trust.js';
import type { Pins } from './core/verify/pins.js';
import { identityFromEnv } from './core/ci/environment.js';

export { verifyTimestampToken, type TokenVerification, type TokenVerifyOptions } from './core/tsp/verify.js';
export { pinsFromEnv, mergePins, type Pins } from './core/verify/pins.js';
export { identityFromEnv, trustFromEnv, CI_ENV } from './core/ci/environment.js';
export { InputError, VerificationError, TsaError, TsproofError } from './core/errors.js';
export { Certificate, parseCertificates } from './core/pki/certificate.js';
export { preAuthEncoding, signEnvelope, type DsseEnvelope } from './core/export/dsse.js';
export { verifyAttestation, type AttestationVerification } from './core/verify/attestation.js';
export type { Receipt, ReceiptVerification, FileVerification, HashAlgorithm, FileDigest, TrustAnchor };

/** Trust anchors: PEM/DER certificates (bytes or text), or Certificate objects; any purpose, like --trust. */
export type TrustInput = readonly (string | Uint8Array | Certificate)[];

function anchors(trust: TrustInput | undefined): TrustAnchor[] {
  return anyPurpose(
    (trust ?? []).flatMap((t) => (typeof t === 'string' || t instanceof Uint8Array ? parseCertificates(typeof t === 'string' ? Buffer.from(t) : t, 'trust') : [t])),
    'api',
  );
}

/** Fingerprints of files (paths, folders or globs, as `tsproof hash`): one entry per file. */
export async function hashFiles(paths: readonly string[], o: { cwd?: string; algorithms?: readonly HashAlgorithm[] } = {}): Promise<{ file: string; size: number; digests: FileDigest['digests'] }[]> {
  const cwd = o.cwd ?? process.cwd();
  const { files } = await collectFiles(paths, cwd);
  const digests = await hashTargets(
    files.map((f) => ({ path: f.absolute, display: f.name })),
    { algorithms: o.algorithms ?? ['sha256'] },
  );
  return files.map((f, i) => ({ file: f.name, size: digests[i]!.size, digests: digests[i]!.digests }));
}

export interface RegisterInput {
  /** Files, folders or globs, relative to `cwd`. */
  files: readonly string[];
  cwd?: string;
  /** The holder: a certificate chain (holder first) and its key; else TSPROOF_IDENTITY from `env`. */
  identity?: { chain: readonly Certificate[]; key: KeyObject };
  env?: NodeJS.ProcessEnv;
  /** TSA URLs: one RFC 3161 timestamp each. */
  tsa: readonly string[];
  trust?: TrustInput;
  algorithms?: readonly HashAlgorithm[];
  now?: () => Date;
  timeoutMs?: number;
}

export interface RegisterResult {
  receipt: Receipt;
  /** The receipt as tsproof writes it (`*.tsproof.json`). */
  receiptJson: string;
  merkleRoot: string;
  verification: ReceiptVerification;
  files: { file: string; size: number; digests: FileDigest['digests'] }[];
}

/** Hashes, signs and timestamps files; returns the receipt (writing it is the caller's). */
export async function register(o: RegisterInput): Promise<RegisterResult> {
  const cwd = o.cwd ?? process.cwd();
  const now = o.now ?? (() => new Date());
  const id = o.identity ?? (await identityFromEnv(o.env ?? process.env, now()));
  if (!id) throw new TypeError('register: give identity (chain and key), or TSPROOF_IDENTITY in env');
  const { files } = await collectFiles(o.files, cwd);
  const r = (await registerFiles({
    files,
    algorithms: o.algorithms ?? ['sha256'],
    identity: { chain: id.chain, key: id.key },
    tsas: o.tsa.map((url) => ({ url })),
    anchors: [],
    trust: anchors(o.trust),
    now,
    random: (n) => new Uint8Array(randomBytes(n)),
    client: { ...(o.timeoutMs ? { timeoutMs: o.timeoutMs } : {}) },
  })) as Registration;
  return {
    receipt: r.receipt,
    receiptJson: serializeReceipt(r.receipt),
    merkleRoot: r.manifest.merkle.root,
    verification: r.verification,
    files: r.receipt.entries.map((e) => ({ file: e.name, size: e.size, digests: e.digests })),
  };
}

export interface VerifyOptions {
  trust?: TrustInput;
  pins?: Pins;
  /** Judge certificate validity at this time instead of the proven time. */
  at?: Date;
  now?: Date;
}

/** A receipt (file, or evidence pack folder or zip) on its own: signature, timestamps, paths, pins. */
export async function verifyReceipt(receiptPath: string, o: VerifyOptions = {}): Promise<ReceiptVerification> {
  const file = path.resolve(receiptPath);
  const loaded = await loadReceiptSource(file);
  return verifyReceiptFile(file, loaded.receipt, { anchors: [], trust: anchors(o.trust), now: o.now ?? new Date(), extraCertificates: loaded.certificates, ...(o.pins ? { pins: o.pins } : {}), ...(o.at ? { at: o.at } : {}) });
}

/** A local file against receipts (each file against the first that registers its content). */
export async function verifyFile(file: string, o: VerifyOptions & { receipts: readonly string[]; cwd?: string }): Promise<FileVerification> {
  const cwd = o.cwd ?? process.cwd();
  const [r] = await verifyFiles({
    files: [file],
    cwd,
    home: path.join(cwd, '.tsproof-unused-home'),
    receipts: o.receipts,
    anchors: [],
    trust: anchors(o.trust),
    now: o.now ?? new Date(),
    ...(o.pins ? { pins: o.pins } : {}),
    ...(o.at ? { at: o.at } : {}),
  });
  return r!;
}
