/**
 * Verification policy. Weak or non-conforming properties are reported as findings with a
 * severity; the policy decides whether each fails verification or only warns
 * (docs/verification.md, "Policies").
 *   strict (default)  — everything RFC 3161 / current practice forbids fails;
 *   compatible        — for tokens from the wild: deprecated but not broken properties warn.
 * MD5, RSA below 1024 bits and signatures that do not verify fail under every policy.
 */
import type { AnyDigest, SignatureScheme } from '../crypto/algorithms.js';
import type { Certificate } from '../pki/certificate.js';
import { t, type Text } from '../text.js';

export type Severity = 'low' | 'medium' | 'high' | 'critical';

export const FINDINGS = {
  'digest-md5': { severity: 'critical', strict: 'fail', compatible: 'fail', what: t`MD5 is broken` },
  'digest-sha1': { severity: 'high', strict: 'fail', compatible: 'warn', what: t`SHA-1 is deprecated (collisions are practical)` },
  'rsa-below-1024': { severity: 'critical', strict: 'fail', compatible: 'fail', what: t`RSA keys below 1024 bits are broken` },
  'rsa-below-2048': { severity: 'high', strict: 'fail', compatible: 'warn', what: t`RSA keys below 2048 bits are deprecated` },
  'eku-not-critical': { severity: 'medium', strict: 'fail', compatible: 'warn', what: t`RFC 3161 §2.3 requires a critical extended key usage` },
  'eku-extra-purposes': { severity: 'medium', strict: 'fail', compatible: 'warn', what: t`RFC 3161 §2.3 requires timeStamping as the only extended key usage` },
  'key-usage-extra': { severity: 'low', strict: 'fail', compatible: 'warn', what: t`a TSA key should only sign (digitalSignature, nonRepudiation)` },
  'tsa-name-mismatch': { severity: 'medium', strict: 'fail', compatible: 'warn', what: t`RFC 3161 §2.4.2: the tsa name must match the signer` },
  'serial-not-positive': { severity: 'low', strict: 'fail', compatible: 'warn', what: t`a token serial number should be a positive integer` },
  'serial-over-160-bits': { severity: 'low', strict: 'warn', compatible: 'warn', what: t`RFC 3161 only requires verifiers to handle serial numbers up to 160 bits` },
  'revocation-data-malformed': { severity: 'low', strict: 'fail', compatible: 'warn', what: t`the token carries malformed revocation data (CRL or OCSP) in its unsigned crls field` },
  'signed-attributes-not-der': { severity: 'low', strict: 'warn', compatible: 'warn', what: t`the signature is over the DER form of attributes sent in another encoding` },
  'signature-algorithm-mislabelled': { severity: 'low', strict: 'warn', compatible: 'warn', what: t`the signature algorithm does not name the key type` },
} as const satisfies Record<string, { severity: Severity; strict: 'fail' | 'warn'; compatible: 'fail' | 'warn'; what: Text }>;

export type FindingCode = keyof typeof FINDINGS;
export type PolicyName = 'strict' | 'compatible';
export const POLICIES: readonly PolicyName[] = ['strict', 'compatible'];

export interface VerificationPolicy {
  name: PolicyName;
  /** Tolerated clock difference (ms) for "genTime in the future" and signing-time ≤ genTime. */
  clockSkewMs: number;
}

export const STRICT: VerificationPolicy = { name: 'strict', clockSkewMs: 2 * 60 * 1000 };
export const COMPATIBLE: VerificationPolicy = { name: 'compatible', clockSkewMs: 2 * 60 * 1000 };

export function policyNamed(name: string): VerificationPolicy | undefined {
  return name === 'strict' ? STRICT : name === 'compatible' ? COMPATIBLE : undefined;
}

/** What the policy makes of a finding. */
export function decide(policy: VerificationPolicy, code: FindingCode): 'fail' | 'warn' {
  return FINDINGS[code][policy.name];
}

const digestFinding = (d: AnyDigest): FindingCode | undefined => (d === 'md5' ? 'digest-md5' : d === 'sha1' ? 'digest-sha1' : undefined);

/** The findings about a signature's algorithms and key (none when all is well). */
export function algorithmFindings(scheme: SignatureScheme, digest: AnyDigest, cert?: Certificate): { code: FindingCode; detail: Text }[] {
  const out: { code: FindingCode; detail: Text }[] = [];
  const d = digestFinding(digest);
  if (d) out.push({ code: d, detail: t`digest ${digest.toUpperCase()}` });
  if (scheme.kind !== 'ed25519' && scheme.hash !== digest) {
    const h = digestFinding(scheme.hash);
    if (h) out.push({ code: h, detail: t`signature hash ${scheme.hash.toUpperCase()}` });
  }
  const key = cert?.publicKey;
  if (key && (key.asymmetricKeyType === 'rsa' || key.asymmetricKeyType === 'rsa-pss')) {
    const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
    if (bits < 1024) out.push({ code: 'rsa-below-1024', detail: t`RSA key of ${bits} bits` });
    else if (bits < 2048) out.push({ code: 'rsa-below-2048', detail: t`RSA key of ${bits} bits` });
  }
  return out;
}

export function digestFindingOf(d: AnyDigest): FindingCode | undefined {
  return digestFinding(d);
}
