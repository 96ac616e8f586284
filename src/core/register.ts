/**
 * Registration: hash the files (streaming), build and sign the manifest (CAdES-BES),
 * timestamp the signature value at every TSA (CAdES-T), verify the result as a verifier
 * would, and return the receipt. Nothing is written here: the caller writes the receipt
 * atomically only after this succeeded.
 */
import { randomUUID } from 'node:crypto';
import { OID } from './asn1/oids.js';
import { toBase64 } from './bytes.js';
import { attribute, assembleSignedData, prepareSignature } from './cms/build.js';
import { hashFiles, type FileDigest, type HashProgress } from './hash/engine.js';
import { InputError, InternalError } from './errors.js';
import { obtainTimestamp, parseTsaUrl, type TimestampClientOptions, type TsaEndpoint } from './tsp/client.js';
import { encodeManifest, type Manifest } from './receipt/manifest.js';
import { RECEIPT_FORMAT, type Receipt } from './receipt/receipt.js';
import { verifyReceipt, verifyFileAgainst, type FileVerification, type ReceiptVerification } from './verify/receipt.js';
import type { HashAlgorithm } from './crypto/algorithms.js';
import type { FileRef } from './io/files.js';
import type { UnlockedIdentity } from './identity/store.js';
import type { Certificate } from './pki/certificate.js';

export interface RegisterOptions {
  files: readonly FileRef[];
  algorithms: readonly HashAlgorithm[];
  identity: UnlockedIdentity;
  tsas: readonly TsaEndpoint[];
  /** Trust anchors (TSAs and holders). */
  anchors: readonly Certificate[];
  now: () => Date;
  random: (n: number) => Uint8Array;
  client?: Partial<TimestampClientOptions>;
  /** Hashing threads (default: one per core). */
  threads?: number;
  /** Receives a reader of running hashing totals (for a progress display). */
  progress?: (read: () => HashProgress) => void;
}

export interface Registration {
  receipt: Receipt;
  manifest: Manifest;
  verification: ReceiptVerification;
  files: (FileRef & FileDigest)[];
}

/** Refuses a holder certificate that cannot sign now (exit 2, before any TSA is contacted). */
export function checkHolderUsable(cert: Certificate, now: Date): void {
  if (now < cert.notBefore) throw new InputError({ code: 'BAD_ARGUMENT', message: `the identity's certificate is not valid before ${cert.notBefore.toISOString()}` });
  if (now > cert.notAfter) throw new InputError({ code: 'BAD_ARGUMENT', message: `the identity's certificate expired on ${cert.notAfter.toISOString()}` });
  const ku = cert.keyUsage;
  if (ku && !ku.has('digitalSignature') && !ku.has('nonRepudiation')) {
    throw new InputError({ code: 'BAD_ARGUMENT', message: 'the identity\'s certificate may not be used for signatures (key usage lacks digitalSignature and nonRepudiation)' });
  }
}

export async function register(o: RegisterOptions): Promise<Registration> {
  if (o.files.length === 0) throw new InputError({ code: 'NO_FILES', message: 'no files to register' });
  if (o.tsas.length === 0) throw new InputError({ code: 'NO_TSA_CONFIGURED', message: 'no TSA configured' });
  for (const t of o.tsas) parseTsaUrl(t.url);
  const holder = o.identity.chain[0]!;
  checkHolderUsable(holder, o.now());

  const digests = await hashFiles(
    o.files.map((f) => ({ path: f.absolute, display: f.name })),
    { algorithms: o.algorithms, ...(o.threads ? { threads: o.threads } : {}), ...(o.progress ? { progress: o.progress } : {}) },
  );
  const files = o.files.map((f, i) => ({ ...f, ...digests[i]! }));

  const created = o.now();
  const manifest: Manifest = {
    format: 'tsproof.manifest',
    version: 1,
    id: randomUUID(),
    created: created.toISOString(),
    tsas: o.tsas.map((t) => t.url),
    algorithms: [...o.algorithms],
    files: files.map((f) => ({ name: f.name, size: f.size, digests: f.digests })),
  };
  const manifestBytes = encodeManifest(manifest);

  const prepared = prepareSignature({
    key: o.identity.key,
    certificate: holder,
    certificates: o.identity.chain,
    eContentType: OID.data,
    content: manifestBytes,
    encapsulate: false,
    signingTime: created,
    ess: 'v2',
    essChain: o.identity.chain.slice(1),
  });

  // One TSA round-trip per TSA, over the signature value, whatever the number of files.
  const stamps = [];
  for (const tsa of o.tsas) {
    stamps.push(await obtainTimestamp(tsa, prepared.signature, { ...o.client, random: o.random, now: o.now, anchors: o.anchors }));
  }
  const cms = assembleSignedData(
    prepared,
    stamps.map((s) => attribute(OID.signatureTimeStampToken, s.token)),
  );
  const receipt: Receipt = {
    format: RECEIPT_FORMAT,
    version: 1,
    id: manifest.id,
    manifest: toBase64(manifestBytes),
    signature: toBase64(cms),
    timestamps: stamps.map((s) => {
      // Keep the TSA path certificates the token does not carry, so the receipt verifies offline.
      const embedded = s.verification.signedData?.certificates ?? [];
      const missing = (s.verification.path ?? []).filter((c) => !embedded.some((e) => e.equals(c)));
      return { tsa: s.url, token: toBase64(s.token), certificates: missing.map((c) => toBase64(c.der)) };
    }),
    revocation: [],
    renewals: [],
  };

  // Verify what we are about to hand out exactly as `verify` will.
  const verification = verifyReceipt(receipt, { anchors: o.anchors, now: o.now() });
  const failed = verification.checks.filter((c) => !c.ok);
  if (failed.length) {
    throw new InternalError({ code: 'INTERNAL', message: `the new receipt does not verify (${failed.map((c) => `${c.id}: ${c.detail}`).join('; ')})` });
  }
  return { receipt, manifest, verification, files };
}

/** Verifies each registered file against the fresh receipt (used by the demo and tests). */
export function fileResults(reg: Registration): FileVerification[] {
  return reg.files.map((f) => verifyFileAgainst(reg.verification, f.absolute, f.name, f));
}
