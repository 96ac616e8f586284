/**
 * Limits on untrusted inputs (docs/limits.md). Every parser of tokens, TSA answers, CMS
 * signatures and receipts checks these before the work they bound, so that hostile input is
 * refused at once (exit 2; exit 3 for a TSA's answer during registration) instead of costing
 * unbounded memory or time. Each limit is far above what real objects use (docs/limits.md
 * gives the largest value seen in the real-world corpus beside each).
 */

const KiB = 1024;
const MiB = 1024 * KiB;

export const LIMITS = {
  // --- ASN.1 / DER (src/core/asn1/der.ts) ---
  /** Nesting depth of one DER/BER object (real tokens and signatures: ≤ 28). */
  derDepth: 64,
  /** TLVs (ASN.1 values) in one parsed object (real tokens: ≤ 900). */
  derValues: 200_000,
  /** Content octets of an INTEGER read as a number: serial numbers, nonces, versions (real: ≤ 21). */
  integerBytes: 128,
  /** Content octets of an OBJECT IDENTIFIER (real: ≤ 60). */
  oidBytes: 128,
  /** Octets of one OBJECT IDENTIFIER arc (real: ≤ 4; a UUID arc, 2.25.N, needs 19). */
  oidArcBytes: 20,
  /** Characters of a GeneralizedTime or UTCTime (real: ≤ 19; nanoseconds need 25). */
  timeChars: 64,
  /**
   * A certificate's SubjectPublicKeyInfo (real: RSA-4096 550 bytes; RSA-16384 about 2.1 KiB). A
   * larger key (a 70 KB RSA exponent) cost a second of node:crypto's time per certificate read.
   */
  publicKeyBytes: 4 * KiB,

  // --- RFC 3161 and CMS (src/core/tsp, src/core/cms) ---
  /** A TimeStampToken or TimeStampResp: a TSA's answer, a token file, a token in a receipt (real: ≤ 33 KiB). */
  tokenBytes: 1 * MiB,
  /** A CMS signature file given to `ts verify --cms` (it may carry its content). */
  cmsBytes: 64 * MiB,
  /** A certificate file given to `ts verify --tsa-cert`. */
  certificateFileBytes: 4 * MiB,
  /** Signature verifications while building one certification path (real: a few; each pair is checked once). */
  pathSignatureChecks: 64,
  /** Partial paths tried while building one certification path. */
  pathSteps: 512,
  /** Text shown from a TSA's PKIFreeText status string (characters). */
  statusTextChars: 500,

  // --- Receipts (src/core/receipt) ---
  /** A receipt file (a 1,000,000-entry batch with SHA-256 is ~220 MB). */
  receiptBytes: 512 * MiB,
  /** Entries in one receipt, and files in one registration. */
  receiptEntries: 2_000_000,
  /** One entry as JSON text (name, digests, salt, size, proof). */
  entryBytes: 64 * KiB,
  /** Hashes in an entry's inclusion proof (log2 of the batch size; 64 covers any count). */
  proofHashes: 64,
  /** Timestamps (TSAs) in one receipt. */
  timestamps: 16,
  /** Stored TSA certificates beside one timestamp. */
  timestampCertificates: 16,
  /** One stored certificate (DER). */
  certificateBytes: 64 * KiB,
  /** The manifest (the signed JSON, before base64). */
  manifestBytes: 64 * KiB,
  /** The holder's CMS signature (DER, with its embedded timestamp tokens). */
  signatureBytes: 4 * MiB,
  /** Renewals (archive timestamps) in one receipt: one a year for a century. */
  renewals: 100,
  /**
   * Bytes hashed to join each file with the chains before a later renewal over the files
   * (hash-tree renewal: every file has its own sequence of chains): entries × the size of those
   * chains (real: 100,000 files under two such renewals, ≈ 1 GiB).
   */
  rehashChainBytes: 4 * 1024 * MiB,
  /** Revocation entries (OCSP responses, CRLs) in one receipt. */
  revocationEntries: 64,
  /** One OCSP response or CRL (DER), fetched at registration or stored in a receipt. */
  revocationBytes: 1 * MiB,
  /** Any other member of a receipt as JSON text (id, format, reserved arrays). */
  otherFieldBytes: 64 * KiB,
  /** Nesting depth of JSON inside one receipt member. */
  jsonDepth: 16,

  // --- Settings (src/core/io/fs.ts readJsonFile) ---
  /** A JSON settings file: config.json, tsa.json, the trust index (real: ≤ a few KiB). */
  configBytes: 1 * MiB,
} as const;

/** The limits as plain numbers (tests pass smaller ones to reach them cheaply). */
export type Limits = { readonly [K in keyof typeof LIMITS]: number };

/** Base64 characters needed for `bytes` bytes. */
export function base64Length(bytes: number): number {
  return 4 * Math.ceil(bytes / 3);
}

/** A byte count for messages: a round limit as "1 MiB", any other size exactly ("1,049,627 bytes"). */
/** A size for people: `812 bytes`, `1.5 KiB`, `3.2 MiB`, `1.1 GiB` (three significant digits at most). */
export function humanSize(n: number): string {
  if (n < KiB) return Math.round(n) === 1 ? '1 byte' : `${Math.round(n)} bytes`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let v = n / KiB;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v >= 100 ? Math.round(v) : v >= 10 ? v.toFixed(1).replace(/\.0$/, '') : v.toFixed(2).replace(/\.?0+$/, '')} ${units[u]}`;
}

export function formatBytes(n: number): string {
  if (n >= MiB && n % MiB === 0) return `${n / MiB} MiB`;
  if (n >= KiB && n % KiB === 0) return `${n / KiB} KiB`;
  return `${n.toLocaleString('en-US')} bytes`;
}
