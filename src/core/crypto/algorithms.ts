/**
 * Algorithm tables and the signature primitives the core uses. Signing and verifying go
 * through node:crypto (OpenSSL), which yields and accepts DER ECDSA signatures directly.
 */
import { createHash, sign as nodeSign, verify as nodeVerify, constants, type KeyObject } from 'node:crypto';
import { OID } from '../asn1/oids.js';
import { der, oid as readOid, seq, explicit, type Node, TagClass, smallInt } from '../asn1/der.js';
import { InputError } from '../errors.js';
import { t } from '../text.js';

/** Digest algorithms tsproof computes for files. */
export const FILE_HASHES = ['sha256', 'sha384', 'sha512'] as const;
export type HashAlgorithm = (typeof FILE_HASHES)[number];

/** Every digest algorithm the verifier can recognise (some only to reject them by policy). */
export type AnyDigest = 'md5' | 'sha1' | 'sha224' | 'sha256' | 'sha384' | 'sha512' | 'sha3-256' | 'sha3-384' | 'sha3-512';

const DIGEST_BY_OID: Record<string, AnyDigest> = {
  [OID.md5]: 'md5',
  [OID.sha1]: 'sha1',
  [OID.sha224]: 'sha224',
  [OID.sha256]: 'sha256',
  [OID.sha384]: 'sha384',
  [OID.sha512]: 'sha512',
  [OID.sha3_256]: 'sha3-256',
  [OID.sha3_384]: 'sha3-384',
  [OID.sha3_512]: 'sha3-512',
};
const OID_BY_DIGEST = Object.fromEntries(Object.entries(DIGEST_BY_OID).map(([k, v]) => [v, k])) as Record<AnyDigest, string>;
export const DIGEST_LENGTH: Record<AnyDigest, number> = {
  md5: 16,
  sha1: 20,
  sha224: 28,
  sha256: 32,
  sha384: 48,
  sha512: 64,
  'sha3-256': 32,
  'sha3-384': 48,
  'sha3-512': 64,
};
/** Digests considered too weak for new proofs and, under the strict policy, for verification. */
export const WEAK_DIGESTS: ReadonlySet<AnyDigest> = new Set(['md5', 'sha1']);

export function digestFromOid(o: string): AnyDigest | undefined {
  return DIGEST_BY_OID[o];
}
export function digestOid(d: AnyDigest): string {
  return OID_BY_DIGEST[d];
}
export function isFileHash(s: string): s is HashAlgorithm {
  return (FILE_HASHES as readonly string[]).includes(s);
}

export function hash(alg: AnyDigest, data: Uint8Array): Uint8Array {
  return new Uint8Array(createHash(alg).update(data).digest());
}

/** AlgorithmIdentifier for a digest; parameters absent (RFC 5754 §2 says SHOULD omit, MUST accept NULL). */
export function digestAlgorithmId(d: AnyDigest): Uint8Array {
  return der.sequence(der.oid(digestOid(d)));
}

export interface AlgorithmIdentifier {
  oid: string;
  params?: Node;
}

export function readAlgorithmIdentifier(node: Node | undefined, where: string): AlgorithmIdentifier {
  const c = seq(node, where);
  const o = readOid(c[0], `${where}.algorithm`);
  return c[1] ? { oid: o, params: c[1] } : { oid: o };
}

/** True when a digest AlgorithmIdentifier's parameters are absent or NULL, as RFC 5754 requires. */
export function digestParamsOk(a: AlgorithmIdentifier): boolean {
  return !a.params || (a.params.isUniversal(5) && a.params.content.length === 0);
}

/** A signature scheme resolved from (signatureAlgorithm, digestAlgorithm). */
export type SignatureScheme = { kind: 'rsa-pkcs1'; hash: AnyDigest } | { kind: 'rsa-pss'; hash: AnyDigest; saltLength: number } | { kind: 'ecdsa'; hash: AnyDigest } | { kind: 'ed25519' };

const SIG_BY_OID: Record<string, SignatureScheme> = {
  [OID.md5WithRSA]: { kind: 'rsa-pkcs1', hash: 'md5' },
  [OID.sha1WithRSA]: { kind: 'rsa-pkcs1', hash: 'sha1' },
  [OID.sha224WithRSA]: { kind: 'rsa-pkcs1', hash: 'sha224' },
  [OID.sha256WithRSA]: { kind: 'rsa-pkcs1', hash: 'sha256' },
  [OID.sha384WithRSA]: { kind: 'rsa-pkcs1', hash: 'sha384' },
  [OID.sha512WithRSA]: { kind: 'rsa-pkcs1', hash: 'sha512' },
  [OID.ecdsaWithSHA1]: { kind: 'ecdsa', hash: 'sha1' },
  [OID.ecdsaWithSHA224]: { kind: 'ecdsa', hash: 'sha224' },
  [OID.ecdsaWithSHA256]: { kind: 'ecdsa', hash: 'sha256' },
  [OID.ecdsaWithSHA384]: { kind: 'ecdsa', hash: 'sha384' },
  [OID.ecdsaWithSHA512]: { kind: 'ecdsa', hash: 'sha512' },
  [OID.ed25519]: { kind: 'ed25519' },
};

/**
 * Resolves the scheme of a CMS SignerInfo. CMS allows the bare key algorithm
 * (rsaEncryption, ecPublicKey) as signatureAlgorithm; the digest then comes from
 * digestAlgorithm (RFC 5652 §5.3, RFC 5754 §3).
 */
export function resolveSignatureScheme(sigAlg: AlgorithmIdentifier, digest: AnyDigest, where: string): SignatureScheme {
  if (sigAlg.oid === OID.rsaEncryption) return { kind: 'rsa-pkcs1', hash: digest };
  if (sigAlg.oid === OID.ecPublicKey) return { kind: 'ecdsa', hash: digest };
  if (sigAlg.oid === OID.rsassaPss) return readPssParams(sigAlg.params, where);
  const s = SIG_BY_OID[sigAlg.oid];
  if (!s) throw new InputError({ code: 'UNSUPPORTED_ALGORITHM', message: t`${where}: unsupported signature algorithm ${sigAlg.oid}` });
  return s;
}

/** RSASSA-PSS-params (RFC 4055 §3.1). Defaults: SHA-1, MGF1-SHA1, salt 20. */
function readPssParams(params: Node | undefined, where: string): SignatureScheme {
  let h: AnyDigest = 'sha1';
  let salt = 20;
  let mgfHash: AnyDigest = 'sha1';
  if (params && !params.isUniversal(5)) {
    for (const f of seq(params, `${where}.pssParams`)) {
      if (f.tagClass !== TagClass.Context) continue;
      if (f.tag === 0) {
        const a = readAlgorithmIdentifier(explicit(f, 0, where), `${where}.pss.hash`);
        h = digestFromOid(a.oid) ?? unsupported(a.oid, where);
      } else if (f.tag === 1) {
        const a = readAlgorithmIdentifier(explicit(f, 1, where), `${where}.pss.mgf`);
        if (a.oid !== OID.mgf1 || !a.params) unsupported(a.oid, where);
        const inner = readAlgorithmIdentifier(a.params, `${where}.pss.mgf.hash`);
        mgfHash = digestFromOid(inner.oid) ?? unsupported(inner.oid, where);
      } else if (f.tag === 2) {
        salt = smallInt(explicit(f, 2, where), `${where}.pss.salt`);
      }
    }
  }
  // OpenSSL ties MGF1's hash to the message hash; tokens in the wild always use the same one.
  if (mgfHash !== h) unsupported(`MGF1 with ${mgfHash} and ${h}`, where);
  return { kind: 'rsa-pss', hash: h, saltLength: salt };
}

function unsupported(what: string, where: string): never {
  throw new InputError({ code: 'UNSUPPORTED_ALGORITHM', message: t`${where}: unsupported algorithm ${what}` });
}

export function schemeHash(s: SignatureScheme): AnyDigest | undefined {
  return s.kind === 'ed25519' ? undefined : s.hash;
}

export function describeScheme(s: SignatureScheme): string {
  switch (s.kind) {
    case 'rsa-pkcs1':
      return `RSA PKCS#1 v1.5 with ${s.hash.toUpperCase()}`;
    case 'rsa-pss':
      return `RSASSA-PSS with ${s.hash.toUpperCase()}`;
    case 'ecdsa':
      return `ECDSA with ${s.hash.toUpperCase()}`;
    case 'ed25519':
      return 'Ed25519';
  }
}

/** Verifies `signature` over `data`. Never throws for a bad signature: returns false. */
export function verifySignature(scheme: SignatureScheme, key: KeyObject, data: Uint8Array, signature: Uint8Array): boolean {
  try {
    switch (scheme.kind) {
      case 'rsa-pkcs1':
        if (key.asymmetricKeyType !== 'rsa') return false;
        return nodeVerify(scheme.hash, data, key, signature);
      case 'rsa-pss':
        if (key.asymmetricKeyType !== 'rsa' && key.asymmetricKeyType !== 'rsa-pss') return false;
        return nodeVerify(scheme.hash, data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: scheme.saltLength }, signature);
      case 'ecdsa':
        if (key.asymmetricKeyType !== 'ec') return false;
        return nodeVerify(scheme.hash, data, { key, dsaEncoding: 'der' }, signature);
      case 'ed25519':
        if (key.asymmetricKeyType !== 'ed25519') return false;
        return nodeVerify(null, data, key, signature);
    }
  } catch {
    return false;
  }
}

/** The signature algorithm tsproof uses for a private key, and its AlgorithmIdentifier. */
export function signingSchemeFor(key: KeyObject): { scheme: SignatureScheme; algorithmId: Uint8Array; digest: AnyDigest } {
  const kind = key.asymmetricKeyType;
  if (kind === 'ec') {
    const curve = key.asymmetricKeyDetails?.namedCurve;
    const digest: AnyDigest = curve === 'secp384r1' ? 'sha384' : curve === 'secp521r1' ? 'sha512' : 'sha256';
    const o = digest === 'sha384' ? OID.ecdsaWithSHA384 : digest === 'sha512' ? OID.ecdsaWithSHA512 : OID.ecdsaWithSHA256;
    return { scheme: { kind: 'ecdsa', hash: digest }, algorithmId: der.sequence(der.oid(o)), digest };
  }
  if (kind === 'rsa') {
    return { scheme: { kind: 'rsa-pkcs1', hash: 'sha256' }, algorithmId: der.sequence(der.oid(OID.sha256WithRSA), der.null()), digest: 'sha256' };
  }
  if (kind === 'ed25519') {
    return { scheme: { kind: 'ed25519' }, algorithmId: der.sequence(der.oid(OID.ed25519)), digest: 'sha512' };
  }
  throw new InputError({ code: 'UNSUPPORTED_ALGORITHM', message: t`keys of type ${kind ?? 'unknown'} cannot sign` });
}

export function signData(key: KeyObject, scheme: SignatureScheme, data: Uint8Array): Uint8Array {
  switch (scheme.kind) {
    case 'ed25519':
      return new Uint8Array(nodeSign(null, data, key));
    case 'ecdsa':
      return new Uint8Array(nodeSign(scheme.hash, data, { key, dsaEncoding: 'der' }));
    case 'rsa-pkcs1':
      return new Uint8Array(nodeSign(scheme.hash, data, key));
    case 'rsa-pss':
      return new Uint8Array(nodeSign(scheme.hash, data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: scheme.saltLength }));
  }
}
