/**
 * The signed JSON documents of escrow (docs/escrow.md): the depositor's deposit statement (inside
 * the deposit), the agent's verification statement (검증임치, registered and timestamped like any
 * file), and the beneficiary's release event. Each is canonical JSON (sorted keys, UTF-8);
 * deposit statements and release events travel as CMS SignedData with the JSON encapsulated, so
 * `openssl cms -verify` reads them.
 */
import type { KeyObject } from 'node:crypto';
import { OID } from '../asn1/oids.js';
import { assembleSignedData, prepareSignature } from '../cms/build.js';
import { parseSignedData } from '../cms/signed-data.js';
import { checkSigner } from '../cms/verify-signer.js';
import { canonicalJson, isObject } from '../receipt/manifest.js';
import { CheckList, type Check } from '../verify/checks.js';
import { STRICT } from '../verify/policy.js';
import { messageOf } from '../errors.js';
import type { Certificate } from '../pki/certificate.js';
import type { RecipientKind } from './recipients.js';
import type { ContentCipherName } from './seal-stream.ts';
import type { HashAlgorithm } from '../crypto/algorithms.js';
import { t } from '../text.js';

export interface PartyRef {
  subject: string;
  certificateSha256: string;
}

export interface DepositRecipientRef extends PartyRef {
  /** The first recipient is the escrow agent; the others are beneficiaries. */
  role: 'agent' | 'beneficiary';
  scheme: RecipientKind;
  /** The certificate's issuer and serial (hex), as the envelope's RecipientInfo names it. */
  issuer: string;
  serial: string;
}

/** What the depositor declares about a deposit; signed by the registration's holder. */
export interface DepositStatement {
  format: 'tsproof.escrow.deposit';
  version: 1;
  /** The deposit's identifier (UUID). */
  id: string;
  /** The depositor's clock when sealing (the registration's timestamp is the proven time). */
  created: string;
  /** The registration whose files the archive holds, and the SHA-256 of the receipt attribute's bytes. */
  receipt: { id: string; sha256: string; algorithm: HashAlgorithm; merkleRoot: string; files: number; bytes: number };
  archive: { format: 'tar'; bytes: number };
  /** The content encryption, and its integrity value: the GCM tag, or the GMAC of a CBC deposit (hex). */
  encryption: { content: ContentCipherName; mac: string };
  recipients: DepositRecipientRef[];
  /** The deposit this one updates (갱신): its id and the SHA-256 of its file. */
  previous?: { id: string; sha256: string };
}

/** The agent's statement (검증임치) that a deposit holds exactly the registered files. */
export interface VerificationStatement {
  format: 'tsproof.escrow.verification';
  version: 1;
  result: 'verified';
  statement: string;
  deposit: { file: string; sha256: string; bytes: number; id?: string; created?: string; previous?: { id: string; sha256: string } };
  depositor: PartyRef & { identity: string };
  registration: { receipt: string; provenTime: string; algorithm: HashAlgorithm; merkleRoot: string; files: number; bytes: number };
  agent: PartyRef;
  verifiedAt: string;
  files: { name: string; size: number; digest: string }[];
}

/** A beneficiary's record that a deposit was released (opened and extracted). */
export interface ReleaseEvent {
  format: 'tsproof.escrow.release';
  version: 1;
  deposit: { sha256: string; bytes: number; id?: string };
  registration: { receipt: string; merkleRoot: string };
  beneficiary: PartyRef;
  released: string;
  files: number;
  bytes: number;
}

export function partyOf(cert: Certificate): PartyRef {
  return { subject: cert.subject, certificateSha256: cert.sha256 };
}

export function documentBytes(doc: object): Uint8Array {
  return new Uint8Array(Buffer.from(canonicalJson(doc), 'utf8'));
}

/** CMS SignedData with the canonical JSON of `doc` encapsulated, signed (CAdES-BES) at `at`. */
export function signDocument(doc: object, signer: { key: KeyObject; chain: readonly Certificate[] }, at: Date): Uint8Array {
  const prepared = prepareSignature({
    key: signer.key,
    certificate: signer.chain[0]!,
    certificates: [...signer.chain],
    eContentType: OID.data,
    content: documentBytes(doc),
    encapsulate: true,
    signingTime: at,
    ess: 'v2',
    essChain: signer.chain.slice(1),
  });
  return assembleSignedData(prepared);
}

export interface SignedDocument {
  checks: Check[];
  /** The signer, when the signature verified. */
  signer?: Certificate;
  /** The parsed JSON, when the signature verified and the content is a JSON object. */
  document?: Record<string, unknown>;
}

/** Checks a SignedData made by `signDocument`: one signer, a valid signature over the encapsulated JSON. */
export function checkSignedDocument(cms: Uint8Array, prefix: string): SignedDocument {
  const checks = new CheckList();
  let sd;
  try {
    sd = parseSignedData(cms, prefix);
  } catch (err) {
    checks.fail(`${prefix}.structure`, t`not a well-formed CMS SignedData: ${messageOf(err)}`);
    return { checks: checks.items };
  }
  const si = sd.signerInfos[0];
  if (sd.contentType !== OID.signedData || !sd.eContent || sd.signerInfos.length !== 1 || !si) {
    checks.fail(`${prefix}.structure`, t`expected a SignedData with encapsulated content and one signer`);
    return { checks: checks.items };
  }
  const signer = checkSigner(checks, sd, si, { prefix, content: sd.eContent, candidates: [...sd.certificates], policy: STRICT });
  if (!checks.ok || !signer) return { checks: checks.items };
  let document: unknown;
  try {
    document = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(sd.eContent));
  } catch {
    document = undefined;
  }
  if (!isObject(document)) {
    checks.fail(`${prefix}.content`, t`the signed content is not a JSON object`);
    return { checks: checks.items, signer };
  }
  return { checks: checks.items, signer, document };
}

/** The deposit statement's shape (after its signature verified), or a description of what is wrong. */
export function asDepositStatement(v: Record<string, unknown>): DepositStatement | undefined {
  const r = v.receipt;
  const ok =
    v.format === 'tsproof.escrow.deposit' &&
    v.version === 1 &&
    typeof v.id === 'string' &&
    typeof v.created === 'string' &&
    isObject(r) &&
    typeof r.id === 'string' &&
    typeof r.sha256 === 'string' &&
    isObject(v.encryption) &&
    typeof v.encryption.mac === 'string' &&
    Array.isArray(v.recipients) &&
    v.recipients.every((x) => isObject(x) && typeof x.subject === 'string' && typeof x.certificateSha256 === 'string') &&
    (v.previous === undefined || (isObject(v.previous) && typeof v.previous.id === 'string' && typeof v.previous.sha256 === 'string'));
  return ok ? (v as unknown as DepositStatement) : undefined;
}
