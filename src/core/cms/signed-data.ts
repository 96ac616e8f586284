/**
 * CMS SignedData (RFC 5652 §5) parsing into a model that keeps original bytes.
 *
 *   ContentInfo ::= SEQUENCE { contentType OID, content [0] EXPLICIT ANY }
 *   SignedData ::= SEQUENCE { version, digestAlgorithms SET OF AlgorithmIdentifier,
 *     encapContentInfo EncapsulatedContentInfo, certificates [0] IMPLICIT CertificateSet OPTIONAL,
 *     crls [1] IMPLICIT RevocationInfoChoices OPTIONAL, signerInfos SET OF SignerInfo }
 *   SignerInfo ::= SEQUENCE { version, sid SignerIdentifier, digestAlgorithm,
 *     signedAttrs [0] IMPLICIT SignedAttributes OPTIONAL, signatureAlgorithm,
 *     signature OCTET STRING, unsignedAttrs [1] IMPLICIT UnsignedAttributes OPTIONAL }
 */
import { parse, seq, set, setNode, oid as readOid, integerBytes, explicit, octets, flattenOctets, Tag, TagClass, type Node, Asn1Error, smallInt } from '../asn1/der.js';
import { OID } from '../asn1/oids.js';
import { readAlgorithmIdentifier, type AlgorithmIdentifier } from '../crypto/algorithms.js';
import { Certificate } from '../pki/certificate.js';
import { bytesEqual } from '../bytes.js';
import { t } from '../text.js';

export type SignerIdentifier = { kind: 'issuerAndSerial'; issuerRaw: Uint8Array; serialBytes: Uint8Array } | { kind: 'subjectKeyId'; keyId: Uint8Array };

export interface Attribute {
  oid: string;
  values: readonly Node[];
}

export interface SignerInfo {
  version: number;
  sid: SignerIdentifier;
  digestAlgorithm: AlgorithmIdentifier;
  /** signedAttrs exactly as received (tag [0]); undefined when absent. */
  signedAttrsRaw?: Uint8Array;
  signedAttrs: Attribute[];
  /** The parsed signedAttrs node, for a DER re-encoding fallback. */
  signedAttrsNode?: Node;
  signatureAlgorithm: AlgorithmIdentifier;
  signature: Uint8Array;
  unsignedAttrs: Attribute[];
}

export interface SignedData {
  contentType: string;
  version: number;
  digestAlgorithms: AlgorithmIdentifier[];
  eContentType: string;
  /** eContent octets (constructed BER OCTET STRINGs flattened); undefined when detached. */
  eContent?: Uint8Array;
  /**
   * How eContent is wrapped when it is not an OCTET STRING, e.g. `UNIVERSAL 16`: CMS requires
   * an OCTET STRING (RFC 5652 §5.2); PKCS#7 v1.5 (Authenticode) allowed any type.
   */
  eContentWrapper?: string;
  certificates: Certificate[];
  /** Non-X.509 CertificateChoices (attribute certificates, other) — kept only as a count. */
  otherCertificates: number;
  /** RevocationInfoChoices entries as raw bytes (CRLs or OtherRevocationInfoFormat such as OCSP). */
  revocationInfo: Uint8Array[];
  signerInfos: SignerInfo[];
}

/** Parses a DER/BER ContentInfo. Throws Asn1Error for anything malformed. */
export function parseContentInfo(der: Uint8Array, what: string): { contentType: string; content: Node } {
  const [ct, content] = seq(parse(der, what), what);
  const contentType = readOid(ct, `${what}.contentType`);
  return { contentType, content: explicit(content, 0, `${what}.content`) };
}

export function parseSignedData(der: Uint8Array, what: string): SignedData {
  const { contentType, content } = parseContentInfo(der, what);
  if (contentType !== OID.signedData) {
    // Returned as data so that the verifier can name the failed check.
    return { contentType, version: 0, digestAlgorithms: [], eContentType: '', certificates: [], otherCertificates: 0, revocationInfo: [], signerInfos: [] };
  }
  const w = `${what}.signedData`;
  const f = seq(content, w);
  let i = 0;
  const version = smallInt(f[i++], `${w}.version`);
  const digestAlgorithms = set(f[i++], `${w}.digestAlgorithms`).map((n) => readAlgorithmIdentifier(n, `${w}.digestAlgorithm`));
  const encap = seq(f[i++], `${w}.encapContentInfo`);
  const eContentType = readOid(encap[0], `${w}.eContentType`);
  let eContent: Uint8Array | undefined;
  let eContentWrapper: string | undefined;
  if (encap[1]) {
    const inner = explicit(encap[1], 0, `${w}.eContent`);
    // CMS wraps content in an OCTET STRING; PKCS#7 v1.5 (e.g. Authenticode) allows any type,
    // whose content octets are what the message digest covers. Verifiers decide what they accept.
    if (inner.isUniversal(Tag.OCTET_STRING)) eContent = octets(inner, `${w}.eContent`);
    else {
      eContent = inner.content;
      eContentWrapper = inner.describe();
    }
  }
  const certificates: Certificate[] = [];
  let otherCertificates = 0;
  const revocationInfo: Uint8Array[] = [];
  if (f[i]?.is(TagClass.Context, 0)) {
    for (const c of f[i++]!.children) {
      if (c.isUniversal(Tag.SEQUENCE)) certificates.push(Certificate.fromDER(c.raw));
      else otherCertificates++;
    }
  }
  if (f[i]?.is(TagClass.Context, 1)) {
    for (const c of f[i++]!.children) revocationInfo.push(c.raw);
  }
  const signerInfos = set(f[i++], `${w}.signerInfos`).map((n, k) => parseSignerInfo(n, `${w}.signerInfos[${k}]`));
  if (i !== f.length) throw new Asn1Error(t`${w}: unexpected trailing fields`);
  const sd: SignedData = { contentType, version, digestAlgorithms, eContentType, certificates, otherCertificates, revocationInfo, signerInfos };
  if (eContent) sd.eContent = eContent;
  if (eContentWrapper) sd.eContentWrapper = eContentWrapper;
  return sd;
}

function parseAttributes(n: Node, where: string): Attribute[] {
  return n.children.map((a, k) => {
    const [t, vals] = seq(a, `${where}[${k}]`);
    const oid = readOid(t, `${where}[${k}].type`);
    const values = setNode(vals, `${where}[${k}].values`);
    // The values are made when asked for: an attribute nobody reads may hold 100,000s of them.
    return {
      oid,
      get values() {
        return values.children;
      },
    };
  });
}

function parseSignerInfo(n: Node, w: string): SignerInfo {
  const f = seq(n, w);
  let i = 0;
  const version = smallInt(f[i++], `${w}.version`);
  const sidNode = f[i++];
  let sid: SignerIdentifier;
  if (sidNode?.isContext(0)) {
    sid = { kind: 'subjectKeyId', keyId: flattenOctets(sidNode, `${w}.sid`) };
  } else {
    const [issuer, serial] = seq(sidNode, `${w}.sid`);
    seq(issuer, `${w}.sid.issuer`);
    sid = { kind: 'issuerAndSerial', issuerRaw: issuer!.raw, serialBytes: integerBytes(serial, `${w}.sid.serialNumber`) };
  }
  const digestAlgorithm = readAlgorithmIdentifier(f[i++], `${w}.digestAlgorithm`);
  let signedAttrsRaw: Uint8Array | undefined;
  let signedAttrsNode: Node | undefined;
  let signedAttrs: Attribute[] = [];
  if (f[i]?.isContext(0)) {
    signedAttrsRaw = f[i]!.raw;
    signedAttrsNode = f[i];
    signedAttrs = parseAttributes(f[i++]!, `${w}.signedAttrs`);
  }
  const signatureAlgorithm = readAlgorithmIdentifier(f[i++], `${w}.signatureAlgorithm`);
  const signature = octets(f[i++], `${w}.signature`);
  let unsignedAttrs: Attribute[] = [];
  if (f[i]?.isContext(1)) unsignedAttrs = parseAttributes(f[i++]!, `${w}.unsignedAttrs`);
  if (i !== f.length) throw new Asn1Error(t`${w}: unexpected trailing fields`);
  const si: SignerInfo = { version, sid, digestAlgorithm, signedAttrs, signatureAlgorithm, signature, unsignedAttrs };
  if (signedAttrsRaw) si.signedAttrsRaw = signedAttrsRaw;
  if (signedAttrsNode) si.signedAttrsNode = signedAttrsNode;
  return si;
}

/** True when `cert` is the one a SignerInfo's `sid` names (RFC 5652 §5.3). */
export function sidMatches(sid: SignerIdentifier, cert: Certificate): boolean {
  if (sid.kind === 'issuerAndSerial') {
    return bytesEqual(sid.issuerRaw, cert.issuerRaw) && integerEq(sid.serialBytes, cert.serialBytes);
  }
  const ski = cert.subjectKeyId;
  return !!ski && bytesEqual(ski, sid.keyId);
}

/** Compares two INTEGER encodings as numbers (tolerates a non-minimal leading zero). */
function integerEq(a: Uint8Array, b: Uint8Array): boolean {
  const strip = (x: Uint8Array) => {
    let k = 0;
    while (k < x.length - 1 && x[k] === 0 && (x[k + 1]! & 0x80) === 0) k++;
    return x.subarray(k);
  };
  return bytesEqual(strip(a), strip(b));
}

export function attr(attrs: readonly Attribute[], o: string): Attribute[] {
  return attrs.filter((a) => a.oid === o);
}
