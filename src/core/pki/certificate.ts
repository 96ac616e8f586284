/**
 * X.509 certificate model (RFC 5280), parsed from the exact DER we were given so that
 * hashes (ESSCertID, fingerprints) are computed over the bytes as issued.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { parse, seq, explicit, integer, integerBytes, bitString, boolean, time, octets, oid as readOid, Tag, TagClass, type Node, Asn1Error } from '../asn1/der.js';
import { OID } from '../asn1/oids.js';
import { readAlgorithmIdentifier, resolveSignatureScheme, verifySignature, hash, type AlgorithmIdentifier, type SignatureScheme, digestFromOid } from '../crypto/algorithms.js';
import { bytesEqual, toHex } from '../bytes.js';
import { InputError, LimitError, rethrowLimit } from '../errors.js';
import { readName, formatName, type NameAttribute } from './name.js';
import { readGeneralNames, readNameConstraints, type GeneralName, type NameConstraints } from './general-name.js';
import { t } from '../text.js';
import { LIMITS } from '../limits.js';

export const KEY_USAGE_BITS = ['digitalSignature', 'nonRepudiation', 'keyEncipherment', 'dataEncipherment', 'keyAgreement', 'keyCertSign', 'cRLSign', 'encipherOnly', 'decipherOnly'] as const;
export type KeyUsage = (typeof KEY_USAGE_BITS)[number];

export interface Extension {
  oid: string;
  critical: boolean;
  value: Uint8Array;
}

/**
 * Extensions whose meaning tsproof applies during path validation, so that a certificate
 * marking one of them critical is understood (RFC 5280 §4.2: a critical extension that is
 * not recognised makes the certificate unusable). As with OpenSSL's default, the policy
 * extensions are recognised but no particular policy is required; subject and authority key
 * identifiers are only hints for path building and must not be critical (§4.2.1.1, §4.2.1.2).
 */
export const RECOGNISED_EXTENSIONS: ReadonlySet<string> = new Set([
  OID.basicConstraints,
  OID.keyUsage,
  OID.extKeyUsage,
  OID.subjectAltName,
  OID.nameConstraints,
  OID.certificatePolicies,
  OID.policyMappings,
  OID.policyConstraints,
  OID.inhibitAnyPolicy,
]);

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
  /** KeyUsage bits set, or undefined when the extension is absent. */
  readonly keyUsage: ReadonlySet<KeyUsage> | undefined;
  readonly extKeyUsage: { critical: boolean; purposes: string[] } | undefined;
  readonly basicConstraints: { ca: boolean; pathLen?: number } | undefined;
  readonly subjectKeyId: Uint8Array | undefined;
  readonly authorityKeyId: Uint8Array | undefined;
  /** certificatePolicies policy identifiers. */
  readonly policies: readonly string[];
  /** subjectAltName entries. */
  readonly altNames: readonly GeneralName[];
  readonly nameConstraints: NameConstraints | undefined;
  #publicKey?: KeyObject | null;
  #sha256?: string;

  /**
   * Every field is read and typed here, the extensions tsproof uses included: a certificate
   * that is cut short, has fields left over or a malformed known extension is malformed as a
   * whole (never half-read, and never read as "no restriction").
   */
  private constructor(der: Uint8Array) {
    const where = 'certificate';
    this.der = der;
    const top = seq(parse(der, where), where);
    if (top.length !== 3) throw new Asn1Error(t`${where}: expected tbsCertificate, signatureAlgorithm and signatureValue, found ${top.length} field(s)`);
    const [tbsNode, sigAlgNode, sigNode] = top;
    const f = seq(tbsNode, `${where}.tbsCertificate`);
    this.tbs = tbsNode!.raw;
    let i = 0;
    this.version = 1;
    if (f[0]?.isContext(0)) {
      const v = integer(explicit(f[0], 0, `${where}.version`), `${where}.version`);
      if (v < 0n || v > 2n) throw new Asn1Error(t`${where}.version: unknown version ${v}`);
      this.version = Number(v) + 1;
      i++;
    }
    this.serialBytes = integerBytes(f[i], `${where}.serialNumber`);
    this.serial = integer(f[i++], `${where}.serialNumber`);
    readAlgorithmIdentifier(f[i++], `${where}.signature`);
    const issuerNode = f[i++];
    this.issuerAttrs = readName(issuerNode, `${where}.issuer`);
    this.issuerRaw = issuerNode!.raw;
    const validity = seq(f[i++], `${where}.validity`);
    if (validity.length !== 2) throw new Asn1Error(t`${where}.validity: expected notBefore and notAfter`);
    this.notBefore = time(validity[0], `${where}.notBefore`).date;
    this.notAfter = time(validity[1], `${where}.notAfter`).date;
    const subjectNode = f[i++];
    this.subjectAttrs = readName(subjectNode, `${where}.subject`);
    this.subjectRaw = subjectNode!.raw;
    const spkiNode = f[i++];
    seq(spkiNode, `${where}.subjectPublicKeyInfo`);
    this.spki = spkiNode!.raw;
    if (this.spki.length > LIMITS.publicKeyBytes) throw new LimitError(t`${where}.subjectPublicKeyInfo: a public key of ${this.spki.length} bytes is beyond the limit of ${LIMITS.publicKeyBytes} bytes`);
    const exts = new Map<string, Extension>();
    // Optional issuerUniqueID [1], subjectUniqueID [2], extensions [3], in that order; nothing else.
    let lastTag = 0;
    for (; i < f.length; i++) {
      const n = f[i]!;
      if (n.tagClass !== TagClass.Context || n.tag <= lastTag || n.tag > 3) throw new Asn1Error(t`${where}.tbsCertificate: unexpected ${n.describe()}`);
      lastTag = n.tag;
      if (n.tag !== 3) continue;
      for (const e of seq(explicit(n, 3, `${where}.extensions`), `${where}.extensions`)) {
        const parts = seq(e, `${where}.extension`);
        if (parts.length !== 2 && parts.length !== 3) throw new Asn1Error(t`${where}.extension: expected 2 or 3 fields, found ${parts.length}`);
        const o = readOid(parts[0], `${where}.extension.id`);
        const critical = parts.length === 3 ? boolean(parts[1], `${where}.extension.critical`) : false;
        const value = octets(parts[parts.length - 1], `${where}.extension.value`);
        if (exts.has(o)) throw new Asn1Error(t`${where}: duplicate extension ${o}`);
        exts.set(o, { oid: o, critical, value });
      }
    }
    this.extensions = exts;
    const ext = <T>(o: string, name: string, read: (value: Uint8Array, where: string) => T): T | undefined => {
      const e = exts.get(o);
      return e ? read(e.value, `${where}.${name}`) : undefined;
    };
    this.keyUsage = ext(OID.keyUsage, 'keyUsage', readKeyUsage);
    const eku = ext(OID.extKeyUsage, 'extKeyUsage', (v, w) => seq(parse(v, w), w).map((n) => readOid(n, w)));
    this.extKeyUsage = eku && { critical: exts.get(OID.extKeyUsage)!.critical, purposes: eku };
    this.basicConstraints = ext(OID.basicConstraints, 'basicConstraints', readBasicConstraints);
    this.subjectKeyId = ext(OID.subjectKeyIdentifier, 'subjectKeyIdentifier', (v, w) => octets(parse(v, w), w));
    this.authorityKeyId = ext(OID.authorityKeyIdentifier, 'authorityKeyIdentifier', (v, w) => {
      const kid = seq(parse(v, w), w).find((n) => n.isContext(0));
      if (kid?.constructed) throw new Asn1Error(t`${w}.keyIdentifier: must be primitive`);
      return kid?.content;
    });
    this.policies = ext(OID.certificatePolicies, 'certificatePolicies', (v, w) => seq(parse(v, w), w).map((p) => readOid(seq(p, `${w}.policyInformation`)[0], `${w}.policyIdentifier`))) ?? [];
    this.altNames = ext(OID.subjectAltName, 'subjectAltName', (v, w) => readGeneralNames(parse(v, w), w)) ?? [];
    this.nameConstraints = ext(OID.nameConstraints, 'nameConstraints', (v) => readNameConstraints(v));
    this.signatureAlgorithm = readAlgorithmIdentifier(sigAlgNode, `${where}.signatureAlgorithm`);
    this.signatureValue = bitString(sigNode, `${where}.signatureValue`).bytes;
  }

  /** Parses one DER certificate. Throws InputError(MALFORMED_CERTIFICATE), naming `what` (e.g. the file) when given. */
  static fromDER(der: Uint8Array, what?: string): Certificate {
    try {
      return new Certificate(new Uint8Array(der));
    } catch (err) {
      if (err instanceof InputError && err.code === 'MALFORMED_ASN1') {
        throw new InputError({ code: 'MALFORMED_CERTIFICATE', message: what === undefined ? err.text : t`${what}: ${err.text}`, cause: err });
      }
      if (err instanceof LimitError && what !== undefined) throw new LimitError(t`${what}: ${err.text}`, { named: true });
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

  get isCA(): boolean {
    return this.basicConstraints?.ca === true;
  }

  /**
   * May this certificate's key sign certificates (RFC 5280 §4.2.1.9, §4.2.1.3)? Only a CA
   * (basicConstraints cA=TRUE) whose key usage, when present, includes keyCertSign. A
   * certificate without basicConstraints — an end entity, or a v1 certificate — never can.
   */
  get canIssue(): boolean {
    return this.isCA && (!this.keyUsage || this.keyUsage.has('keyCertSign'));
  }

  /** Critical extensions tsproof does not understand (RFC 5280 §4.2); such a certificate must not be used. */
  get unrecognisedCriticalExtensions(): string[] {
    return [...this.extensions.values()].filter((e) => e.critical && !RECOGNISED_EXTENSIONS.has(e.oid)).map((e) => e.oid);
  }

  /** subjectAltName directoryName entries (raw Name DER), for TSTInfo `tsa` matching. */
  get altDirectoryNames(): Uint8Array[] {
    return this.altNames.flatMap((n) => (n.form === 'directoryName' ? [n.name] : []));
  }

  get signatureScheme(): SignatureScheme | undefined {
    try {
      const d = digestFromOid(this.signatureAlgorithm.oid) ?? 'sha256';
      return resolveSignatureScheme(this.signatureAlgorithm, d, 'certificate.signatureAlgorithm');
    } catch (err) {
      rethrowLimit(err);
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
  const b64 = Buffer.from(der)
    .toString('base64')
    .replace(/(.{64})/g, '$1\n')
    .replace(/\n$/, '');
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
    return pemBlocks(text, 'CERTIFICATE').map((d) => Certificate.fromDER(d, what));
  }
  if (bytes[0] === 0x30) return [Certificate.fromDER(bytes, what)];
  throw new InputError({ code: 'MALFORMED_CERTIFICATE', message: t`${what}: no certificate found (expected PEM or DER)` });
}

function readKeyUsage(value: Uint8Array, where: string): Set<KeyUsage> {
  const { bytes } = bitString(parse(value, where), where);
  const out = new Set<KeyUsage>();
  KEY_USAGE_BITS.forEach((name, bit) => {
    const byte = bytes[bit >> 3];
    if (byte !== undefined && byte & (0x80 >> (bit & 7))) out.add(name);
  });
  return out;
}

function readBasicConstraints(value: Uint8Array, where: string): { ca: boolean; pathLen?: number } {
  const f = seq(parse(value, where), where);
  let k = 0;
  const ca = f[k]?.isUniversal(Tag.BOOLEAN) ? boolean(f[k++], `${where}.cA`) : false;
  let pathLen: number | undefined;
  if (f[k]) {
    const v = integer(f[k++], `${where}.pathLenConstraint`);
    if (v < 0n) throw new Asn1Error(t`${where}.pathLenConstraint: negative`);
    pathLen = Number(v > 255n ? 255n : v);
  }
  if (k !== f.length) throw new Asn1Error(t`${where}: unexpected trailing fields`);
  return pathLen === undefined ? { ca } : { ca, pathLen };
}

/** Reads a Node that must be a Certificate SEQUENCE inside a CMS CertificateSet. */
export function certificateFromNode(n: Node): Certificate {
  return Certificate.fromDER(n.raw);
}
