/**
 * Checks shared by every CMS signer tsproof verifies — the TSA in a timestamp token and
 * the holder in a receipt signature: signer found by `sid`, signed attributes, algorithm
 * policy, CMSAlgorithmProtection and the signature over the original signedAttrs bytes.
 */
import { seq, oid as readOid, octets, integerBytes, explicit, time, TagClass, type Node } from '../asn1/der.js';
import { OID } from '../asn1/oids.js';
import { digestFromOid, hash, readAlgorithmIdentifier, resolveSignatureScheme, verifySignature, describeScheme, digestParamsOk, type AnyDigest, type SignatureScheme } from '../crypto/algorithms.js';
import { bytesEqual, toHex } from '../bytes.js';
import { retag, toDer } from '../asn1/der.js';
import { algorithmFindings, type VerificationPolicy } from '../verify/policy.js';
import { attr, sidMatches, type SignedData, type SignerInfo } from './signed-data.js';
import type { Certificate } from '../pki/certificate.js';
import type { CheckList } from '../verify/checks.js';
import { messageOf, rethrowLimit } from '../errors.js';
import type { KeyObject } from 'node:crypto';
import { joinTexts, t, verbatim, type Text } from '../text.js';

export interface SignerCheckOptions {
  /** Prefix of the check ids, e.g. `timestamp` or `signature`. */
  prefix: string;
  /** The bytes whose digest the message-digest attribute must equal. */
  content: Uint8Array;
  /** Certificates in which to look for the signer (embedded first, then supplied). */
  candidates: readonly Certificate[];
  policy: VerificationPolicy;
}

/**
 * Runs the signer checks, appending to `checks`. Returns the signer certificate when the
 * signature verified (so later checks can use it), else undefined.
 */
export function checkSigner(checks: CheckList, sd: SignedData, si: SignerInfo, o: SignerCheckOptions): Certificate | undefined {
  const p = o.prefix;

  // Find the signer by its sid, never by position in the certificate set (pitfall P1).
  const signer = o.candidates.find((c) => sidMatches(si.sid, c));
  if (signer) checks.pass(`${p}.signer-certificate`, t`signer is "${signer.subject}" (serial ${signer.serialHex})`);
  else
    checks.fail(
      `${p}.signer-certificate`,
      si.sid.kind === 'issuerAndSerial' ? t`no available certificate matches the signer identifier (issuer and serial ${toHex(si.sid.serialBytes)})` : t`no available certificate matches the signer key identifier ${toHex(si.sid.keyId)}`,
    );

  // RFC 5652 §5.3: version 1 goes with an issuerAndSerialNumber sid, version 3 with a subjectKeyIdentifier.
  const wantVersion = si.sid.kind === 'issuerAndSerial' ? 1 : 3;
  checks.expect(
    `${p}.signer-info-version`,
    si.version === wantVersion,
    t`SignerInfo version ${si.version} with ${si.sid.kind === 'issuerAndSerial' ? 'issuerAndSerialNumber' : 'subjectKeyIdentifier'}`,
    t`SignerInfo version ${si.version} with ${si.sid.kind === 'issuerAndSerial' ? 'issuerAndSerialNumber' : 'subjectKeyIdentifier'}: RFC 5652 requires version ${wantVersion}`,
  );
  // RFC 5652 §5.1: digestAlgorithms names the signer's digest algorithm (OpenSSL refuses the
  // message otherwise: "no matching digest"). Compared by OID, as parameters may be NULL or absent.
  checks.expect(
    `${p}.digest-algorithms`,
    sd.digestAlgorithms.some((a) => a.oid === si.digestAlgorithm.oid),
    t`SignedData.digestAlgorithms names the signer's digest algorithm`,
    sd.digestAlgorithms.length
      ? t`SignedData.digestAlgorithms (${sd.digestAlgorithms.map((a) => a.oid).join(', ')}) does not name the signer's digest algorithm ${si.digestAlgorithm.oid}`
      : t`SignedData.digestAlgorithms is empty: it does not name the signer's digest algorithm ${si.digestAlgorithm.oid}`,
  );

  // Signed attributes: content-type must equal eContentType, message-digest must equal H(content).
  const digest = digestFromOid(si.digestAlgorithm.oid);
  if (!si.signedAttrsRaw) {
    checks.fail(`${p}.signed-attributes`, t`the signer has no signed attributes`);
  } else {
    const ct = attr(si.signedAttrs, OID.contentType);
    const md = attr(si.signedAttrs, OID.messageDigest);
    const problems: Text[] = [];
    if (ct.length !== 1 || ct[0]!.values.length !== 1) problems.push(t`content-type attribute missing or repeated`);
    else {
      const v = safe(() => readOid(ct[0]!.values[0], 'content-type'));
      if (v !== sd.eContentType) problems.push(t`content-type attribute ${v ?? '(malformed)'} differs from eContentType ${sd.eContentType}`);
    }
    if (md.length !== 1 || md[0]!.values.length !== 1) problems.push(t`message-digest attribute missing or repeated`);
    else if (!digest) problems.push(t`unknown digest algorithm ${si.digestAlgorithm.oid}`);
    else {
      const v = safe(() => octets(md[0]!.values[0], 'message-digest'));
      if (!v || !bytesEqual(v, hash(digest, o.content))) problems.push(t`message-digest does not match the ${digest.toUpperCase()} of the signed content`);
    }
    if (problems.length) checks.fail(`${p}.signed-attributes`, joinTexts(problems, '; '));
    else checks.pass(`${p}.signed-attributes`, t`content-type and message-digest (${digest!.toUpperCase()}) match the signed content`);
  }

  // Algorithms: resolve the scheme and apply the policy.
  let scheme: SignatureScheme | undefined;
  try {
    scheme = resolveSignatureScheme(si.signatureAlgorithm, digest ?? 'sha256', `${p}.signatureAlgorithm`);
  } catch (err) {
    rethrowLimit(err);
    checks.fail(`${p}.algorithm`, messageOf(err));
  }
  if (scheme) {
    const desc = verbatim(`${describeScheme(scheme)}${signer ? `, ${signer.keyDescription}` : ''}`);
    if (!digest) checks.fail(`${p}.algorithm`, t`unknown digest algorithm ${si.digestAlgorithm.oid}`);
    else if (!digestParamsOk(si.digestAlgorithm)) checks.fail(`${p}.algorithm`, t`digest algorithm parameters must be absent or NULL`);
    else checks.findings(`${p}.algorithm`, o.policy, algorithmFindings(scheme, digest, signer), desc);
  }

  // RFC 8933 CMSAlgorithmProtection, when present, must name the algorithms actually used.
  const cap = attr(si.signedAttrs, OID.cmsAlgorithmProtection);
  if (cap.length === 0) checks.skip(`${p}.algorithm-protection`, t`no CMSAlgorithmProtection attribute (optional)`);
  else {
    const problem = safeProblem(() => algorithmProtectionProblem(cap[0]!.values, si));
    if (problem) checks.fail(`${p}.algorithm-protection`, problem);
    else checks.pass(`${p}.algorithm-protection`, t`CMSAlgorithmProtection matches the algorithms used`);
  }

  // The signature over the signed attributes, as received with tag [0] replaced by SET (RFC 5652 §5.4).
  let verified = false;
  if (!signer) checks.fail(`${p}.signature`, t`cannot verify the signature without the signer certificate`);
  else if (!si.signedAttrsRaw || !scheme) checks.fail(`${p}.signature`, t`cannot verify the signature (no signed attributes or unknown algorithm)`);
  else if (!signer.publicKey) checks.fail(`${p}.signature`, t`cannot load the signer's public key (${signer.keyDescription})`);
  else {
    verified = verifySignature(scheme, signer.publicKey, retag(si.signedAttrsRaw, 0x31), si.signature);
    if (verified) checks.pass(`${p}.signature`, t`signature verifies with the key of "${signer.subject}"`);
    else {
      // RFC 5652 §5.4: the signature is over the DER encoding. Some signers send BER signed
      // attributes but signed their DER form (OpenSSL re-encodes too): try that, and say so.
      const reencoded = safe(() => retag(toDer(si.signedAttrsNode!), 0x31));
      verified = !!reencoded && !bytesEqual(reencoded, retag(si.signedAttrsRaw, 0x31)) && verifySignature(scheme, signer.publicKey, reencoded, si.signature);
      // Some signers label an ECDSA signature with an RSA algorithm OID (or the reverse);
      // OpenSSL goes by the key type. Do the same, and say so.
      const keyScheme = schemeForKey(scheme, signer.publicKey);
      const mislabeled = !verified && !!keyScheme && [retag(si.signedAttrsRaw, 0x31), reencoded].some((d) => !!d && verifySignature(keyScheme, signer.publicKey!, d, si.signature));
      if (verified) checks.findings(`${p}.signature`, o.policy, [{ code: 'signed-attributes-not-der', detail: t`signature verifies with the key of "${signer.subject}"` }]);
      else if (mislabeled) {
        verified = true;
        checks.findings(`${p}.signature`, o.policy, [{ code: 'signature-algorithm-mislabelled', detail: t`signature verifies with the key of "${signer.subject}", labelled ${describeScheme(scheme)} for a ${signer.keyDescription} key` }]);
      } else checks.fail(`${p}.signature`, t`signature does not verify with the key of "${signer.subject}"`);
    }
  }
  return verified ? signer : undefined;
}

/** The scheme the key's type implies, with the declared hash, when it differs from the declared one. */
function schemeForKey(declared: SignatureScheme, key: KeyObject): SignatureScheme | undefined {
  if (declared.kind === 'ed25519') return undefined;
  const t = key.asymmetricKeyType;
  if (t === 'ec' && declared.kind !== 'ecdsa') return { kind: 'ecdsa', hash: declared.hash };
  if (t === 'rsa' && declared.kind === 'ecdsa') return { kind: 'rsa-pkcs1', hash: declared.hash };
  return undefined;
}

function algorithmProtectionProblem(values: readonly Node[], si: SignerInfo): Text | undefined {
  if (values.length !== 1) return t`CMSAlgorithmProtection must have exactly one value`;
  const f = seq(values[0], 'CMSAlgorithmProtection');
  const d = readAlgorithmIdentifier(f[0], 'CMSAlgorithmProtection.digestAlgorithm');
  if (d.oid !== si.digestAlgorithm.oid) return t`CMSAlgorithmProtection digest ${d.oid} differs from ${si.digestAlgorithm.oid}`;
  const s = f.find((n) => n.tagClass === TagClass.Context && n.tag === 1);
  if (s) {
    const sigOid = readOid(s.children[0], 'CMSAlgorithmProtection.signatureAlgorithm');
    if (sigOid !== si.signatureAlgorithm.oid) return t`CMSAlgorithmProtection signature algorithm ${sigOid} differs from ${si.signatureAlgorithm.oid}`;
  }
  return undefined;
}

function safe<T>(f: () => T): T | undefined {
  try {
    return f();
  } catch (err) {
    rethrowLimit(err);
    return undefined;
  }
}

function safeProblem(f: () => Text | undefined): Text | undefined {
  try {
    return f();
  } catch (err) {
    rethrowLimit(err);
    return messageOf(err);
  }
}

/** One ESSCertID / ESSCertIDv2 (RFC 2634 §5.4.1, RFC 5035 §4). */
interface EssCertId {
  hashAlg: AnyDigest | undefined;
  hashOid: string;
  certHash: Uint8Array;
  issuerSerial?: { issuerNames: Uint8Array[]; serialBytes: Uint8Array };
}

function parseEssCertIds(value: Node, v2: boolean): EssCertId[] {
  const [certs] = seq(value, 'SigningCertificate');
  return seq(certs, 'SigningCertificate.certs').map((c) => {
    const f = seq(c, 'ESSCertID');
    let i = 0;
    let hashOid: string = OID.sha1;
    if (v2) {
      hashOid = OID.sha256;
      if (f[0]?.isUniversal(16)) hashOid = readAlgorithmIdentifier(f[i++], 'ESSCertIDv2.hashAlgorithm').oid;
    }
    const certHash = octets(f[i++], 'ESSCertID.certHash');
    const id: EssCertId = { hashAlg: digestFromOid(hashOid), hashOid, certHash };
    if (f[i]) {
      const [names, serial] = seq(f[i], 'ESSCertID.issuerSerial');
      const issuerNames = seq(names, 'IssuerSerial.issuer')
        .filter((g) => g.isContext(4))
        .map((g) => explicit(g, 4, 'IssuerSerial.directoryName').raw);
      id.issuerSerial = { issuerNames, serialBytes: integerBytes(serial, 'IssuerSerial.serialNumber') };
    }
    return id;
  });
}

function essMatches(id: EssCertId, cert: Certificate): boolean {
  if (!id.hashAlg || !bytesEqual(hash(id.hashAlg, cert.der), id.certHash)) return false;
  if (id.issuerSerial) {
    if (!id.issuerSerial.issuerNames.some((n) => bytesEqual(n, cert.issuerRaw))) return false;
    if (!bytesEqual(id.issuerSerial.serialBytes, cert.serialBytes)) return false;
  }
  return true;
}

/**
 * ESS signing-certificate binding (checklist #15): SigningCertificate (v1, SHA-1) and/or
 * SigningCertificateV2 present and single-valued; the first ESSCertID identifies the
 * signer certificate; when both attributes are present each is evaluated (RFC 5035 §5.4).
 * `required` is 'either' for TSA tokens (RFC 3161/5816) and 'v2' for CAdES signatures.
 * With `allIds`, every further ESSCertID must match an available certificate (tsproof binds
 * the holder's CA chain this way); otherwise unmatched ones are only noted (real TSAs list
 * attribute certificates there).
 */
export function checkEss(checks: CheckList, id: string, si: SignerInfo, signer: Certificate | undefined, others: readonly Certificate[], required: 'either' | 'v2', allIds = false): void {
  const v1 = attr(si.signedAttrs, OID.signingCertificate);
  const v2 = attr(si.signedAttrs, OID.signingCertificateV2);
  if (required === 'v2' && v2.length === 0) return void checks.fail(id, t`signing-certificate-v2 attribute is missing (required by CAdES)`);
  if (v1.length === 0 && v2.length === 0) return void checks.fail(id, t`no ESS signing-certificate attribute (v1 or v2)`);
  if (v1.length > 1 || v2.length > 1 || [...v1, ...v2].some((a) => a.values.length !== 1)) {
    return void checks.fail(id, t`ESS signing-certificate attribute is repeated or multi-valued`);
  }
  if (!signer) return void checks.fail(id, t`cannot check the ESS binding without a verified signer certificate`);
  const notes: Text[] = [];
  const evaluate = (a: (typeof v1)[number], isV2: boolean): Text | undefined => {
    let ids: EssCertId[];
    try {
      ids = parseEssCertIds(a.values[0]!, isV2);
    } catch (err) {
      rethrowLimit(err);
      return t`${isV2 ? 'ESSCertIDv2' : 'ESSCertID'} is malformed: ${messageOf(err)}`;
    }
    const first = ids[0];
    if (!first) return t`${isV2 ? 'signing-certificate-v2' : 'signing-certificate'} lists no certificate`;
    if (!first.hashAlg) return t`unknown ESSCertIDv2 hash algorithm ${first.hashOid}`;
    if (!essMatches(first, signer)) return t`${isV2 ? 'ESSCertIDv2' : 'ESSCertID'} does not identify the signer certificate`;
    const unmatched = ids.slice(1).filter((x) => !others.some((c) => essMatches(x, c)));
    if (unmatched.length && allIds) return t`${unmatched.length} certificate(s) bound by the signature are missing or altered`;
    if (unmatched.length) notes.push(t`${unmatched.length} further certificate id(s) not matched to an available certificate`);
    if (ids.length > 1 && !unmatched.length) notes.push(t`${ids.length - 1} chain certificate(s) bound`);
    notes.push(t`${isV2 ? `v2 (${first.hashAlg.toUpperCase()})` : 'v1 (SHA-1)'} identifies the signer`);
    return undefined;
  };
  for (const [a, isV2] of [
    [v1[0], false],
    [v2[0], true],
  ] as const) {
    if (!a) continue;
    const problem = evaluate(a, isV2);
    if (problem) return void checks.fail(id, problem);
  }
  checks.pass(id, joinTexts(notes, '; '));
}

/** The signing-time attribute, if present and well-formed. */
export function signingTime(si: SignerInfo): Date | undefined {
  const a = attr(si.signedAttrs, OID.signingTime)[0];
  if (a?.values.length !== 1) return undefined;
  return safe(() => time(a.values[0], 'signing-time').date);
}
