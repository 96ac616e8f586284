/**
 * X.509 certificate model (RFC 5280), parsed from the exact DER we were given so that
 * hashes (ESSCertID, fingerprints) are computed over the bytes as issued.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import {
  parse,
  seq,
  explicit,
  integer,
  integerBytes,
  bitString,
  boolean,
  time,
  octets,
  oid as readOid,
  TagClass,
  type Node,
  Asn1Error,
} from '../asn1/der.js';
import { OID } from '../asn1/oids.js';
import { readAlgorithmIdentifier, resolveSignatureScheme, verifySignature, hash, type AlgorithmIdentifier, type SignatureScheme, digestFromOid } from '../crypto/algorithms.js';
import { bytesEqual, toHex } from '../bytes.js';
import { InputError } from '../errors.js';
import { readName, formatName, type NameAttribute } from './name.js';
import { t } from '../text.js';

export const KEY_USAGE_BITS = [
  'digitalSignature',
  'nonRepudiation',
  'keyEncipherment',
  'dataEncipherment',
  'keyAgreement',
  'keyCertSign',
  'cRLSign',
  'encipherOnly',
  'decipherOnly',
] as const;
export type KeyUsage = (typeof KEY_USAGE_BITS)[number];

export interface Extension {
  oid: string;
  critical: boolean;
  value: Uint8Array;
}

export class Certificate {
  readonly der: Uint8Array;
  readonly tbs: Uint8Array;
  readonly version: number;
  /** Serial number content octets as encoded. */
  readonly serialBytes: Uint8Array;
  readonly serial: bigint;
  readonly issuerRaw: Uint8Array;
  readonly subjectRaw: Uint8Array;
  readonly issuerAttrs: NameAttribute[];
  readonly subjectAttrs: NameAttribute[];
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly spki: Uint8Array;
  readonly signatureAlgorithm: AlgorithmIdentifier;
  readonly signatureValue: Uint8Array;
  readonly extensions: ReadonlyMap<string, Extension>;
  #publicKey?: KeyObject | null;
  #sha256?: string;

  private constructor(der: Uint8Array) {
    const where = 'certificate';
    this.der = der;
    const root = parse(der, where);
    const [tbsNode, sigAlgNode, sigNode] = seq(root, where);
    const tbsFields = seq(tbsNode, `${where}.tbsCertificate`);
    this.tbs = tbsNode!.raw;
    let i = 0;
    this.version = 1;
    if (tbsFields[0]?.isContext(0)) {
      this.version = Number(integer(explicit(tbsFields[0], 0, `${where}.version`), `${where}.version`)) + 1;
      i++;
    }
    this.serialBytes = integerBytes(tbsFields[i], `${where}.serialNumber`);
    this.serial = integer(tbsFields[i++], `${where}.serialNumber`);
    i++; // inner signature algorithm, must match the outer one
    const issuerNode = tbsFields[i++]!;
    this.issuerRaw = issuerNode.raw;
    this.issuerAttrs = readName(issuerNode, `${where}.issuer`);
    const [nb, na] = seq(tbsFields[i++], `${where}.validity`);
    this.notBefore = time(nb, `${where}.notBefore`).date;
    this.notAfter = time(na, `${where}.notAfter`).date;
    const subjectNode = tbsFields[i++]!;
    this.subjectRaw = subjectNode.raw;
    this.subjectAttrs = readName(subjectNode, `${where}.subject`);
    const spkiNode = tbsFields[i++];
    seq(spkiNode, `${where}.subjectPublicKeyInfo`);
    this.spki = spkiNode!.raw;
    const exts = new Map<string, Extension>();
    for (; i < tbsFields.length; i++) {
      const f = tbsFields[i]!;
      if (f.tagClass === TagClass.Context && f.tag === 3) {
        for (const e of seq(explicit(f, 3, `${where}.extensions`), `${where}.extensions`)) {
          const parts = seq(e, `${where}.extension`);
          const o = readOid(parts[0], `${where}.extension.id`);
          const critical = parts.length === 3 ? boolean(parts[1], `${where}.extension.critical`) : false;
          const value = octets(parts[parts.length - 1], `${where}.extension.value`);
          if (exts.has(o)) throw new Asn1Error(t`${where}: duplicate extension ${o}`);
          exts.set(o, { oid: o, critical, value });
        }
      }
    }
    this.extensions = exts;
    this.signatureAlgorithm = readAlgorithmIdentifier(sigAlgNode, `${where}.signatureAlgorithm`);
    this.signatureValue = bitString(sigNode, `${where}.signatureValue`).bytes;
  }

  /** Parses one DER certificate. Throws InputError(MALFORMED_CERTIFICATE). */
  static fromDER(der: Uint8Array): Certificate {
    try {
      return new Certificate(new Uint8Array(der));
    } catch (err) {
      if (err instanceof InputError && err.code === 'MALFORMED_ASN1') {
        throw new InputError({ code: 'MALFORMED_CERTIFICATE', message: err.text, cause: err });
      }
      throw err;
    }
  }

  get subject(): string {
    return formatName(this.subjectAttrs);
  }
  get issuer(): string {
    return formatName(this.issuerAttrs);
  }
  get commonName(): string | undefined {
    return this.subjectAttrs.findLast((a) => a.type === OID.commonName)?.value;
  }
  get serialHex(): string {
    return toHex(this.serialBytes);
  }
  get sha256(): string {
    return (this.#sha256 ??= toHex(hash('sha256', this.der)));
  }
  get isSelfIssued(): boolean {
    return bytesEqual(this.issuerRaw, this.subjectRaw);
  }

  /** The public key, or undefined when node:crypto cannot load it (e.g. an unknown curve). */
  get publicKey(): KeyObject | undefined {
    if (this.#publicKey === undefined) {
      try {
        this.#publicKey = createPublicKey({ key: Buffer.from(this.spki), format: 'der', type: 'spki' });
      } catch {
        this.#publicKey = null;
      }
    }
    return this.#publicKey ?? undefined;
  }

  get keyDescription(): string {
    const k = this.publicKey;
    if (!k) return 'unknown key';
    const d = k.asymmetricKeyDetails;
    if (k.asymmetricKeyType === 'ec') return `EC ${d?.namedCurve ?? ''}`.trim();
    if (k.asymmetricKeyType === 'rsa' || k.asymmetricKeyType === 'rsa-pss') return `RSA-${d?.modulusLength ?? '?'}`;
    return k.asymmetricKeyType ?? 'unknown key';
  }

  /** KeyUsage bits set, or undefined when the extension is absent. */
  get keyUsage(): Set<KeyUsage> | undefined {
    const e = this.extensions.get(OID.keyUsage);
    if (!e) return undefined;
    const { bytes } = bitString(parse(e.value, 'keyUsage'), 'keyUsage');
    const out = new Set<KeyUsage>();
    KEY_USAGE_BITS.forEach((name, bit) => {
      const byte = bytes[bit >> 3];
      if (byte !== undefined && byte & (0x80 >> (bit & 7))) out.add(name);
    });
    return out;
  }

  get extKeyUsage(): { critical: boolean; purposes: string[] } | undefined {
    const e = this.extensions.get(OID.extKeyUsage);
    if (!e) return undefined;
    return { critical: e.critical, purposes: seq(parse(e.value, 'extKeyUsage'), 'extKeyUsage').map((n) => readOid(n, 'extKeyUsage')) };
  }

  get basicConstraints(): { ca: boolean; pathLen?: number } | undefined {
    const e = this.extensions.get(OID.basicConstraints);
    if (!e) return undefined;
    const f = seq(parse(e.value, 'basicConstraints'), 'basicConstraints');
    let ca = false;
    let pathLen: number | undefined;
    for (const n of f) {
      if (n.isUniversal(1)) ca = boolean(n, 'basicConstraints.cA');
      else pathLen = Number(integer(n, 'basicConstraints.pathLen'));
    }
    return pathLen === undefined ? { ca } : { ca, pathLen };
  }

  get isCA(): boolean {
    return this.basicConstraints?.ca === true;
  }

  get subjectKeyId(): Uint8Array | undefined {
    const e = this.extensions.get(OID.subjectKeyIdentifier);
    return e ? octets(parse(e.value, 'subjectKeyIdentifier'), 'subjectKeyIdentifier') : undefined;
  }

  get authorityKeyId(): Uint8Array | undefined {
    const e = this.extensions.get(OID.authorityKeyIdentifier);
    if (!e) return undefined;
    const kid = seq(parse(e.value, 'authorityKeyIdentifier'), 'authorityKeyIdentifier').find((n) => n.isContext(0));
    return kid && !kid.constructed ? kid.content : undefined;
  }

  get policies(): string[] {
    const e = this.extensions.get(OID.certificatePolicies);
    if (!e) return [];
    return seq(parse(e.value, 'certificatePolicies'), 'certificatePolicies').map((p) => readOid(seq(p, 'policyInformation')[0], 'policyIdentifier'));
  }

  /** subjectAltName directoryName entries (raw Name DER), for TSTInfo `tsa` matching. */
  get altDirectoryNames(): Uint8Array[] {
    const e = this.extensions.get(OID.subjectAltName);
    if (!e) return [];
    return seq(parse(e.value, 'subjectAltName'), 'subjectAltName')
      .filter((n) => n.isContext(4) && n.constructed && n.children.length === 1)
      .map((n) => n.children[0]!.raw);
  }

  get signatureScheme(): SignatureScheme | undefined {
    try {
      const d = digestFromOid(this.signatureAlgorithm.oid) ?? 'sha256';
      return resolveSignatureScheme(this.signatureAlgorithm, d, 'certificate.signatureAlgorithm');
    } catch {
      return undefined;
    }
  }

  /** True when `issuer`'s key verifies this certificate's signature. */
  isSignedBy(issuer: Certificate): boolean {
    const scheme = this.signatureScheme;
    const key = issuer.publicKey;
    if (!scheme || !key) return false;
    return verifySignature(scheme, key, this.tbs, this.signatureValue);
  }

  isValidAt(at: Date): boolean {
    return this.notBefore.getTime() <= at.getTime() && at.getTime() <= this.notAfter.getTime();
  }

  equals(other: Certificate): boolean {
    return bytesEqual(this.der, other.der);
  }

  toPEM(): string {
    return toPem('CERTIFICATE', this.der);
  }
}

export function toPem(label: string, der: Uint8Array): string {
  const b64 = Buffer.from(der).toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '');
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}

/** Every PEM block with the given label, decoded. */
export function pemBlocks(text: string, label: string): Uint8Array[] {
  const re = new RegExp(`-----BEGIN ${label}-----([\\s\\S]*?)-----END ${label}-----`, 'g');
  return [...text.matchAll(re)].map((m) => new Uint8Array(Buffer.from(m[1]!.replace(/\s+/g, ''), 'base64')));
}

/**
 * Certificates from a file's bytes: one or more PEM blocks, or one DER certificate.
 * `what` names the source in errors.
 */
export function parseCertificates(bytes: Uint8Array, what: string): Certificate[] {
  const text = Buffer.from(bytes).toString('latin1');
  if (text.includes('-----BEGIN CERTIFICATE-----')) {
    return pemBlocks(text, 'CERTIFICATE').map((d) => wrapCertError(() => Certificate.fromDER(d), what));
  }
  if (bytes[0] === 0x30) return [wrapCertError(() => Certificate.fromDER(bytes), what)];
  throw new InputError({ code: 'MALFORMED_CERTIFICATE', message: t`${what}: no certificate found (expected PEM or DER)` });
}

function wrapCertError<T>(f: () => T, what: string): T {
  try {
    return f();
  } catch (err) {
    if (err instanceof InputError) throw new InputError({ code: 'MALFORMED_CERTIFICATE', message: t`${what}: ${err.message}`, cause: err });
    throw err;
  }
}

/** Reads a Node that must be a Certificate SEQUENCE inside a CMS CertificateSet. */
export function certificateFromNode(n: Node): Certificate {
  return Certificate.fromDER(n.raw);
}
