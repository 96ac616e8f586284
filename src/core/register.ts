/**
 * Registration: hash the files (streaming), build and sign the manifest (CAdES-BES),
 * timestamp the signature value at every TSA (CAdES-T), verify the result as a verifier
 * would, and return the receipt. Nothing is written here: the caller writes the receipt
 * atomically only after this succeeded.
 */
import { randomUUID } from 'node:crypto';
import { OID } from './asn1/oids.js';
import { toBase64, toHex } from './bytes.js';
import { attribute, assembleSignedData, prepareSignature, prepareSignatureWith } from './cms/build.js';
import { hashFiles, type FileDigest, type HashPool, type HashProgress } from './hash/engine.js';
import { InputError, InternalError, LimitError, TsaError } from './errors.js';
import { LIMITS } from './limits.js';
import { parseTsaUrl, type TimestampClientOptions, type TsaEndpoint } from './tsp/client.js';
import { obtainUnderPolicy } from './timestamps/obtain.js';
import { policyProblems, type TimestampPolicy } from './timestamps/policy.js';
import { encodeManifest, metaProblems, type Manifest, type ManifestMeta } from './receipt/manifest.js';
import { RECEIPT_FORMAT, type Receipt, type ReceiptEntry } from './receipt/receipt.js';
import { buildTree, treeRoot } from './receipt/merkle.js';
import { verifyReceipt, type ReceiptVerification } from './verify/receipt.js';
import { DIGEST_LENGTH, type HashAlgorithm } from './crypto/algorithms.js';
import type { FileRef } from './io/files.js';
import type { KeyObject } from 'node:crypto';
import { checkSigningCertificate } from './identity/store.js';
import type { Certificate } from './pki/certificate.js';
import type { TrustAnchor } from './trust.js';
import { t, type Text } from './text.js';
import { buildPath } from './pki/chain.js';
import { anchorsFor } from './trust.js';
import { STRICT } from './verify/policy.js';
import { captureRevocation, httpRevocationFetch, pathTargets, type CaptureResult, type RevocationFetch } from './revocation/capture.js';
import type { ObtainedTimestamp } from './tsp/client.js';

export interface RegisterOptions {
  files: readonly FileRef[];
  algorithms: readonly HashAlgorithm[];
  /**
   * The holder: certificate chain, and the key (or its pending unlock, awaited after hashing) — or,
   * with `sign`, a key agent that signs (agent/), `key` then being the public key.
   */
  identity: { chain: readonly Certificate[]; key: KeyObject | Promise<KeyObject>; sign?: (toBeSigned: Uint8Array) => Promise<Uint8Array> };
  tsas: readonly TsaEndpoint[];
  /** How many TSAs must answer validly (default: all of them; with a timestamp policy, its `require`). */
  minTimestamps?: number;
  /** Valid timestamps from at least `require` distinct TSA operators; signed in the manifest (timestamps/policy.ts). */
  timestampPolicy?: TimestampPolicy;
  /** Trust anchors (TSAs and holders), valid at any time. */
  anchors: readonly Certificate[];
  /** Anchors with purposes and validity windows. */
  trust?: readonly TrustAnchor[];
  now: () => Date;
  random: (n: number) => Uint8Array;
  client?: Partial<TimestampClientOptions>;
  /** A hashing pool started early by the caller (else one is started here). */
  pool?: HashPool;
  /** Leave a hashed file out of the batch (e.g. already registered by this identity). */
  skip?: (file: FileRef, digest: FileDigest) => boolean;
  /** Receives a reader of running hashing totals (for a progress display). */
  progress?: (read: () => HashProgress) => void;
  /** Title, project, tags, classification: signed in the manifest (docs/receipt-format.md). */
  meta?: ManifestMeta;
  /**
   * Computes the digests instead of the hashing engine (an escrow deposit hashes the bytes it
   * seals as it reads them): same contract as hashFiles, results in input order.
   */
  hasher?: typeof hashFiles;
  /**
   * Told the batch's entries as soon as the files are hashed, before the tree, the signature and
   * the timestamps (the registry commits them ahead of the registration meanwhile: registry/background.ts).
   */
  onEntries?: (entries: readonly ReceiptEntry[]) => void;
  /** Told when hashing is over and the TSAs are asked (for a progress display). */
  onTimestamping?: (tsas: readonly string[]) => void;
  /**
   * Revocation data capture (docs/long-term.md): `fetch` (default: HTTP with the TSA client's
   * timeout and proxy); `require`: no usable data for a certificate fails the registration
   * (exit 3) instead of a note. `false`: nothing is fetched.
   */
  revocation?: false | { fetch?: RevocationFetch; require?: boolean };
}

export interface Registration {
  kind: 'registered';
  receipt: Receipt;
  manifest: Manifest;
  verification: ReceiptVerification;
  /** The registered files, in the order of `receipt.entries` (which hold their sizes and digests). */
  files: FileRef[];
  /** Files left out by `skip` (already registered). */
  skipped: FileRef[];
  /** TSAs that failed while enough others answered (--min-timestamps). */
  tsaFailures: { url: string; message: Text }[];
  /** Certificates of the proof no usable revocation data was found for, and why (the receipt says "not checked" for them); `noSource`: the certificate names none. */
  revocationMissing: { subject: string; message: Text; noSource: boolean }[];
}

/** Every file was left out by `skip`: nothing signed, no TSA asked. */
export interface Unchanged {
  kind: 'unchanged';
  skipped: FileRef[];
}

export async function register(o: RegisterOptions): Promise<Registration | Unchanged> {
  if (o.files.length === 0) throw new InputError({ code: 'NO_FILES', message: t`no files to register` });
  if (o.tsas.length === 0) throw new InputError({ code: 'NO_TSA_CONFIGURED', message: t`no TSA configured` });
  // A receipt holds at most LIMITS.receiptEntries entries and LIMITS.timestamps timestamps
  // (docs/limits.md): a bigger registration would write a receipt no verifier reads.
  if (o.files.length > LIMITS.receiptEntries) throw new LimitError(t`${o.files.length} files in one registration, beyond the limit of ${LIMITS.receiptEntries} per receipt: register them in several batches`);
  if (o.tsas.length > LIMITS.timestamps) throw new LimitError(t`${o.tsas.length} TSAs, beyond the limit of ${LIMITS.timestamps} timestamps per receipt`);
  const policy = o.timestampPolicy;
  const badPolicy = policy ? policyProblems(policy, o.tsas.length) : [];
  if (badPolicy.length) throw new InputError({ code: 'BAD_ARGUMENT', message: t`timestamp policy: ${badPolicy[0]!}` });
  const min = o.minTimestamps ?? (policy ? policy.require : o.tsas.length);
  if (!Number.isInteger(min) || min < 1 || min > o.tsas.length) throw new InputError({ code: 'BAD_ARGUMENT', message: t`--min-timestamps ${min}: expected 1 to ${o.tsas.length} (the number of TSAs)` });
  if (new Set(o.tsas.map((t) => t.url)).size !== o.tsas.length) throw new InputError({ code: 'BAD_ARGUMENT', message: t`the same TSA is listed twice; independent timestamps need different TSAs` });
  for (const t of o.tsas) parseTsaUrl(t.url);
  const meta = o.meta && Object.keys(o.meta).length ? o.meta : undefined;
  const badMeta = meta ? metaProblems(meta) : [];
  if (badMeta.length) throw new InputError({ code: 'BAD_ARGUMENT', message: t`registration metadata: ${badMeta[0]!}` });
  const holder = o.identity.chain[0]!;
  // Refused before any file is read or any TSA contacted.
  checkSigningCertificate(holder, o.now());

  // A wrong passphrase fails the registration at once, not after hashing everything.
  const key = Promise.resolve(o.identity.key);
  // Each file's salted Merkle leaf is computed in the hashing lanes, right after its digests.
  const treeAlg = o.algorithms[0]!;
  const salts = Buffer.from(o.random(32 * o.files.length)).toString('hex');
  const h = DIGEST_LENGTH[treeAlg];
  const allLeaves = Buffer.from(new SharedArrayBuffer(o.files.length * h));
  const hashing = (o.hasher ?? hashFiles)(
    o.files.map((f) => ({ path: f.absolute, display: f.name })),
    {
      algorithms: o.algorithms,
      leaves: { algorithm: treeAlg, names: o.files.map((f) => f.name), salts, out: allLeaves },
      ...(o.pool ? { pool: o.pool } : {}),
      ...(o.progress ? { progress: o.progress } : {}),
    },
  );
  hashing.catch(() => undefined);
  const digests = await Promise.race([hashing, key.then(() => hashing)]);
  const signingKey = await key;
  // Incremental registration: leave out what this identity already registered.
  const keep = o.files.map((f, i) => !o.skip?.(f, digests[i]!));
  const kept = keep.flatMap((k, i) => (k ? [i] : []));
  const files = kept.map((i) => o.files[i]!);
  const skipped = o.files.filter((_, i) => !keep[i]);
  if (files.length === 0) return { kind: 'unchanged', skipped };

  // The batch: one salted leaf per file, in name order, under one Merkle root. Leaves are
  // one packed buffer (100,000s of small objects would cost RSS).
  const entries: ReceiptEntry[] = kept.map((i, index) => ({ index, name: o.files[i]!.name, size: digests[i]!.size, digests: digests[i]!.digests, salt: salts.slice(i * 64, i * 64 + 64) }));
  o.onEntries?.(entries);
  let leaves: Buffer = allLeaves;
  if (kept.length !== o.files.length) {
    leaves = Buffer.allocUnsafe(kept.length * h);
    kept.forEach((i, index) => allLeaves.copy(leaves, index * h, i * h, i * h + h));
  }
  const tree = buildTree(treeAlg, leaves);
  const created = o.now();
  const manifest: Manifest = {
    format: 'tsproof.manifest',
    version: 1,
    id: randomUUID(),
    created: created.toISOString(),
    tsas: o.tsas.map((t) => t.url),
    algorithms: [...o.algorithms],
    merkle: { algorithm: treeAlg, count: entries.length, root: toHex(treeRoot(tree)) },
    ...(meta ? { meta } : {}),
    ...(policy ? { timestampPolicy: { require: policy.require } } : {}),
  };
  const manifestBytes = encodeManifest(manifest);
  if (manifestBytes.byteLength > LIMITS.manifestBytes) throw new LimitError(t`the manifest (the TSA URLs) takes ${manifestBytes.byteLength} bytes, beyond the limit of ${LIMITS.manifestBytes}`);

  const signerInputs = {
    key: signingKey,
    certificate: holder,
    certificates: [...o.identity.chain],
    eContentType: OID.data,
    content: manifestBytes,
    encapsulate: false,
    signingTime: created,
    ess: 'v2',
    essChain: o.identity.chain.slice(1),
  } as const;
  const prepared = o.identity.sign ? await prepareSignatureWith(signerInputs, o.identity.sign) : prepareSignature(signerInputs);

  // One TSA round-trip per TSA, over the signature value, whatever the number of files.
  o.onTimestamping?.(o.tsas.map((x) => x.url));
  const { stamps, failures } = await obtainUnderPolicy(
    o.tsas,
    prepared.signature,
    { minimum: min, ...(policy ? { policy } : {}) },
    {
      ...o.client,
      random: o.random,
      now: o.now,
      anchors: o.anchors,
      ...(o.trust ? { trust: o.trust } : {}),
    },
  );
  const cms = assembleSignedData(
    prepared,
    stamps.map((s) => attribute(OID.signatureTimeStampToken, s.token)),
  );
  // Each answer is at most LIMITS.tokenBytes, but several large ones could make a signature
  // larger than a receipt may hold: the TSAs' doing (exit 3), and nothing is written.
  if (cms.byteLength > LIMITS.signatureBytes) {
    throw new TsaError({ code: 'TSA_RESPONSE_TOO_LARGE', message: t`the TSAs' tokens make the signature ${cms.byteLength} bytes long, beyond the ${LIMITS.signatureBytes}-byte limit of a receipt` });
  }
  // Revocation data for every certificate on the holder's and each TSA's path, at their proven times.
  const proven = new Date(Math.min(...stamps.map((s) => new Date(s.verification.info!.genTime).getTime())));
  const captured = await captureFor(o, holder, stamps, proven);
  if (o.revocation && o.revocation.require === true && captured.missing.length) {
    const m = captured.missing[0]!;
    throw new TsaError({ code: 'REVOCATION_UNAVAILABLE', message: t`no usable revocation data for "${m.certificate.subject}" (--require-revocation): ${m.why}` });
  }
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
    entries,
    revocation: captured.entries,
    renewals: [],
  };

  // Verify what we are about to hand out exactly as `verify` will.
  // (The Merkle root was computed from these very entries above; rebuilding it here would
  // double the cost of a 100,000-file batch and prove nothing new.)
  const verification = verifyReceipt(receipt, { anchors: o.anchors, ...(o.trust ? { trust: o.trust } : {}), now: o.now(), merkleAlreadyComputed: true });
  const failed = verification.checks.filter((c) => !c.ok);
  // A certificate revoked before the proven time: the holder's is bad input, a TSA's a failed service.
  const revoked = failed.find((c) => c.id === 'holder.revocation' || c.id === 'timestamp.revocation');
  if (revoked?.id === 'holder.revocation') throw new InputError({ code: 'CERTIFICATE_REVOKED', message: revoked.detail });
  if (revoked) throw new TsaError({ code: 'TSA_CERTIFICATE_REVOKED', message: t`${revoked.subject ?? 'timestamp'}: ${revoked.detail}` });
  if (failed.length) {
    throw new InternalError({ code: 'INTERNAL', message: t`the new receipt does not verify (${failed.map((c) => `${c.id}: ${c.detail}`).join('; ')})` });
  }
  return {
    kind: 'registered',
    receipt,
    manifest,
    verification,
    files,
    skipped,
    tsaFailures: failures.map((f) => ({ url: f.url, message: f.error.text })),
    revocationMissing: captured.missing.map((m) => ({ subject: m.certificate.subject, message: m.why, noSource: m.noSource })),
  };
}

/** Fetches revocation data for the holder's path (at the proven time) and each TSA's path (at its genTime). */
async function captureFor(o: RegisterOptions, holder: Certificate, stamps: readonly ObtainedTimestamp[], proven: Date): Promise<CaptureResult> {
  if (o.revocation === false) return { entries: [], missing: [] };
  const holderPath = buildPath(holder, o.identity.chain, [...o.anchors, ...anchorsFor(o.trust ?? [], 'holder', proven)], { at: proven });
  const targets = pathTargets(holderPath.path, proven);
  for (const s of stamps) targets.push(...pathTargets(s.verification.path ?? [], new Date(s.verification.info!.genTime)));
  if (targets.length === 0) return { entries: [], missing: [] };
  const fetch = o.revocation?.fetch ?? httpRevocationFetch({ timeoutMs: o.client?.timeoutMs ?? 30_000, ...(o.client?.proxy ? { proxy: o.client.proxy } : {}) });
  return captureRevocation(targets, { fetch, skewMs: STRICT.clockSkewMs });
}
