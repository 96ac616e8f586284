/** Object identifiers used across the core. Nothing else hard-codes OIDs. */
export const OID = {
  // content types
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  tstInfo: '1.2.840.113549.1.9.16.1.4',
  envelopedData: '1.2.840.113549.1.7.3',
  authEnvelopedData: '1.2.840.113549.1.9.16.1.23',
  // attributes
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
  signingCertificate: '1.2.840.113549.1.9.16.2.12',
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
  signatureTimeStampToken: '1.2.840.113549.1.9.16.2.14',
  /** Microsoft's attribute for an RFC 3161 token countersigning an Authenticode signature. */
  msRfc3161TimeStamp: '1.3.6.1.4.1.311.3.3.1',
  cmsAlgorithmProtection: '1.2.840.113549.1.9.52',
  // digests
  md5: '1.2.840.113549.2.5',
  sha1: '1.3.14.3.2.26',
  sha224: '2.16.840.1.101.3.4.2.4',
  sha256: '2.16.840.1.101.3.4.2.1',
  sha384: '2.16.840.1.101.3.4.2.2',
  sha512: '2.16.840.1.101.3.4.2.3',
  sha3_256: '2.16.840.1.101.3.4.2.8',
  sha3_384: '2.16.840.1.101.3.4.2.9',
  sha3_512: '2.16.840.1.101.3.4.2.10',
  // public keys and signatures
  rsaEncryption: '1.2.840.113549.1.1.1',
  md5WithRSA: '1.2.840.113549.1.1.4',
  sha1WithRSA: '1.2.840.113549.1.1.5',
  rsassaPss: '1.2.840.113549.1.1.10',
  mgf1: '1.2.840.113549.1.1.8',
  sha256WithRSA: '1.2.840.113549.1.1.11',
  sha384WithRSA: '1.2.840.113549.1.1.12',
  sha512WithRSA: '1.2.840.113549.1.1.13',
  sha224WithRSA: '1.2.840.113549.1.1.14',
  ecPublicKey: '1.2.840.10045.2.1',
  ecdsaWithSHA1: '1.2.840.10045.4.1',
  ecdsaWithSHA224: '1.2.840.10045.4.3.1',
  ecdsaWithSHA256: '1.2.840.10045.4.3.2',
  ecdsaWithSHA384: '1.2.840.10045.4.3.3',
  ecdsaWithSHA512: '1.2.840.10045.4.3.4',
  ed25519: '1.3.101.112',
  // key transport and agreement (RFC 8017, RFC 5753, RFC 8418), content encryption (RFC 3565, RFC 5084)
  rsaesOaep: '1.2.840.113549.1.1.7',
  pSpecified: '1.2.840.113549.1.1.9',
  dhSinglePassStdDHSha1Kdf: '1.3.133.16.840.63.0.2',
  dhSinglePassStdDHSha224Kdf: '1.3.132.1.11.0',
  dhSinglePassStdDHSha256Kdf: '1.3.132.1.11.1',
  dhSinglePassStdDHSha384Kdf: '1.3.132.1.11.2',
  dhSinglePassStdDHSha512Kdf: '1.3.132.1.11.3',
  secp256r1: '1.2.840.10045.3.1.7',
  secp384r1: '1.3.132.0.34',
  secp521r1: '1.3.132.0.35',
  desEde3Cbc: '1.2.840.113549.3.7',
  aes128Cbc: '2.16.840.1.101.3.4.1.2',
  aes192Cbc: '2.16.840.1.101.3.4.1.22',
  aes256Cbc: '2.16.840.1.101.3.4.1.42',
  aes128Gcm: '2.16.840.1.101.3.4.1.6',
  aes192Gcm: '2.16.840.1.101.3.4.1.26',
  aes256Gcm: '2.16.840.1.101.3.4.1.46',
  /** AES-256-GMAC (RFC 9044). */
  aes256Gmac: '2.16.840.1.101.3.4.1.49',
  aes128Wrap: '2.16.840.1.101.3.4.1.5',
  aes192Wrap: '2.16.840.1.101.3.4.1.25',
  aes256Wrap: '2.16.840.1.101.3.4.1.45',
  cms3DesWrap: '1.2.840.113549.1.9.16.3.6',
  // certificate extensions
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  authorityKeyIdentifier: '2.5.29.35',
  extKeyUsage: '2.5.29.37',
  certificatePolicies: '2.5.29.32',
  nameConstraints: '2.5.29.30',
  policyMappings: '2.5.29.33',
  policyConstraints: '2.5.29.36',
  inhibitAnyPolicy: '2.5.29.54',
  anyExtendedKeyUsage: '2.5.29.37.0',
  timeStamping: '1.3.6.1.5.5.7.3.8',
  qcStatements: '1.3.6.1.5.5.7.1.3',
  // revocation (RFC 5280 §4.2.2.1, §4.2.1.13, §5; RFC 6960)
  authorityInfoAccess: '1.3.6.1.5.5.7.1.1',
  crlDistributionPoints: '2.5.29.31',
  adOcsp: '1.3.6.1.5.5.7.48.1',
  ocspBasic: '1.3.6.1.5.5.7.48.1.1',
  ocspNonce: '1.3.6.1.5.5.7.48.1.2',
  ocspSigning: '1.3.6.1.5.5.7.3.9',
  crlNumber: '2.5.29.20',
  crlReason: '2.5.29.21',
  invalidityDate: '2.5.29.24',
  /** RFC 5940 §4.2: an OCSP response as an OtherRevocationInfoFormat of a CMS crls field. */
  riOcspResponse: '1.3.6.1.5.5.7.16.2',
  // names
  commonName: '2.5.4.3',
  organizationName: '2.5.4.10',
  emailAddress: '1.2.840.113549.1.9.1',
} as const;

/**
 * tsproof's own arc: a UUID-derived OID (ITU-T X.667, `2.25.<uuid>`), which needs no
 * registration and cannot collide. UUID 8179e892-1aed-4e5d-bf27-a528222b7a3a.
 */
export const TSPROOF_ARC = '2.25.172103396470810131766285606417406327354';
/** Default TSA policy of the bundled TSA. */
export const TSPROOF_TSA_POLICY = `${TSPROOF_ARC}.1`;
/** Certificate policy put in self-asserted holder certificates, so that anyone can see they are self-asserted. */
export const TSPROOF_SELF_ASSERTED_POLICY = `${TSPROOF_ARC}.2`;
/** Technology escrow (docs/escrow.md): attributes of a deposit's AuthEnvelopedData. */
const ESCROW_ARC = `${TSPROOF_ARC}.19`;
/** The registration receipt (its JSON bytes in an OCTET STRING). */
export const ESCROW_RECEIPT_ATTRIBUTE = `${ESCROW_ARC}.1`;
/** The depositor's signed deposit statement (a ContentInfo SignedData). */
export const ESCROW_STATEMENT_ATTRIBUTE = `${ESCROW_ARC}.2`;
/** The MAC of a CBC deposit's ciphertext: SEQUENCE { AlgorithmIdentifier (AES-256-GMAC), OCTET STRING }. */
export const ESCROW_MAC_ATTRIBUTE = `${ESCROW_ARC}.3`;
