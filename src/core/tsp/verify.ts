/**
 * RFC 3161 TimeStampToken verification — checklist sections B to E of
 * docs/verification.md (shared/reference/rfc3161-verification.md §2). Returns every check
 * as data; never throws for an invalid token.
 */
import { OID } from '../asn1/oids.js';
import { explicit, octets, parse, paddingAfter, seq, oid as readOid, Tag } from '../asn1/der.js';
import { bytesEqual, toHex } from '../bytes.js';
import { DIGEST_LENGTH, digestFromOid, digestParamsOk, hash, type AnyDigest } from '../crypto/algorithms.js';
import { parseSignedData, type SignedData } from '../cms/signed-data.js';
import { checkEss, checkSigner } from '../cms/verify-signer.js';
import { buildPath, untrustedRootOf, type PathProblemKind, type UntrustedRoot } from '../pki/chain.js';
import { formatName, readName } from '../pki/name.js';
import { judgePath, type JudgedEntry } from '../revocation/judge.js';
import { CheckList, revocationStatus, type Check, type RevocationStatus } from '../verify/checks.js';
import { decide, digestFindingOf, STRICT, type FindingCode, type VerificationPolicy } from '../verify/policy.js';
import { parseTstInfo, type TstInfo } from './messages.js';
import { messageOf, rethrowLimit } from '../errors.js';
import type { Certificate } from '../pki/certificate.js';
import { anchorsFor, type TrustAnchor } from '../trust.js';
import { t, type Text } from '../text.js';

export interface TokenVerifyOptions {
  /** The imprint the token must carry, computed by the caller with the token's algorithm. */
  imprint: { algorithm: AnyDigest; digest: Uint8Array };
  /** Explicitly trusted TSA anchors (roots or pinned intermediates/leaves), valid at any time. */
  anchors: readonly Certificate[];
  /** Anchors with purposes and validity windows; those for TSAs whose window holds genTime (never `at`) are added. */
  trust?: readonly TrustAnchor[];
  /** Judge certificate validity at this time instead of genTime (anchor windows stay at genTime). */
  at?: Date;
  /** Untrusted extra certificates: intermediates stored beside the token, or a TSA certificate supplied by the user. */
  extraCertificates?: readonly Certificate[];
  /** Expected nonce (registration, or as recorded); undefined: not checked. */
  nonce?: bigint;
  /** Nonce is required (registration: we always send one). */
  requireNonce?: boolean;
  /** Acceptable policy OIDs; undefined or empty: any policy (reported). */
  policies?: readonly string[];
  /** The verifier's current time, for "genTime not in the future". */
  now: Date;
  policy?: VerificationPolicy;
  /** Revocation data judged by the caller (a receipt's `revocation`): the TSA path is judged from it at genTime (or `at`). */
  revocation?: { judged: readonly JudgedEntry[]; require: boolean };
  /** Check-id prefix. Default `timestamp`. */
  prefix?: string;
  /** Label for the checks when a report has several tokens, e.g. `timestamp[0]`. */
  subject?: string;
}

export interface TimestampInfo {
  genTime: string;
  /** genTime as written in the token (GeneralizedTime text). */
  genTimeText: string;
  accuracyMicros?: number;
  serial: string;
  policy: string;
  imprintAlgorithm: string;
  nonce?: string;
  /** Subject of the TSA signing certificate. */
  tsa: string;
  tsaCertificateSha256: string;
  /** Subjects of the validated path, leaf first. */
  chain: string[];
  /** Whether the path ends at a trusted anchor and is valid (pki/chain.ts). */
  trusted: boolean;
  /** The anchor the path ends at (subject and SHA-256 of its DER), when it ends at one. */
  anchor?: { subject: string; sha256: string };
  /** Whether the TSA certificate's revocation was checked (its `timestamp.revocation` check). */
  revocation: RevocationStatus;
  /** Who runs the TSA (timestamps/policy.ts): `O=<organisation>` of its certificate, else its root; set by receipt verification. */
  operator?: string;
}

export interface TokenVerification {
  ok: boolean;
  checks: Check[];
  info?: TimestampInfo;
  /** The verified TSA certificate path (leaf first), when one was found. */
  path?: Certificate[];
  tstInfo?: TstInfo;
  signedData?: SignedData;
  /** When the only thing the path lacks is an anchor this computer trusts: where it ends. */
  untrustedRoot?: UntrustedRoot;
}

/** Peeks at a token's imprint algorithm so a caller can stream-hash data with it. */
export function tokenImprintAlgorithm(token: Uint8Array): AnyDigest | undefined {
  try {
    const sd = parseSignedData(token, 'TimeStampToken');
    if (!sd.eContent) return undefined;
    return digestFromOid(parseTstInfo(sd.eContent).imprintAlgorithm.oid);
  } catch (err) {
    rethrowLimit(err);
    return undefined;
  }
}

export function verifyTimestampToken(token: Uint8Array, o: TokenVerifyOptions): TokenVerification {
  const p = o.prefix ?? 'timestamp';
  const policy = o.policy ?? STRICT;
  const checks = new CheckList(o.subject);
  const done = (extra: Partial<TokenVerification> = {}): TokenVerification => ({ ok: checks.ok, checks: checks.items, ...extra });

  // B. CMS structure.
  let sd: SignedData;
  try {
    sd = parseSignedData(token, 'TimeStampToken');
  } catch (err) {
    rethrowLimit(err);
    checks.fail(`${p}.structure`, t`token is not a well-formed CMS ContentInfo: ${messageOf(err)}`);
    return done();
  }
  checks.expect(`${p}.content-type`, sd.contentType === OID.signedData, t`ContentInfo is id-signedData`, t`ContentInfo type is ${sd.contentType}, expected id-signedData`);
  if (sd.contentType !== OID.signedData) return done();
  checks.expect(`${p}.econtent-type`, sd.eContentType === OID.tstInfo, t`eContentType is id-ct-TSTInfo`, t`eContentType is ${sd.eContentType}, expected id-ct-TSTInfo`);
  checks.expect(`${p}.signer-count`, sd.signerInfos.length === 1, t`exactly one SignerInfo`, t`${sd.signerInfos.length} SignerInfos, expected exactly one`);
  if (!sd.eContent) {
    checks.fail(`${p}.econtent`, t`TSTInfo is not encapsulated (detached token)`);
    return done({ signedData: sd });
  }
  // RFC 5652 §5.2: eContent is an OCTET STRING (BER segments allowed); OpenSSL refuses anything else.
  if (sd.eContentWrapper) checks.fail(`${p}.econtent`, t`TSTInfo is wrapped in ${sd.eContentWrapper}, not in an OCTET STRING`);
  else checks.pass(`${p}.econtent`, t`TSTInfo is encapsulated`);
  let tst: TstInfo;
  try {
    tst = parseTstInfo(sd.eContent);
    checks.pass(`${p}.tstinfo`, t`TSTInfo is well-formed`);
  } catch (err) {
    rethrowLimit(err);
    checks.fail(`${p}.tstinfo`, t`TSTInfo is malformed: ${messageOf(err)}`);
    return done({ signedData: sd });
  }
  if (sd.eContentType !== OID.tstInfo || sd.signerInfos.length !== 1) return done({ signedData: sd, tstInfo: tst });
  const si = sd.signerInfos[0]!;
  const genTime = tst.genTime.date;
  // The time certificates are judged at: genTime (tokens outlive TSA certificates), unless --at.
  const validityAt = o.at ?? genTime;
  // Anchor windows say which TSAs were trusted for tokens made when: always judged at genTime,
  // whatever --at says (--at moves certificate validity, never what an anchor vouched for).
  const anchors = [...o.anchors, ...anchorsFor(o.trust ?? [], 'tsa', genTime)];

  // C. Signer identification, signed attributes and signature; ESS binding.
  const pool = [...sd.certificates, ...(o.extraCertificates ?? [])];
  const signer = checkSigner(checks, sd, si, { prefix: p, content: sd.eContent, candidates: [...pool, ...anchors], policy });
  checkEss(checks, `${p}.ess-certid`, si, signer, [...pool, ...anchors], 'either');

  // D. TSA certificate purpose and chain.
  let path: Certificate[] | undefined;
  let trusted = false;
  let anchored = false;
  let untrustedRoot: UntrustedRoot | undefined;
  if (signer) {
    const eku = signer.extKeyUsage;
    if (!eku) checks.fail(`${p}.eku`, t`TSA certificate has no extended key usage (timeStamping required)`);
    else if (!eku.purposes.includes(OID.timeStamping)) checks.fail(`${p}.eku`, t`TSA certificate lacks the timeStamping extended key usage`);
    else {
      const found: { code: FindingCode; detail: Text }[] = [];
      if (eku.purposes.length !== 1) found.push({ code: 'eku-extra-purposes', detail: t`${eku.purposes.length} extended key usages` });
      if (!eku.critical) found.push({ code: 'eku-not-critical', detail: t`extended key usage not critical` });
      checks.findings(`${p}.eku`, policy, found, t`extended key usage is exactly timeStamping, critical`);
    }

    const ku = signer.keyUsage;
    const extra = ku ? [...ku].filter((u) => u !== 'digitalSignature' && u !== 'nonRepudiation') : [];
    if (!ku) checks.pass(`${p}.key-usage`, t`no key usage restriction`);
    else if (ku.size === 0) checks.fail(`${p}.key-usage`, t`key usage is empty`);
    else checks.findings(`${p}.key-usage`, policy, extra.length ? [{ code: 'key-usage-extra', detail: t`key usage ${[...ku].join(', ')}` }] : [], t`key usage ${[...ku].join(', ')}`);

    checks.expect(`${p}.leaf-not-ca`, !signer.isCA, t`TSA certificate is an end entity`, t`TSA certificate is a CA certificate (cA=true)`);

    const chain = buildPath(signer, pool, anchors, { at: validityAt });
    path = chain.path;
    trusted = chain.ok;
    const interBad = chain.path.slice(1, chain.anchored ? -1 : undefined).filter((c) => {
      const e = c.extKeyUsage;
      return e && !e.purposes.includes(OID.timeStamping) && !e.purposes.includes(OID.anyExtendedKeyUsage);
    });
    if (interBad.length) checks.fail(`${p}.intermediate-eku`, t`intermediate "${interBad[0]!.subject}" restricts extended key usage without timeStamping`);
    else checks.pass(`${p}.intermediate-eku`, chain.path.length > 2 ? t`intermediates allow timeStamping` : t`no intermediate restricts timeStamping`);

    anchored = chain.anchored;
    if (chain.anchored) checks.pass(`${p}.chain`, t`chains to trusted "${chain.path[chain.path.length - 1]!.subject}" (${chain.path.length} certificate(s))`);
    else {
      const why = chain.reason ?? t`no path to a trust anchor`;
      const c = checks.fail(`${p}.chain`, anchors.length ? t`TSA certificate is not trusted: ${why}` : t`TSA certificate is not trusted: ${why} (no TSA trust anchor for this time)`);
      // A root (or a missing issuer) that no anchor of this computer is, for any purpose or time:
      // only a trust decision is missing. (One that is configured, but not for TSAs or not for
      // this genTime, is a refusal, not a decision still to make.)
      untrustedRoot = untrustedRootOf(chain, [...o.anchors, ...(o.trust ?? []).map((a) => a.certificate)]);
      if (untrustedRoot) c.cause = 'untrusted-anchor';
    }

    // Validity is judged at genTime, never "now": tokens outlive TSA certificates (pitfall P5).
    const when = o.at ? `--at ${validityAt.toISOString()}` : `genTime ${genTime.toISOString()}`;
    const problem = (kind: PathProblemKind) => chain.problems.find((x) => x.kind === kind);
    const bad = problem('validity')?.certificate;
    if (bad) checks.fail(`${p}.chain-validity`, t`"${bad.subject}" was not valid at ${when} (valid ${bad.notBefore.toISOString()} to ${bad.notAfter.toISOString()})`);
    else checks.pass(`${p}.chain-validity`, t`every certificate in the path was valid at ${when}`);
    const critical = problem('critical-extension');
    if (critical) checks.fail(`${p}.chain-extensions`, critical.reason);
    else checks.pass(`${p}.chain-extensions`, t`no certificate in the path has an unrecognised critical extension`);
    const names = problem('name-constraints');
    if (names) checks.fail(`${p}.name-constraints`, names.reason);
    else checks.pass(`${p}.name-constraints`, chain.path.some((c) => c.nameConstraints) ? t`the names in the path satisfy its name constraints` : t`no name constraints in the path`);

    const malformed = sd.revocationInfo.filter((r) => !wellFormedRevocation(r));
    if (malformed.length) checks.findings(`${p}.revocation`, policy, [{ code: 'revocation-data-malformed', detail: t`${malformed.length} of ${sd.revocationInfo.length} revocation entries malformed` }]);
    else if (o.revocation) {
      const r = judgePath(chain.path, chain.anchored, o.revocation.judged, validityAt, { skewMs: policy.clockSkewMs, require: o.revocation.require, what: t`TSA path` });
      checks.add(`${p}.revocation`, r.status, r.detail);
    } else if (sd.revocationInfo.length) checks.skip(`${p}.revocation`, t`${sd.revocationInfo.length} revocation entry(ies) present but not evaluated in this version`);
    else checks.skip(`${p}.revocation`, t`no revocation data for the TSA certificate in this proof; revocation not checked`);
  } else {
    for (const id of ['eku', 'key-usage', 'leaf-not-ca', 'intermediate-eku', 'chain', 'chain-validity', 'chain-extensions', 'name-constraints']) {
      checks.fail(`${p}.${id}`, t`not checked: the TSA signer certificate was not found or its signature did not verify`);
    }
  }

  // E. TSTInfo content.
  checks.expect(`${p}.version`, tst.version === 1, t`TSTInfo version 1`, t`TSTInfo version ${tst.version}, expected 1`);

  const alg = digestFromOid(tst.imprintAlgorithm.oid);
  if (!alg) checks.fail(`${p}.imprint`, t`unknown message imprint algorithm ${tst.imprintAlgorithm.oid}`);
  else if (digestFindingOf(alg) && decide(policy, digestFindingOf(alg)!) === 'fail') checks.findings(`${p}.imprint`, policy, [{ code: digestFindingOf(alg)!, detail: t`message imprint uses ${alg.toUpperCase()}` }]);
  else if (!digestParamsOk(tst.imprintAlgorithm)) checks.fail(`${p}.imprint`, t`message imprint algorithm parameters must be absent or NULL`);
  else if (tst.imprint.length !== DIGEST_LENGTH[alg]) checks.fail(`${p}.imprint`, t`imprint is ${tst.imprint.length} bytes, ${alg.toUpperCase()} needs ${DIGEST_LENGTH[alg]}`);
  else if (alg !== o.imprint.algorithm) checks.fail(`${p}.imprint`, t`imprint algorithm ${alg.toUpperCase()} differs from the expected ${o.imprint.algorithm.toUpperCase()}`);
  else if (!bytesEqual(tst.imprint, o.imprint.digest)) checks.fail(`${p}.imprint`, t`imprint ${toHex(tst.imprint)} does not match the data's ${alg.toUpperCase()} ${toHex(o.imprint.digest)}`);
  else checks.findings(`${p}.imprint`, policy, digestFindingOf(alg) ? [{ code: digestFindingOf(alg)!, detail: t`${alg.toUpperCase()} imprint matches the data` }] : [], t`${alg.toUpperCase()} imprint matches the data`);

  if (o.nonce !== undefined) {
    if (tst.nonce === undefined) checks.fail(`${p}.nonce`, t`token has no nonce, but one was requested`);
    else checks.expect(`${p}.nonce`, tst.nonce === o.nonce, t`nonce matches the request`, t`nonce ${tst.nonce.toString(16)} differs from the requested ${o.nonce.toString(16)}`);
  } else if (o.requireNonce) checks.fail(`${p}.nonce`, t`no nonce to compare with`);
  else checks.skip(`${p}.nonce`, tst.nonce === undefined ? t`token has no nonce; no expected nonce given` : t`no expected nonce given`);

  if (o.policies?.length) {
    checks.expect(`${p}.policy`, o.policies.includes(tst.policy), t`policy ${tst.policy} is accepted`, t`policy ${tst.policy} is not among the accepted ${o.policies.join(', ')}`);
  } else checks.skip(`${p}.policy`, t`policy ${tst.policy} (no expected policy given)`);

  if (!tst.tsaName) checks.skip(`${p}.tsa-name`, t`no tsa name in TSTInfo (optional)`);
  else if (tst.tsaName.directoryName && signer) {
    const dn = tst.tsaName.directoryName;
    const match = bytesEqual(dn, signer.subjectRaw) || signer.altDirectoryNames.some((n) => bytesEqual(n, dn));
    let shown = '';
    try {
      shown = formatName(readName(parse(dn, 'tsa'), 'tsa'));
    } catch (err) {
      rethrowLimit(err);
      shown = '(malformed name)';
    }
    checks.findings(`${p}.tsa-name`, policy, match ? [] : [{ code: 'tsa-name-mismatch', detail: t`tsa name "${shown}" is not the signer "${signer.subject}"` }], t`tsa name matches the signer`);
  } else if (tst.tsaName.directoryName) checks.fail(`${p}.tsa-name`, t`cannot compare the tsa name without a verified signer`);
  else checks.fail(`${p}.tsa-name`, t`tsa name is a ${tst.tsaName.other ?? 'GeneralName'}, which cannot be matched to the signer`);

  const acc = tst.accuracyMicros;
  if (genTime.getTime() > o.now.getTime() + policy.clockSkewMs + (acc ?? 0) / 1000) {
    checks.fail(`${p}.gen-time`, t`genTime ${tst.genTime.text} is in the future (now ${o.now.toISOString()})`);
  } else checks.pass(`${p}.gen-time`, tst.genTime.fraction ? t`genTime ${tst.genTime.text} (fractional seconds)` : t`genTime ${tst.genTime.text}`);
  if (acc === undefined) checks.pass(`${p}.accuracy`, t`no accuracy stated; genTime is not exact`);
  else checks.pass(`${p}.accuracy`, t`accuracy ±${formatMicros(acc)}`);

  const serialFindings: { code: FindingCode; detail: Text }[] = [];
  if (tst.serial <= 0n) serialFindings.push({ code: 'serial-not-positive', detail: t`serial number ${tst.serial}` });
  if (tst.serialBytes.length > 21) serialFindings.push({ code: 'serial-over-160-bits', detail: t`serial number of ${tst.serialBytes.length * 8} bits` });
  checks.findings(`${p}.serial`, policy, serialFindings, t`serial number ${tst.serial.toString(16)}`);
  const crit = tst.extensions.filter((e) => e.critical);
  checks.expect(`${p}.extensions`, crit.length === 0, tst.extensions.length ? t`${tst.extensions.length} non-critical extension(s)` : t`no extensions`, t`unknown critical TSTInfo extension ${crit[0]?.oid ?? ''}`);

  const result = done({ signedData: sd, tstInfo: tst });
  if (untrustedRoot) result.untrustedRoot = untrustedRoot;
  if (signer) {
    result.path = path!;
    const info: TimestampInfo = {
      genTime: genTime.toISOString(),
      genTimeText: tst.genTime.text,
      serial: tst.serial.toString(16),
      policy: tst.policy,
      imprintAlgorithm: alg ?? tst.imprintAlgorithm.oid,
      tsa: signer.subject,
      tsaCertificateSha256: signer.sha256,
      chain: path!.map((c) => c.subject),
      trusted,
      revocation: revocationStatus(checks.items.find((c) => c.id === `${p}.revocation`)),
    };
    const top = path![path!.length - 1]!;
    if (anchored) info.anchor = { subject: top.subject, sha256: top.sha256 };
    if (acc !== undefined) info.accuracyMicros = acc;
    if (tst.nonce !== undefined) info.nonce = tst.nonce.toString(16);
    result.info = info;
  }
  return result;
}

export function formatMicros(us: number): string {
  if (us % 1_000_000 === 0) return `${us / 1_000_000} s`;
  if (us % 1000 === 0) return `${us / 1000} ms`;
  return `${us} µs`;
}

/**
 * Tokens cut out of PDF signatures often carry the zero padding of /Contents after them.
 * For a standalone token file that padding is removed (and reported); anything else after
 * the token stays an error. TSA network answers are never trimmed.
 */
export function trimZeroPadding(bytes: Uint8Array, what = 'token'): { bytes: Uint8Array; padding: number } {
  const p = paddingAfter(bytes, what);
  return p?.zeroPadded ? { bytes: bytes.subarray(0, p.end), padding: bytes.byteLength - p.end } : { bytes, padding: 0 };
}

/** Classifies bytes as a TimeStampResp or a bare TimeStampToken (ContentInfo). */
export function classifyTimestampBytes(bytes: Uint8Array): 'response' | 'token' | undefined {
  try {
    const f = seq(parse(bytes, 'timestamp'), 'timestamp');
    if (f[0]?.isUniversal(Tag.SEQUENCE)) return 'response';
    if (f[0]?.isUniversal(Tag.OID)) {
      readOid(f[0], 'contentType');
      return 'token';
    }
  } catch (err) {
    rethrowLimit(err);
    return undefined;
  }
  return undefined;
}

/**
 * Every signature-time-stamp (id-aa-signatureTimeStampToken) of every SignerInfo in a CMS
 * signature, each verified against the hash of its SignerInfo's signature value (CAdES-T).
 */
export function verifyCmsSignatureTimestamps(cms: Uint8Array, o: Omit<TokenVerifyOptions, 'imprint' | 'subject'>): TokenVerification[] {
  const sd = parseSignedData(cms, 'CMS signature');
  const out: TokenVerification[] = [];
  sd.signerInfos.forEach((si, i) => {
    const tokens = si.unsignedAttrs.filter((a) => a.oid === OID.signatureTimeStampToken || a.oid === OID.msRfc3161TimeStamp).flatMap((a) => a.values.map((v) => v.raw));
    tokens.forEach((token, j) => {
      const alg = tokenImprintAlgorithm(token) ?? 'sha256';
      out.push(
        verifyTimestampToken(token, {
          ...o,
          // Certificates of the enclosing signature may complete the TSA's chain.
          extraCertificates: [...(o.extraCertificates ?? []), ...sd.certificates],
          imprint: { algorithm: alg, digest: hash(alg, si.signature) },
          subject: `signer[${i}].timestamp[${j}]`,
        }),
      );
    });
  });
  return out;
}

/**
 * RevocationInfoChoice (RFC 5652 §10.2.1): a CRL, or [1] OtherRevocationInfoFormat — for OCSP
 * (id-ri-ocsp-response) an OCSPResponse (RFC 6960 §4.2.1). Only the structure is checked.
 */
function wellFormedRevocation(raw: Uint8Array): boolean {
  try {
    const n = parse(raw, 'RevocationInfoChoice');
    if (n.isUniversal(Tag.SEQUENCE)) {
      const [tbs, alg, sig] = seq(n, 'CertificateList');
      seq(tbs, 'tbsCertList');
      seq(alg, 'signatureAlgorithm');
      return !!sig?.isUniversal(Tag.BIT_STRING);
    }
    if (!n.isContext(1) || !n.constructed) return false;
    const [format, info] = n.children;
    if (readOid(format, 'otherRevInfoFormat') !== OCSP_RESPONSE_FORMAT) return !!info;
    const [, responseBytes] = seq(info, 'OCSPResponse');
    if (!responseBytes) return true; // an unsuccessful response carries no bytes
    const [, basic] = seq(explicit(responseBytes, 0, 'responseBytes'), 'ResponseBytes');
    const [data, alg, sig] = seq(parse(octets(basic, 'response'), 'BasicOCSPResponse'), 'BasicOCSPResponse');
    seq(data, 'tbsResponseData');
    seq(alg, 'signatureAlgorithm');
    return !!sig?.isUniversal(Tag.BIT_STRING);
  } catch (err) {
    rethrowLimit(err);
    return false;
  }
}

const OCSP_RESPONSE_FORMAT = '1.3.6.1.5.5.7.16.2';
