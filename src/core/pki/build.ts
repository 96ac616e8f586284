/**
 * X.509 certificate and PKCS#10 request construction (RFC 5280, RFC 2986), for
 * self-asserted holder identities, the bundled TSA's certificates and test fixtures.
 */
import { createHash, type KeyObject } from 'node:crypto';
import { der } from '../asn1/der.js';
import { OID } from '../asn1/oids.js';
import { signData, signingSchemeFor } from '../crypto/algorithms.js';
import { parse, seq, bitString } from '../asn1/der.js';
import { Certificate, KEY_USAGE_BITS, type KeyUsage } from './certificate.js';

/** Name attributes in encoded order (most significant first), e.g. [['C','KR'],['O','Acme'],['CN','홍길동']]. */
export type NameSpec = readonly (readonly [string, string])[];

const NAME_OIDS: Record<string, string> = {
  C: '2.5.4.6',
  ST: '2.5.4.8',
  L: '2.5.4.7',
  O: OID.organizationName,
  OU: '2.5.4.11',
  CN: OID.commonName,
  E: OID.emailAddress,
  serialNumber: '2.5.4.5',
};

export function encodeName(name: NameSpec): Uint8Array {
  return der.sequence(
    ...name.map(([k, v]) => {
      const o = NAME_OIDS[k] ?? k;
      // countryName and serialNumber are PrintableString, emailAddress IA5String; everything else UTF8String.
      const value =
        k === 'C' || k === 'serialNumber'
          ? der.raw(Uint8Array.of(0x13, Buffer.byteLength(v, 'latin1')), new Uint8Array(Buffer.from(v, 'latin1')))
          : k === 'E'
            ? der.raw(Uint8Array.of(0x16, Buffer.byteLength(v, 'latin1')), new Uint8Array(Buffer.from(v, 'latin1')))
            : der.utf8(v);
      return der.setOf(der.sequence(der.oid(o), value));
    }),
  );
}

function extension(o: string, critical: boolean, value: Uint8Array): Uint8Array {
  return der.sequence(der.oid(o), critical ? der.boolean(true) : undefined, der.octetString(value));
}

function keyUsageValue(usages: readonly KeyUsage[]): Uint8Array {
  const bits = usages.map((u) => KEY_USAGE_BITS.indexOf(u));
  const max = Math.max(...bits);
  const bytes = new Uint8Array((max >> 3) + 1);
  for (const b of bits) bytes[b >> 3]! |= 0x80 >> (b & 7);
  return der.bitString(bytes, 7 - (max & 7));
}

/** SHA-1 of the subjectPublicKey BIT STRING (RFC 5280 §4.2.1.2 method 1). */
export function keyIdentifier(spki: Uint8Array): Uint8Array {
  const [, bits] = seq(parse(spki, 'spki'), 'spki');
  return new Uint8Array(createHash('sha1').update(bitString(bits, 'spki.subjectPublicKey').bytes).digest());
}

export interface CertificateSpec {
  subject: NameSpec;
  publicKey: KeyObject;
  /** Issuer certificate and its key; omit the certificate for a self-signed one. */
  issuer?: Certificate;
  issuerKey: KeyObject;
  serial: bigint;
  notBefore: Date;
  notAfter: Date;
  ca?: boolean;
  pathLen?: number;
  keyUsage?: readonly KeyUsage[];
  keyUsageCritical?: boolean;
  extKeyUsage?: readonly string[];
  extKeyUsageCritical?: boolean;
  policies?: readonly string[];
  emails?: readonly string[];
}

export function buildCertificate(s: CertificateSpec): Certificate {
  const spki = new Uint8Array(s.publicKey.export({ type: 'spki', format: 'der' }));
  const { scheme, algorithmId } = signingSchemeFor(s.issuerKey);
  const subject = encodeName(s.subject);
  const issuerName = s.issuer ? s.issuer.subjectRaw : subject;
  const ski = keyIdentifier(spki);
  const aki = s.issuer ? (s.issuer.subjectKeyId ?? keyIdentifier(s.issuer.spki)) : ski;
  const exts: Uint8Array[] = [];
  if (s.ca !== undefined) {
    exts.push(extension(OID.basicConstraints, true, der.sequence(s.ca ? der.boolean(true) : undefined, s.ca && s.pathLen !== undefined ? der.integer(s.pathLen) : undefined)));
  }
  if (s.keyUsage?.length) exts.push(extension(OID.keyUsage, s.keyUsageCritical ?? true, keyUsageValue(s.keyUsage)));
  if (s.extKeyUsage?.length) exts.push(extension(OID.extKeyUsage, s.extKeyUsageCritical ?? true, der.sequence(...s.extKeyUsage.map((o) => der.oid(o)))));
  exts.push(extension(OID.subjectKeyIdentifier, false, der.octetString(ski)));
  exts.push(extension(OID.authorityKeyIdentifier, false, der.sequence(der.implicitPrimitive(0, aki))));
  if (s.policies?.length) exts.push(extension(OID.certificatePolicies, false, der.sequence(...s.policies.map((p) => der.sequence(der.oid(p))))));
  if (s.emails?.length) {
    exts.push(extension(OID.subjectAltName, false, der.sequence(...s.emails.map((e) => der.implicitPrimitive(1, new Uint8Array(Buffer.from(e, 'latin1')))))));
  }
  const time = (d: Date) => (d.getUTCFullYear() < 2050 ? der.utcTime(d) : der.generalizedTime(d));
  const tbs = der.sequence(der.explicit(0, der.integer(2)), der.integer(s.serial), algorithmId, issuerName, der.sequence(time(s.notBefore), time(s.notAfter)), subject, spki, der.explicit(3, der.sequence(...exts)));
  const sig = signData(s.issuerKey, scheme, tbs);
  return Certificate.fromDER(der.sequence(tbs, algorithmId, der.bitString(sig)));
}

/** A PKCS#10 CertificationRequest (RFC 2986) for `subject`, signed with `key`. */
export function buildCsr(subject: NameSpec, key: KeyObject, publicKey: KeyObject): Uint8Array {
  const { scheme, algorithmId } = signingSchemeFor(key);
  const spki = new Uint8Array(publicKey.export({ type: 'spki', format: 'der' }));
  const info = der.sequence(der.integer(0), encodeName(subject), spki, der.implicitConstructed(0, new Uint8Array(0)));
  return der.sequence(info, algorithmId, der.bitString(signData(key, scheme, info)));
}

/** A random positive serial number of 128 bits (RFC 5280 allows up to 20 octets). */
export function randomSerial(random: (n: number) => Uint8Array): bigint {
  const b = random(16);
  b[0] = (b[0]! & 0x7f) | 0x01;
  return BigInt(`0x${Buffer.from(b).toString('hex')}`);
}
