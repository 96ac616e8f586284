/**
 * Verification policy: which algorithms and certificate properties are acceptable.
 * `strict` is the default and the only policy in this release; see docs/verification.md.
 */
import { WEAK_DIGESTS, type AnyDigest, type SignatureScheme } from '../crypto/algorithms.js';
import type { Certificate } from '../pki/certificate.js';

export interface VerificationPolicy {
  name: 'strict';
  /** Digests refused for imprints, message digests and signatures. */
  weakDigests: ReadonlySet<AnyDigest>;
  /** Smallest RSA modulus accepted for TSA and holder keys. */
  minRsaBits: number;
  /** Tolerated clock difference (ms) when judging "genTime in the future" and signing-time ≤ genTime. */
  clockSkewMs: number;
}

export const STRICT: VerificationPolicy = {
  name: 'strict',
  weakDigests: WEAK_DIGESTS,
  minRsaBits: 2048,
  clockSkewMs: 2 * 60 * 1000,
};

/** Why a key or scheme is unacceptable, or undefined when it is fine. */
export function algorithmProblem(policy: VerificationPolicy, scheme: SignatureScheme, digest: AnyDigest, cert?: Certificate): string | undefined {
  if (policy.weakDigests.has(digest)) return `digest ${digest.toUpperCase()} is too weak`;
  if (scheme.kind !== 'ed25519' && policy.weakDigests.has(scheme.hash)) return `signature hash ${scheme.hash.toUpperCase()} is too weak`;
  const key = cert?.publicKey;
  if (key && (key.asymmetricKeyType === 'rsa' || key.asymmetricKeyType === 'rsa-pss')) {
    const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
    if (bits < policy.minRsaBits) return `RSA key of ${bits} bits is below ${policy.minRsaBits}`;
  }
  return undefined;
}
