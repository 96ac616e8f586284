/**
 * Receipt verification: the manifest, the holder's CAdES signature over it, every
 * signature-time-stamp over the signature value (CAdES-T, checklist F), and the holder
 * certificate at the proven time. Offline; returns every check as data.
 */
import { OID } from '../asn1/oids.js';
import { bytesEqual } from '../bytes.js';
import { hash, type HashAlgorithm } from '../crypto/algorithms.js';
import { parseSignedData, attr, type SignedData, type SignerInfo } from '../cms/signed-data.js';
import { checkEss, checkSigner, signingTime } from '../cms/verify-signer.js';
import { Certificate } from '../pki/certificate.js';
import { buildPath, untrustedRootOf, type UntrustedRoot } from '../pki/chain.js';
import { isSelfAsserted } from '../identity/store.js';
import { decodeManifest, entryJson, entryProblems, type Entry, type Manifest } from '../receipt/manifest.js';
import { decodeField, isFullReceipt, treeOfEntries, type Receipt, type ReceiptEntry } from '../receipt/receipt.js';
import { leafHash, treeRoot, verifyInclusion } from '../receipt/merkle.js';
import { fromHex, toHex } from '../bytes.js';
import { tokenImprintAlgorithm, verifyTimestampToken, type TimestampInfo } from '../tsp/verify.js';
import { checkRenewals, type RenewalInfo } from '../longterm/verify-renewals.js';
import { coverage, restsOnCheck, type Layer } from '../longterm/coverage.js';
import { revocationEntryProblems, judgeEntries, judgePath, type JudgedEntry } from '../revocation/judge.js';
import { CheckList, revocationStatus, type Check, type RevocationStatus } from './checks.js';
import { checkHolderPins, checkTsaPins, hasPins, type Pins } from './pins.js';
import { reasonOf, type Reason } from './verdict.js';
import type { ReceiptKind } from '../receipt/source.js';
import { STRICT, type VerificationPolicy } from './policy.js';
import { messageOf, rethrowLimit } from '../errors.js';
import { anchorsFor, type TrustAnchor } from '../trust.js';
import { joinTexts, t, type Text } from '../text.js';
import { distinct, operatorOf, type Operator, type TimestampPolicy } from '../timestamps/policy.js';

export interface VerifyContext {
  /** Trust anchors for holders and TSAs, valid at any time (never taken from the receipt). */
  anchors: readonly Certificate[];
  /** Anchors with purposes and validity windows. */
  trust?: readonly TrustAnchor[];
  /** Judge certificate validity at this time instead of the proven time (genTime). */
  at?: Date;
  now: Date;
  policy?: VerificationPolicy;
  /** Acceptable TSA policy OIDs; empty: any. */
  acceptedPolicies?: readonly string[];
  /** For registration's self-check only: the caller computed the Merkle root from these entries. */
  merkleAlreadyComputed?: boolean;
  /** Revocation not checked (no usable data) fails the holder's and the TSAs' `*.revocation` checks (`--require-revocation`). */
  requireRevocation?: boolean;
  /** Expectations about the holder and the TSAs that must hold (verify/pins.ts). */
  pins?: Pins;
  /**
   * Certificates that came with the receipt but outside it (an evidence pack's certs/): never
   * anchors, only candidates for building paths — so that a root can be named and its
   * fingerprint shown even when the proof does not carry it.
   */
  extraCertificates?: readonly Certificate[];
}

export type IdentityStatus = 'ca-verified' | 'self-asserted' | 'unverified';

export interface HolderInfo {
  subject: string;
  issuer: string;
  serial: string;
  certificateSha256: string;
  identity: IdentityStatus;
  notBefore: string;
  notAfter: string;
  chain: string[];
  /** `ca-verified`: the CA that issued the holder certificate (absent when the certificate itself is the trusted anchor). */
  certifiedBy?: { subject: string; sha256: string };
  /** `ca-verified`: the trust anchor the path ends at. */
  anchor?: { subject: string; sha256: string };
  /** Whether the holder certificate's revocation was checked (its `holder.revocation` check). */
  revocation: RevocationStatus;
}

/**
 * A root this computer does not trust yet, on which a verdict depends: the TSA's (the timestamp
 * fails) or the holder's (no CA vouches for the name here). `subject` says which part of the
 * proof it is (`timestamp[0]`, `holder`), `signer` whose certificate leads to it.
 */
export interface UntrustedAnchor extends UntrustedRoot {
  for: 'tsa' | 'holder';
  subjectOf: string;
  signer: string;
}

export interface ReceiptVerification {
  ok: boolean;
  id?: string;
  checks: Check[];
  manifest?: Manifest;
  /** The disclosed entries, once proven to be leaves of the signed Merkle root (else empty). */
  entries: ReceiptEntry[];
  holder?: HolderInfo;
  /**
   * The valid timestamps (`trusted: true`), and those whose only fault is a root this computer
   * does not trust yet (`trusted: false`): claimed, not proven.
   */
  timestamps: TimestampInfo[];
  /** Earliest genTime among the valid timestamps: the proven time. */
  time?: string;
  /** Without a proven time: the earliest genTime a timestamp claims whose TSA root is not trusted here. */
  claimedTime?: string;
  /** Roots this computer does not trust yet that the verdict depends on (with their fingerprints). */
  untrusted?: UntrustedAnchor[];
  /** The renewals whose token verified (RFC 4998 archive timestamps), oldest first (docs/long-term.md). */
  renewals?: RenewalInfo[];
  /** What the proof rests on over time: the original timestamps, then each verified renewal (longterm/coverage.ts). */
  layers?: Layer[];
  /** The verdict in one word (verify/verdict.ts). */
  reason: Reason;
}

export function verifyReceipt(receipt: Receipt, ctx: VerifyContext): ReceiptVerification {
  const policy = ctx.policy ?? STRICT;
  const checks = new CheckList();
  const out = (extra: Partial<ReceiptVerification> = {}): ReceiptVerification => ({ ok: checks.ok, id: receipt.id, checks: checks.items, entries: [], timestamps: [], ...extra, reason: reasonOf(checks.items) });

  // The manifest bytes are verified as stored; they are parsed only to read them.
  const manifestBytes = decodeField(receipt.manifest);
  const cmsBytes = decodeField(receipt.signature);
  if (!manifestBytes || !cmsBytes) {
    checks.fail('receipt.encoding', t`${!manifestBytes ? 'manifest' : 'signature'} is not valid base64`);
    return out();
  }
  checks.pass('receipt.encoding', t`manifest and signature are valid base64`);
  const { manifest, problems } = decodeManifest(manifestBytes);
  if (!manifest) checks.fail('manifest.format', joinTexts(problems.slice(0, 3), '; '));
  else checks.pass('manifest.format', t`manifest ${manifest.id}: a batch of ${manifest.merkle.count} file(s) (${manifest.algorithms.join(', ')})`);
  if (manifest) checks.expect('receipt.id', manifest.id === receipt.id, t`receipt id matches the signed manifest`, t`receipt id ${receipt.id} differs from the signed manifest id ${manifest.id}`);
  const entries = manifest ? checkEntries(checks, receipt, manifest, !!ctx.merkleAlreadyComputed) : [];

  // The holder's signature (CAdES-BES) over the manifest.
  let sd: SignedData;
  try {
    sd = parseSignedData(cmsBytes, 'signature');
  } catch (err) {
    rethrowLimit(err);
    checks.fail('signature.structure', t`signature is not a well-formed CMS SignedData: ${messageOf(err)}`);
    return out(manifest ? { manifest, entries } : {});
  }
  checks.expect('signature.content-type', sd.contentType === OID.signedData, t`ContentInfo is id-signedData`, t`ContentInfo type ${sd.contentType} is not id-signedData`);
  if (sd.contentType !== OID.signedData) return out(manifest ? { manifest, entries } : {});
  checks.expect('signature.econtent-type', sd.eContentType === OID.data, t`signed content type is id-data`, t`signed content type ${sd.eContentType}, expected id-data`);
  checks.expect(
    'signature.detached',
    !sd.eContent || (!sd.eContentWrapper && bytesEqual(sd.eContent, manifestBytes)),
    t`signature is detached; the manifest is stored beside it`,
    t`the signature encapsulates content other than the manifest`,
  );
  checks.expect('signature.signer-count', sd.signerInfos.length === 1, t`exactly one signer`, t`${sd.signerInfos.length} signers, expected exactly one`);
  const si = sd.signerInfos[0];
  if (!si) return out(manifest ? { manifest, entries } : {});
  const holder = checkSigner(checks, sd, si, { prefix: 'signature', content: manifestBytes, candidates: [...sd.certificates], policy });
  checkEss(checks, 'signature.signing-certificate-v2', si, holder, sd.certificates, 'v2', true);

  // Revocation data stored at registration, each entry read against the certificate it names.
  const held = heldCertificates(receipt, sd, ctx);
  const judged = judgeEntries(receipt.revocation, held, [...ctx.anchors, ...(ctx.trust ?? []).map((a) => a.certificate)]);
  if (judged.length) {
    const { invalid, unjudged } = revocationEntryProblems(judged);
    if (invalid.length) checks.fail('revocation.data', joinTexts(invalid, '; '));
    else if (unjudged.length) checks.warn('revocation.data', t`${unjudged.length} of ${judged.length} revocation entries cannot be judged here: ${joinTexts(unjudged, '; ')}`);
    else checks.pass('revocation.data', t`${judged.length} revocation entries (OCSP responses, CRLs), each signed by the issuer of the certificate it is about`);
  }

  // When (below) comes before who: holder anchors are chosen for the proven time.
  const stamps = checkTimestamps(checks, receipt, si, manifest, ctx, policy, judged);
  const infos = stamps.map((x) => x.info);
  const operators = stamps.map((x) =>
    operatorOf(
      held.find((c) => c.sha256 === x.info.tsaCertificateSha256),
      x.info.anchor,
      x.info.tsa,
    ),
  );
  infos.forEach((info, i) => (info.operator = operators[i]!.label));
  if (manifest?.timestampPolicy) checkPolicy(checks, manifest.timestampPolicy, stamps, operators);
  const earliest = (list: readonly TimestampInfo[]) => list.map((x) => new Date(x.genTime)).sort((a, b) => a.getTime() - b.getTime())[0];
  const proven = earliest(infos.filter((x) => x.trusted));
  // Without a proven time, the time claimed by timestamps whose only fault is an untrusted root:
  // the holder's certificate and signing-time are judged at it, so that the one missing trust
  // decision is the only failure (the verdict still fails, and says the time is unproven).
  const claimed = proven ? undefined : earliest(infos);
  const judgeAt = ctx.at ?? proven ?? claimed ?? ctx.now;
  const untrusted: UntrustedAnchor[] = stamps.flatMap((x) => (x.untrustedRoot ? [{ ...x.untrustedRoot, for: 'tsa' as const, subjectOf: x.subject, signer: x.info.tsa }] : []));

  // Who: does the holder certificate chain to a trusted CA, or is it self-asserted? The path is
  // validated as any other (RFC 5280 §6, pki/chain.ts) at the proven time (or --at); anchor
  // windows always at the proven time — without one, only anchors without a window count.
  let holderInfo: HolderInfo | undefined;
  let holderRoot: UntrustedRoot | undefined;
  let holderPath: { path: Certificate[]; anchored: boolean } | undefined;
  if (holder) {
    const chain = buildPath(holder, [...sd.certificates, ...(ctx.extraCertificates ?? [])], [...ctx.anchors, ...anchorsFor(ctx.trust ?? [], 'holder', proven)], { at: judgeAt });
    holderPath = { path: chain.path, anchored: chain.anchored };
    const identity: IdentityStatus = chain.ok ? 'ca-verified' : isSelfAsserted(holder) ? 'self-asserted' : 'unverified';
    const top = chain.path[chain.path.length - 1]!;
    if (identity === 'unverified') holderRoot = untrustedRootOf(chain, [...ctx.anchors, ...(ctx.trust ?? []).map((a) => a.certificate)]);
    if (holderRoot) untrusted.push({ ...holderRoot, for: 'holder', subjectOf: 'holder', signer: holder.subject });
    if (identity === 'ca-verified') checks.pass('holder.identity', t`"${holder.subject}" is certified by trusted "${top.subject}"`);
    else if (identity === 'self-asserted') checks.warn('holder.identity', t`"${holder.subject}" is self-asserted: no CA vouches for this name`);
    else if (chain.anchored) checks.warn('holder.identity', t`"${holder.subject}" chains to trusted "${top.subject}", but the path is not valid: ${chain.reason ?? ''}`);
    else checks.warn('holder.identity', t`"${holder.subject}" is not certified by a trusted CA: ${chain.reason ?? ''}`);
    // A certificate with a critical extension tsproof does not understand must not be relied on
    // (RFC 5280 §4.2), whoever vouches for it: its signature does not count.
    const unknown = holder.unrecognisedCriticalExtensions;
    checks.expect('holder.extensions', unknown.length === 0, t`no unrecognised critical extension`, t`the holder certificate has an unrecognised critical extension ${unknown.join(', ')}`);
    const ku = holder.keyUsage;
    checks.expect(
      'holder.key-usage',
      !ku || ku.has('digitalSignature') || ku.has('nonRepudiation'),
      ku ? t`key usage ${[...ku].join(', ')}` : t`no key usage restriction`,
      t`holder certificate key usage (${[...(ku ?? [])].join(', ')}) allows neither digitalSignature nor nonRepudiation`,
    );
    holderInfo = {
      subject: holder.subject,
      issuer: holder.issuer,
      serial: holder.serialHex,
      certificateSha256: holder.sha256,
      identity,
      notBefore: holder.notBefore.toISOString(),
      notAfter: holder.notAfter.toISOString(),
      chain: chain.path.map((c) => c.subject),
      revocation: 'not-checked',
    };
    if (identity === 'ca-verified') {
      const by = chain.path[1];
      if (by) holderInfo.certifiedBy = { subject: by.subject, sha256: by.sha256 };
      holderInfo.anchor = { subject: top.subject, sha256: top.sha256 };
    }
  }

  // The holder certificate must have been valid when the signature was proven to exist (#33),
  // and the claimed signing-time must not be after that time (#34).
  if (holder) {
    const at = judgeAt.toISOString();
    if (!proven && !claimed && !ctx.at) checks.fail('holder.validity', t`no valid timestamp, so the certificate cannot be judged at a proven time`);
    else if (ctx.at)
      checks.expect(
        'holder.validity',
        holder.isValidAt(judgeAt),
        t`holder certificate was valid at ${at} (--at)`,
        t`holder certificate was not valid at ${at} (--at) (valid ${holder.notBefore.toISOString()} to ${holder.notAfter.toISOString()})`,
      );
    else if (proven)
      checks.expect('holder.validity', holder.isValidAt(judgeAt), t`holder certificate was valid at ${at}`, t`holder certificate was not valid at ${at} (valid ${holder.notBefore.toISOString()} to ${holder.notAfter.toISOString()})`);
    else
      checks.expect(
        'holder.validity',
        holder.isValidAt(judgeAt),
        t`holder certificate was valid at ${at}, the time a timestamp claims (its TSA is not trusted here, so the time is not proven)`,
        t`holder certificate was not valid at ${at}, the time a timestamp claims (valid ${holder.notBefore.toISOString()} to ${holder.notAfter.toISOString()})`,
      );
    const r = judgePath(holderPath!.path, holderPath!.anchored, judged, judgeAt, { skewMs: policy.clockSkewMs, require: !!ctx.requireRevocation, what: t`holder path` });
    const revocation = checks.add('holder.revocation', r.status, r.detail);
    if (holderInfo) holderInfo.revocation = revocationStatus(revocation);
  }
  const st = signingTime(si);
  const when = proven ?? claimed;
  if (!st) checks.fail('signature.signing-time', t`signing-time attribute missing or malformed`);
  else if (!when) checks.fail('signature.signing-time', t`signing-time ${st.toISOString()} cannot be compared with a proven time`);
  else if (!proven)
    checks.expect(
      'signature.signing-time',
      st.getTime() <= when.getTime() + policy.clockSkewMs,
      t`signing-time ${st.toISOString()} is not after the time a timestamp claims (not proven: its TSA is not trusted here)`,
      t`signing-time ${st.toISOString()} is after the time a timestamp claims, ${when.toISOString()}`,
    );
  else
    checks.expect(
      'signature.signing-time',
      st.getTime() <= when.getTime() + policy.clockSkewMs,
      t`signing-time ${st.toISOString()} is not after the timestamp`,
      t`signing-time ${st.toISOString()} is after the timestamp ${when.toISOString()}`,
    );

  // Renewals (RFC 4998 archive timestamps): each covers what the proof rested on before it.
  let renewals: RenewalInfo[] | undefined;
  const originals = infos.filter((x) => x.trusted);
  const originalCerts = originals.flatMap((x) => held.filter((c) => c.sha256 === x.tsaCertificateSha256).slice(0, 1));
  const ends = originalCerts.map((c) => c.notAfter.getTime());
  const firstLayer: Layer | undefined = proven
    ? {
        what: t`the original timestamps`,
        genTime: proven,
        ...(ends.length ? { notAfter: new Date(Math.max(...ends)) } : {}),
        ...(originals[0] ? { tsa: originals[0].tsa, algorithm: originals[0].imprintAlgorithm } : {}),
        ...rsaBitsOf(originalCerts),
      }
    : undefined;
  if (receipt.renewals.length) {
    const first = firstLayer ? { genTime: firstLayer.genTime, ...(firstLayer.notAfter ? { notAfter: firstLayer.notAfter } : {}), what: firstLayer.what } : undefined;
    renewals = checkRenewals(checks, receipt, cmsBytes, first, {
      anchors: ctx.anchors,
      ...(ctx.trust ? { trust: ctx.trust } : {}),
      ...(ctx.at ? { at: ctx.at } : {}),
      now: ctx.now,
      policy,
      ...(ctx.extraCertificates ? { extraCertificates: ctx.extraCertificates } : {}),
    });
  }

  // What the proof rests on now (or --at): the last layer reached without a gap, and whether its certificate still holds.
  let layers: Layer[] | undefined;
  if (firstLayer) {
    layers = [
      firstLayer,
      ...(renewals ?? []).map((r, i) => ({
        what: `renewal[${i}]`,
        genTime: new Date(r.genTime),
        ...(r.tsaNotAfter ? { notAfter: new Date(r.tsaNotAfter) } : {}),
        tsa: r.tsa,
        algorithm: r.imprintAlgorithm,
        ...(r.tsaRsaBits ? { rsaBits: r.tsaRsaBits } : {}),
      })),
    ];
    const cov = coverage(layers)!;
    const when = ctx.at ?? ctx.now;
    const expired = cov.restsOn.notAfter && cov.restsOn.notAfter.getTime() < when.getTime();
    if (receipt.renewals.length || expired) {
      const r = restsOnCheck(cov, layers, when);
      checks.add('proof.rests-on', r.status, r.detail);
    }
  }

  // Pins last: they judge what the checks above established.
  if (hasPins(ctx.pins)) {
    checkHolderPins(checks, ctx.pins, { ...(holderInfo ? { info: holderInfo } : {}), ...(holderRoot ? { untrustedRoot: holderRoot } : {}) });
    checkTsaPins(checks, ctx.pins, stamps);
  }

  const result = out({ timestamps: infos, entries });
  if (manifest) result.manifest = manifest;
  if (holderInfo) result.holder = holderInfo;
  if (proven) result.time = proven.toISOString();
  if (claimed) result.claimedTime = claimed.toISOString();
  if (untrusted.length) result.untrusted = untrusted;
  if (renewals) result.renewals = renewals;
  if (layers) result.layers = layers;
  return result;
}

/**
 * The signed timestamp policy (timestamps/policy.ts), judged from the tokens this receipt holds:
 * valid ones from at least `require` distinct operators. A token deleted from the receipt (and
 * its signature) makes it fail. When only untrusted roots keep it from holding, it fails as a
 * missing trust decision.
 */
function checkPolicy(checks: CheckList, policy: TimestampPolicy, stamps: readonly Stamp[], operators: readonly Operator[]): void {
  const all = stamps.map((s, i) => ({ s, operator: operators[i]! }));
  const valid = all.filter((x) => x.s.info.trusted);
  const { operators: ops, duplicates } = distinct(valid);
  const names = ops.map((o) => o.label).join('; ') || '-';
  if (ops.length >= policy.require) {
    checks.pass('timestamps.operators', t`${valid.length} valid timestamp(s) from ${ops.length} distinct TSA operator(s) (${names}); the signed policy requires ${policy.require}`);
    return;
  }
  const same = duplicates.map((d) => t`${d.item.s.subject} is operated by ${d.item.operator.label}, as ${d.same.s.subject} is`);
  const found = t`the signed policy requires valid timestamps from ${policy.require} distinct TSA operators, but the receipt holds ${valid.length} valid timestamp(s) from ${ops.length} (${names})`;
  const c = checks.fail('timestamps.operators', same.length ? t`${found}: ${joinTexts(same, '; ')}` : found);
  if (distinct(all).operators.length >= policy.require) c.cause = 'untrusted-anchor';
}

/** A timestamp that counts: valid (`info.trusted`), or faulty only for an untrusted root. */
interface Stamp {
  info: TimestampInfo;
  subject: string;
  untrustedRoot?: UntrustedRoot;
}

/** When: each signature-time-stamp covers the SignerInfo signature value (CAdES-T). */
function checkTimestamps(checks: CheckList, receipt: Receipt, si: SignerInfo, manifest: Manifest | undefined, ctx: VerifyContext, policy: VerificationPolicy, judged: readonly JudgedEntry[]): Stamp[] {
  const tokens = attr(si.unsignedAttrs, OID.signatureTimeStampToken).flatMap((a) => a.values.map((v) => v.raw));
  if (tokens.length === 0 || receipt.timestamps.length === 0) checks.fail('timestamp.count', t`the receipt holds no timestamp: the time of the signature is not proven`);
  else checks.expect('timestamp.count', tokens.length === receipt.timestamps.length, t`${tokens.length} timestamp(s)`, t`the signature carries ${tokens.length} timestamp(s) but the receipt lists ${receipt.timestamps.length}`);
  const stamps: Stamp[] = [];
  // The receipt lists its tokens in the order the TSAs were asked; the signature holds them as a
  // DER SET, sorted by encoding. Each listed token must be one of the embedded ones, each used once.
  const matched = new Set<number>();
  receipt.timestamps.forEach((ts, i) => {
    const sub = new CheckList(`timestamp[${i}]`);
    const token = decodeField(ts.token);
    const at = token ? tokens.findIndex((e, j) => !matched.has(j) && bytesEqual(token, e)) : -1;
    if (at >= 0) matched.add(at);
    if (!token) {
      sub.fail('timestamp.binding', t`token is not valid base64`);
      checks.items.push(...sub.items);
      return;
    }
    sub.expect('timestamp.binding', at >= 0, t`token is a signature-time-stamp attribute of the signature`, t`token is none of the signature-time-stamp attributes in the signature`);
    sub.expect('timestamp.tsa', !!manifest && manifest.tsas.includes(ts.tsa), t`asked ${ts.tsa}`, t`TSA URL ${ts.tsa} is not among the TSAs named in the signed manifest`);
    const extra: Certificate[] = [];
    let badCert = false;
    for (const c of ts.certificates) {
      const d = decodeField(c);
      try {
        if (!d) throw new Error('bad base64');
        extra.push(Certificate.fromDER(d));
      } catch (err) {
        rethrowLimit(err);
        badCert = true;
      }
    }
    const alg = tokenImprintAlgorithm(token) ?? 'sha256';
    const v = verifyTimestampToken(token, {
      imprint: { algorithm: alg, digest: hash(alg, si.signature) },
      anchors: ctx.anchors,
      ...(ctx.trust ? { trust: ctx.trust } : {}),
      ...(ctx.at ? { at: ctx.at } : {}),
      extraCertificates: [...extra, ...(ctx.extraCertificates ?? [])],
      ...(ctx.acceptedPolicies?.length ? { policies: ctx.acceptedPolicies } : {}),
      now: ctx.now,
      policy,
      subject: `timestamp[${i}]`,
      revocation: { judged, require: !!ctx.requireRevocation },
    });
    sub.items.push(...v.checks);
    const unused = extra.filter((c) => !v.path?.some((p) => p.equals(c)));
    if (badCert) sub.fail('timestamp.stored-certificates', t`a stored TSA certificate is not a valid certificate`);
    else sub.expect('timestamp.stored-certificates', unused.length === 0, t`${extra.length} stored certificate(s), all on the TSA path`, t`${unused.length} stored certificate(s) are not on the TSA's path`);
    checks.items.push(...sub.items);
    if (!v.info) return;
    // Only a trust decision missing: the token counts as a claim, with its root to decide on.
    const onlyAnchor = !sub.ok && sub.failed().every((c) => c.cause === 'untrusted-anchor');
    if (sub.ok) stamps.push({ info: v.info, subject: `timestamp[${i}]` });
    else if (onlyAnchor && v.untrustedRoot) stamps.push({ info: v.info, subject: `timestamp[${i}]`, untrustedRoot: v.untrustedRoot });
  });

  return stamps;
}

/**
 * The certificates the proof carries: the signature's, each token's, those stored beside the
 * tokens, and those that came with the receipt (an evidence pack's). Revocation data may only
 * be about one of them.
 */
function heldCertificates(receipt: Receipt, sd: SignedData, ctx: VerifyContext): Certificate[] {
  const held: Certificate[] = [...sd.certificates, ...(ctx.extraCertificates ?? [])];
  for (const ts of receipt.timestamps) {
    const token = decodeField(ts.token);
    try {
      if (token) held.push(...parseSignedData(token, 'TimeStampToken').certificates);
    } catch (err) {
      rethrowLimit(err);
    }
    for (const c of ts.certificates) {
      const d = decodeField(c);
      try {
        if (d) held.push(Certificate.fromDER(d));
      } catch (err) {
        rethrowLimit(err);
      }
    }
  }
  return held;
}

export interface FileVerification {
  file: string;
  ok: boolean;
  checks: Check[];
  /** The verdict in one word (verify/verdict.ts). */
  reason: Reason;
  receipt?: string;
  /** SHA-256 of what was examined as the receipt: the receipt file, the pack's zip, or a pack folder's signature.p7s. */
  receiptSha256?: string;
  /** What the receipt was read from: a receipt file, or an evidence pack (folder or zip). */
  receiptKind?: ReceiptKind;
  receiptId?: string;
  /** Found through the registry: the registration used (the earliest whose receipt is at hand), and how many others cover the same content. */
  /** How the registry found the receipt; `moveNotRecorded`: why a moved receipt's new place could not be recorded (a read-only home). */
  registry?: { id: string; time: string; others: number; earliest: boolean; movedFrom?: string; moveNotRecorded?: string };
  /** The registered entry this file was compared with (found by content, else by its registered name). */
  entry?: Entry;
  /** The local file as hashed: its size and digests (in the receipt's algorithms). */
  actual?: { size: number; digests: Partial<Record<HashAlgorithm, string>> };
  holder?: HolderInfo;
  time?: string;
  claimedTime?: string;
  timestamps: TimestampInfo[];
  untrusted?: UntrustedAnchor[];
  renewals?: RenewalInfo[];
}

/**
 * What verification found for one local file, in a word (the PDF report's status):
 * `matches` — its digests and size are those of a proven entry; `modified` — an entry is
 * registered under its name but its content differs; `not covered` — no disclosed entry has its
 * content or its name (this receipt is not about this file); `not checked` — the receipt has no
 * proven entries to compare with (or none was found).
 */
export type FileStatus = 'matches' | 'modified' | 'missing' | 'not covered' | 'not checked';

export function fileStatus(r: FileVerification): FileStatus {
  const file = r.checks.filter((c) => c.id === 'file.digest' || c.id === 'file.size');
  if (r.entry) return file.length > 0 && file.every((c) => c.ok) ? 'matches' : 'modified';
  return r.checks.some((c) => c.id === 'file.covered') ? 'not covered' : 'not checked';
}

/**
 * The disclosed entries, each proven to be a leaf of the signed Merkle root: a full receipt
 * (every entry, no proofs) rebuilds the tree; an extracted one carries an inclusion proof per
 * entry (RFC 9162 §2.1.3). Returns the entries only when they are proven.
 */
function checkEntries(checks: CheckList, receipt: Receipt, m: Manifest, computed: boolean): ReceiptEntry[] {
  if (computed) {
    checks.pass('receipt.entries', t`${receipt.entries.length} entries, built at registration`);
    checks.pass('merkle.root', t`the ${m.merkle.count} entries are the leaves of the signed Merkle root (computed at registration)`);
    return receipt.entries;
  }
  // One pass, without a label or an array per entry (a batch may hold 1,000,000s); only the
  // first problems are shown, so checking stops once there are enough.
  const problems: Text[] = [];
  const indices = new Set<number>();
  const names = new Set<string>();
  receipt.entries.forEach((e, i) => {
    if (problems.length < 3 && entryProblems(e, m, '').length) problems.push(...entryProblems(e, m, `entries[${i}]`));
    indices.add(e.index);
    names.add(e.name);
  });
  if (indices.size !== receipt.entries.length) problems.push(t`entries: an index appears twice`);
  if (names.size !== receipt.entries.length) problems.push(t`entries: a name appears twice`);
  if (problems.length) {
    checks.fail('receipt.entries', joinTexts(problems.slice(0, 3), '; '));
    return [];
  }
  checks.pass('receipt.entries', t`${receipt.entries.length} of ${m.merkle.count} entries disclosed`);
  const alg = m.merkle.algorithm;
  const root = fromHex(m.merkle.root);
  if (isFullReceipt(receipt.entries, m)) {
    const got = treeRoot(treeOfEntries(receipt.entries, m));
    const ok = toHex(got) === m.merkle.root;
    checks.expect('merkle.root', ok, t`the ${m.merkle.count} entries hash to the signed Merkle root`, t`the entries hash to ${toHex(got)}, not the signed Merkle root ${m.merkle.root}: an entry was changed, added or removed`);
    return ok ? receipt.entries : [];
  }
  const bad = receipt.entries.find((e) => {
    if (!e.proof?.every((h) => /^[0-9a-f]+$/.test(h) && h.length === root.length * 2)) return true;
    return !verifyInclusion(alg, e.index, m.merkle.count, leafHash(alg, entryJson(e)), e.proof.map(fromHex), root);
  });
  if (bad) {
    checks.fail('merkle.inclusion', t`entry "${bad.name}" is not proven to be in the signed batch (missing or wrong inclusion proof)`);
    return [];
  }
  checks.pass('merkle.inclusion', t`${receipt.entries.length === 1 ? 'the entry is' : `all ${receipt.entries.length} entries are`} proven to be in the signed batch of ${m.merkle.count}`);
  return receipt.entries;
}

/**
 * Whether `name`, a registered (relative, `/`-separated) name, is the tail of the local path:
 * `proj/a/part.step` names `/home/me/proj/a/part.step`, not `/home/me/b/part.step`.
 */
export function namesPath(name: string, localPath: string): boolean {
  const want = name.normalize('NFC').split('/');
  const have = localPath.normalize('NFC').split(/[\\/]+/);
  if (want.length > have.length) return false;
  return want.every((part, i) => part === have[have.length - want.length + i]);
}

/**
 * The entry a local file corresponds to: one with its content (preferring the one registered
 * under its name), else one registered under its name — whose content then differs. A file whose
 * content and name are both absent has no entry: the receipt does not cover it (a base name alone
 * does not make another folder's file this one).
 */
export function findEntry(entries: readonly Entry[], algorithms: readonly HashAlgorithm[], digests: Partial<Record<HashAlgorithm, string>>, localPath: string): Entry | undefined {
  const alg = algorithms.find((a) => digests[a]);
  const byDigest = alg ? entries.filter((f) => f.digests[alg] === digests[alg]) : [];
  const named = (f: Entry) => namesPath(f.name, localPath);
  // The longest registered name that is the tail of the path is the most specific match.
  const byName = entries.filter(named).sort((a, b) => b.name.length - a.name.length);
  return byDigest.find(named) ?? byDigest[0] ?? byName[0];
}

/** Judges one local file (its streamed digests) against an already verified receipt; `localPath` is the file's path (its registered name must be the tail of it). */
export function verifyFileAgainst(rv: ReceiptVerification, file: string, localPath: string, local: { size: number; digests: Partial<Record<HashAlgorithm, string>> }): FileVerification {
  const checks = new CheckList();
  const m = rv.manifest;
  const entry = m ? findEntry(rv.entries, m.algorithms, local.digests, localPath) : undefined;
  if (!m || rv.entries.length === 0) checks.fail('file.entry', t`the receipt has no proven entries to compare with`);
  else if (!entry) {
    const alg = m.algorithms[0]!;
    checks.fail(
      'file.covered',
      m.merkle.count > rv.entries.length
        ? t`this receipt does not cover "${file}": none of the ${rv.entries.length} entry(ies) it discloses (of ${m.merkle.count} registered) has its ${alg.toUpperCase()} ${local.digests[alg] ?? ''} or its name`
        : t`this receipt does not cover "${file}": none of its ${rv.entries.length} registered file(s) has its ${alg.toUpperCase()} ${local.digests[alg] ?? ''} or its name`,
    );
  } else {
    checks.pass('file.entry', t`registered as "${entry.name}"`);
    for (const a of m.algorithms) {
      const want = entry.digests[a]!;
      const got = local.digests[a];
      checks.expect(`file.digest`, got === want, t`${a.toUpperCase()} ${got ?? ''} matches`, t`${a.toUpperCase()} of the file is ${got ?? '(not computed)'}, registered ${want}: the content of "${entry.name}" differs`);
    }
    checks.expect('file.size', entry.size === local.size, t`${local.size} bytes`, t`file has ${local.size} bytes, registered ${entry.size}`);
    checkRenewedDigests(checks, entry as ReceiptEntry, local.digests);
  }
  const all = [...rv.checks, ...checks.items];
  const r: FileVerification = { file, ok: all.every((c) => c.ok), checks: all, reason: reasonOf(all), timestamps: rv.timestamps, actual: { size: local.size, digests: local.digests } };
  if (rv.id) r.receiptId = rv.id;
  if (entry) r.entry = { name: entry.name, size: entry.size, digests: entry.digests, salt: entry.salt };
  if (rv.holder) r.holder = rv.holder;
  if (rv.time) r.time = rv.time;
  if (rv.claimedTime) r.claimedTime = rv.claimedTime;
  if (rv.untrusted) r.untrusted = rv.untrusted;
  if (rv.renewals) r.renewals = rv.renewals;
  return r;
}

/** The digests a renewal over the files took (hash-tree renewal, docs/long-term.md): the file must match them too. */
export function checkRenewedDigests(checks: CheckList, entry: ReceiptEntry, digests: Partial<Record<HashAlgorithm, string>>): void {
  for (const [a, want] of Object.entries(entry.renewed ?? {}) as [HashAlgorithm, string][]) {
    const got = digests[a];
    checks.expect(
      'file.digest',
      got === want,
      t`${a.toUpperCase()} ${got ?? ''} matches (taken by a renewal over the files)`,
      t`${a.toUpperCase()} of the file is ${got ?? '(not computed)'}, taken by a renewal over the files as ${want}: the content of "${entry.name}" differs`,
    );
  }
}

/** The algorithms to hash a file with to check it against `receipt`: its manifest's, and those of renewals over the files. */
export function fileAlgorithms(receipt: Receipt, manifestAlgorithms: readonly HashAlgorithm[]): HashAlgorithm[] {
  const algs = new Set<HashAlgorithm>(manifestAlgorithms);
  if (receipt.renewals.some((r) => r.files)) for (const e of receipt.entries) for (const a of Object.keys(e.renewed ?? {})) algs.add(a as HashAlgorithm);
  return [...algs];
}

/** The smallest RSA modulus among certificates, as `rsaBits` (nothing when none is RSA). */
function rsaBitsOf(certs: readonly Certificate[]): { rsaBits?: number } {
  const bits = certs.flatMap((c) => (c.publicKey?.asymmetricKeyType === 'rsa' ? [c.publicKey.asymmetricKeyDetails?.modulusLength ?? 0] : []));
  return bits.length ? { rsaBits: Math.min(...bits) } : {};
}
