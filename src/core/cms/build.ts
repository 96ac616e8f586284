/**
 * CMS SignedData construction (RFC 5652), used for the holder's CAdES-BES/-T signature
 * over a manifest and for the bundled TSA's tokens. The signature is made over the DER
 * SET of signed attributes; unsigned attributes (signature time-stamps) can be added
 * afterwards without touching what was signed.
 */
import type { KeyObject } from 'node:crypto';
import { der, tlv } from '../asn1/der.js';
import { OID } from '../asn1/oids.js';
import { digestAlgorithmId, hash, signData, signingSchemeFor, type AnyDigest } from '../crypto/algorithms.js';
import type { Certificate } from '../pki/certificate.js';

export type EssVersion = 'v1' | 'v2' | 'both' | 'none';

export function attribute(type: string, ...values: Uint8Array[]): Uint8Array {
  return der.sequence(der.oid(type), der.setOf(...values));
}

/** IssuerSerial ::= SEQUENCE { issuer GeneralNames, serialNumber } with issuer as directoryName [4]. */
function issuerSerial(cert: Certificate): Uint8Array {
  return der.sequence(der.sequence(der.explicit(4, cert.issuerRaw)), der.integerRaw(cert.serialBytes));
}

/** SigningCertificate (RFC 2634 §5.4) and/or SigningCertificateV2 (RFC 5035 §3) attributes for `cert`. */
/**
 * `chain` certificates (after the signer) are listed as further ESSCertIDs, so the
 * signature also covers which CA certificates vouch for the signer (RFC 5035 §3).
 */
export function essAttributes(cert: Certificate, version: EssVersion, v2Hash: AnyDigest = 'sha256', chain: readonly Certificate[] = []): Uint8Array[] {
  const out: Uint8Array[] = [];
  const all = [cert, ...chain];
  if (version === 'v1' || version === 'both') {
    const ids = all.map((c) => der.sequence(der.octetString(hash('sha1', c.der)), issuerSerial(c)));
    out.push(attribute(OID.signingCertificate, der.sequence(der.sequence(...ids))));
  }
  if (version === 'v2' || version === 'both') {
    // hashAlgorithm DEFAULT id-sha256 is omitted for SHA-256, as DER requires.
    const ids = all.map((c) => der.sequence(v2Hash === 'sha256' ? undefined : digestAlgorithmId(v2Hash), der.octetString(hash(v2Hash, c.der)), issuerSerial(c)));
    out.push(attribute(OID.signingCertificateV2, der.sequence(der.sequence(...ids))));
  }
  return out;
}

/** A signing time as RFC 5652 §11.3 wants it: UTCTime through 2049, GeneralizedTime after. */
export function signingTimeValue(d: Date): Uint8Array {
  return d.getUTCFullYear() < 2050 ? der.utcTime(d) : der.generalizedTime(d);
}

export interface SignerInputs {
  key: KeyObject;
  certificate: Certificate;
  /** Certificates to embed (signer first is conventional; order does not matter to verifiers that use sid). */
  certificates: readonly Certificate[];
  eContentType: string;
  /** The content (eContent, or the detached data). */
  content: Uint8Array;
  /** Embed the content (TSA tokens) or leave it detached (manifest signatures). */
  encapsulate: boolean;
  signingTime?: Date;
  ess: EssVersion;
  /** Bind these CA certificates too, as further ESSCertIDs. */
  essChain?: readonly Certificate[];
  /** Further signed attributes, already encoded. */
  extraSignedAttributes?: readonly Uint8Array[];
}

/** Everything needed to assemble the SignedData, possibly again with unsigned attributes. */
export interface PreparedSignature {
  inputs: SignerInputs;
  digest: AnyDigest;
  signedAttrsContent: Uint8Array;
  signatureAlgorithm: Uint8Array;
  /** The SignerInfo signature value: what a signature time-stamp covers (CAdES-T). */
  signature: Uint8Array;
}

export function prepareSignature(inputs: SignerInputs): PreparedSignature {
  const { scheme, algorithmId, digest, signedAttrsContent } = toBeSigned(inputs);
  const signature = signData(inputs.key, scheme, tlv(0x31, signedAttrsContent));
  return { inputs, digest, signedAttrsContent, signatureAlgorithm: algorithmId, signature };
}

/**
 * The same, signed elsewhere (a key agent): `inputs.key` is the public key (it picks the scheme),
 * `sign` returns the signature over the DER SET of signed attributes.
 */
export async function prepareSignatureWith(inputs: SignerInputs, sign: (toBeSigned: Uint8Array) => Promise<Uint8Array>): Promise<PreparedSignature> {
  const { algorithmId, digest, signedAttrsContent } = toBeSigned(inputs);
  const signature = await sign(tlv(0x31, signedAttrsContent));
  return { inputs, digest, signedAttrsContent, signatureAlgorithm: algorithmId, signature };
}

function toBeSigned(inputs: SignerInputs) {
  const { scheme, algorithmId, digest } = signingSchemeFor(inputs.key);
  const attrs = [
    attribute(OID.contentType, der.oid(inputs.eContentType)),
    inputs.signingTime ? attribute(OID.signingTime, signingTimeValue(inputs.signingTime)) : undefined,
    attribute(OID.messageDigest, der.octetString(hash(digest, inputs.content))),
    ...essAttributes(inputs.certificate, inputs.ess, 'sha256', inputs.essChain ?? []),
    ...(inputs.extraSignedAttributes ?? []),
  ].filter((x): x is Uint8Array => !!x);
  // The signature covers the DER SET OF (tag 0x31); the SignerInfo carries the same content under [0].
  return { scheme, algorithmId, digest, signedAttrsContent: setContent(attrs) };
}

/** Encodes the ContentInfo(SignedData). `unsignedAttributes` are encoded Attribute values. */
export function assembleSignedData(p: PreparedSignature, unsignedAttributes: readonly Uint8Array[] = []): Uint8Array {
  const i = p.inputs;
  const signerInfo = der.sequence(
    der.integer(1),
    der.sequence(i.certificate.issuerRaw, der.integerRaw(i.certificate.serialBytes)),
    digestAlgorithmId(p.digest),
    der.implicitConstructed(0, p.signedAttrsContent),
    p.signatureAlgorithm,
    der.octetString(p.signature),
    unsignedAttributes.length ? der.implicitConstructed(1, setContent(unsignedAttributes)) : undefined,
  );
  // RFC 5652 §5.1: version 3 when eContentType is not id-data, else 1.
  const version = i.eContentType === OID.data ? 1 : 3;
  const certs = i.certificates.length ? der.implicitConstructed(0, setContent(i.certificates.map((c) => c.der))) : undefined;
  const signedData = der.sequence(der.integer(version), der.setOf(digestAlgorithmId(p.digest)), der.sequence(der.oid(i.eContentType), i.encapsulate ? der.explicit(0, der.octetString(i.content)) : undefined), certs, der.setOf(signerInfo));
  return der.sequence(der.oid(OID.signedData), der.explicit(0, signedData));
}

/** Content octets of a DER SET OF (sorted). */
function setContent(items: readonly Uint8Array[]): Uint8Array {
  return der.raw(...[...items].sort((a, b) => Buffer.compare(a, b)));
}
