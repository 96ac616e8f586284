/**
 * What tsproof should conclude about each known-bad artifact of the corpus, and why — shared
 * by the test (test/interop/verdicts.test.ts) and the table (docs/interop.md).
 *   fails: check ids that must fail under both policies (the reason the name gives);
 *   explain: where tsproof's verdict cannot be, or should not be, what the name suggests.
 */
export const KNOWN_BAD: Record<string, { fails?: string[]; strictFails?: string[]; explain?: string }> = {
  'BAD__tob__sigstage_response-invalid-signature': { fails: ['timestamp.signature'] },
  'BAD__tob__response-injected-certs': {
    explain: 'injected "Spoofed TSA" certificates are ignored: the signer is found by its sid and the chain by trust anchors, so the genuine token verifies (the attack in GHSA-3xxc-pwj6-jgrj fails against tsproof)',
  },
  BAD__bc__generalizedTime: {
    strictFails: ['timestamp.imprint'],
    explain:
      'labelled bad upstream for invalid integers outside what the signature covers; the token itself (SHA-1, fractional genTime .933) verifies under the compatible policy. OpenSSL fails it only because of the attribute certificate in the bag',
  },
  'BAD__dss__pades-two-sig-copied-tst': { fails: ['timestamp.imprint'] },
  BAD__dss__tstWithEmptyCertSource: { fails: ['timestamp.signer-certificate'] },
  'BAD__dss__CAdES-BpT_modified_ts_hash': { fails: ['timestamp.signed-attributes', 'timestamp.imprint'] },
  'BAD__dss__cades-broken-sig-tst': {
    strictFails: ['timestamp.serial'],
    explain: 'DSS rejects it because the issuing CA had expired; that CA is in neither the token nor the fixture, so no verifier can see it. tsproof refuses it under strict for its serial number 0',
  },
  BAD__dss__tst_with_broken_ocsp: {
    explain:
      'the OCSP response sits in the unsigned crls field and is well-formed; its content is not evaluated in this version (revocation checking is future work), so the token verifies. OpenSSL cannot parse OtherRevocationInfoFormat at all',
  },
  'BAD__dss__tst-two-refs': { fails: ['timestamp.ess-certid'] },
  'BAD__conf__rekor2-timestamp-payload-mismatch_fail': { fails: ['timestamp.imprint'] },
  'BAD__conf__rekor2-timestamp-outside-tsa-cert-validity_fail': { fails: ['timestamp.chain-validity'] },
  'BAD__conf__intoto-tsa-timestamp-outside-cert-validity_fail': {
    strictFails: ['timestamp.serial'],
    explain: "the conformance case is about the in-toto bundle's signing certificate, which is not part of the token; the token itself is valid at its genTime (strict refuses its negative serial number)",
  },
};

/** Artifacts that are not labelled bad but that no verifier can accept, and why. */
export const UNVERIFIABLE: Record<string, string> = {
  'dss__cms-wrong-sign-cert-ref': 'the signature does not verify with the certificate its sid names (OpenSSL agrees)',
  dig__respRejection: 'a rejection response: there is no token',
  bc__unacceptablePolicy: 'a rejection response (unacceptedPolicy): there is no token',
};

/** Conformance cases whose failure depends on the relying party's trust configuration. */
export const TRUST_DEPENDENT: Record<string, string> = {
  'untrusted-tsa-with-embedded-cert_fail':
    'fails upstream because FreeTSA is not in the conformance trust root; tsproof never trusts the root embedded in the token (without --trust the chain check fails), and verifies it when that root is trusted explicitly, as here',
  'untrusted-tsa-without-embedded-cert_fail': 'the token carries no certificate: the signature cannot be checked without the TSA certificate',
};

export function knownBad(path: string) {
  const key = Object.keys(KNOWN_BAD).find((k) => path.includes(k));
  return key ? { key, ...KNOWN_BAD[key]! } : undefined;
}
