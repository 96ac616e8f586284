/**
 * A signed in-toto attestation (a DSSE envelope written by `export --format in-toto --sign`)
 * checked against local files: the envelope's signature over PAE with the certificate it carries,
 * that the signer is the holder the statement names, whether a CA trusted here vouches for the
 * signer, the pins, and each file's digest among the statement's subjects. Offline.
 */
import { isSelfAsserted } from '../identity/store.js';
import { buildPath } from '../pki/chain.js';
import { anchorsFor, type TrustAnchor } from '../trust.js';
import { checkSignature, IN_TOTO_PAYLOAD_TYPE, parseEnvelope } from '../export/dsse.js';
import { IN_TOTO_STATEMENT, TSPROOF_PREDICATE, type InTotoStatement } from '../export/in-toto.js';
import { CheckList, type Check } from './checks.js';
import { checkHolderPins, type Pins } from './pins.js';
import type { HolderInfo } from './receipt.js';
import type { HashAlgorithm } from '../crypto/algorithms.js';
import { t } from '../text.js';

export interface AttestationFile {
  file: string;
  digests: Partial<Record<HashAlgorithm, string>>;
}

export interface AttestationVerification {
  ok: boolean;
  checks: Check[];
  signer?: HolderInfo;
  statement?: { predicateType: string; subjects: number; receipt?: string; provenTime?: string };
  results: { file: string; ok: boolean; subject?: string; checks: Check[] }[];
}

/** The hash algorithms the statement's subjects use (to hash the local files with). */
export function attestationAlgorithms(bytes: Uint8Array, what: string): HashAlgorithm[] {
  const env = parseEnvelope(bytes, what);
  try {
    const s = JSON.parse(env.body.toString('utf8')) as Partial<InTotoStatement>;
    const algs = new Set<HashAlgorithm>();
    for (const sub of s.subject ?? []) for (const a of Object.keys(sub.digest ?? {})) if (a === 'sha256' || a === 'sha384' || a === 'sha512') algs.add(a);
    return algs.size ? [...algs] : ['sha256'];
  } catch {
    return ['sha256'];
  }
}

export function verifyAttestation(bytes: Uint8Array, what: string, files: readonly AttestationFile[], ctx: { trust: readonly TrustAnchor[]; now: Date; pins?: Pins }): AttestationVerification {
  const env = parseEnvelope(bytes, what);
  const checks = new CheckList();
  checks.expect('attestation.payload-type', env.payloadType === IN_TOTO_PAYLOAD_TYPE, t`payload type ${env.payloadType}`, t`payload type is ${env.payloadType}, not ${IN_TOTO_PAYLOAD_TYPE}`);

  // The first signature that carries a certificate and verifies.
  let signer: HolderInfo | undefined;
  let signed = false;
  for (const s of env.signatures) {
    const r = checkSignature(env, s, what);
    if (!r.certificate) continue;
    const cert = r.certificate;
    if (!r.ok) continue;
    signed = true;
    const path = buildPath(cert, r.intermediates, anchorsFor(ctx.trust, 'holder', ctx.now), { at: ctx.now });
    const identity = isSelfAsserted(cert) ? 'self-asserted' : path.ok ? 'ca-verified' : 'unverified';
    signer = {
      subject: cert.subject,
      issuer: cert.issuer,
      serial: cert.serialHex,
      certificateSha256: cert.sha256,
      identity,
      notBefore: cert.notBefore.toISOString(),
      notAfter: cert.notAfter.toISOString(),
      chain: path.path.map((c) => c.subject),
      revocation: 'not-checked',
      ...(identity === 'ca-verified' && path.path.length > 1 ? { certifiedBy: { subject: path.path[1]!.subject, sha256: path.path[1]!.sha256 }, anchor: { subject: path.path.at(-1)!.subject, sha256: path.path.at(-1)!.sha256 } } : {}),
    };
    if (s.keyid && s.keyid !== cert.sha256) checks.warn('attestation.keyid', t`keyid ${s.keyid} is not the certificate's SHA-256 ${cert.sha256}`);
    break;
  }
  if (signed && signer) checks.pass('attestation.signature', t`signed by "${signer.subject}" (certificate SHA-256 ${signer.certificateSha256}) over the DSSE pre-authentication encoding`);
  else checks.fail('attestation.signature', t`no signature in the envelope verifies with the certificate it carries`);

  let statement: Partial<InTotoStatement> | undefined;
  try {
    statement = JSON.parse(env.body.toString('utf8')) as Partial<InTotoStatement>;
  } catch {
    statement = undefined;
  }
  const wellFormed = !!statement && statement._type === IN_TOTO_STATEMENT && Array.isArray(statement.subject) && statement.subject.every((s) => typeof s?.name === 'string' && typeof s.digest === 'object' && s.digest !== null);
  checks.expect('attestation.statement', wellFormed, t`an in-toto Statement v1 with ${statement?.subject?.length ?? 0} subject(s)`, t`the payload is not an in-toto Statement v1`);

  if (wellFormed && signer) {
    const named = statement!.predicateType === TSPROOF_PREDICATE ? statement!.predicate?.holder?.certificateSha256 : undefined;
    if (named === undefined) checks.warn('attestation.signer', t`the statement does not name a tsproof registration's holder to compare the signer with`);
    else checks.expect('attestation.signer', named === signer.certificateSha256, t`the signer is the holder the statement names`, t`the signer (SHA-256 ${signer.certificateSha256}) is not the holder the statement names (SHA-256 ${named})`);
    if (signer.identity === 'ca-verified') checks.pass('attestation.holder', t`"${signer.subject}" is certified by a CA trusted here`);
    else checks.warn('attestation.holder', signer.identity === 'self-asserted' ? t`"${signer.subject}" is self-asserted: no CA vouches for the name` : t`"${signer.subject}" is not certified by a CA trusted here`);
  }
  if (ctx.pins) checkHolderPins(checks, { ...ctx.pins, tsaCert: [] }, signer ? { info: signer } : {});

  const results: AttestationVerification['results'] = [];
  const subjects = wellFormed ? statement!.subject! : [];
  for (const f of files) {
    const c = new CheckList();
    const hit = subjects.find((s) => Object.entries(s.digest).some(([a, hex]) => f.digests[a as HashAlgorithm] !== undefined && f.digests[a as HashAlgorithm] === hex));
    c.expect('file.subject', !!hit, hit ? t`the file is subject "${hit.name}" of the statement` : t`the file is a subject of the statement`, t`no subject of the statement has this file's digest`);
    results.push({ file: f.file, ok: c.ok, ...(hit ? { subject: hit.name } : {}), checks: c.items });
  }
  const ok = checks.ok && results.every((r) => r.ok);
  return {
    ok,
    checks: checks.items,
    ...(signer ? { signer } : {}),
    ...(wellFormed
      ? {
          statement: {
            predicateType: String(statement!.predicateType),
            subjects: subjects.length,
            ...(statement!.predicate?.receipt ? { receipt: statement!.predicate.receipt } : {}),
            ...(statement!.predicate?.provenTime ? { provenTime: statement!.predicate.provenTime } : {}),
          },
        }
      : {}),
    results,
  };
}
