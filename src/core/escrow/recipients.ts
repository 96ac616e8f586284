/**
 * CMS RecipientInfo (RFC 5652 §6.2): who can open a deposit. Written for two kinds of recipient
 * certificate, read for what `openssl cms -encrypt` writes too.
 *
 *   KeyTransRecipientInfo ::= SEQUENCE { version 0, rid IssuerAndSerialNumber | [0] SKI,
 *     keyEncryptionAlgorithm, encryptedKey OCTET STRING }
 *       RSA: id-RSAES-OAEP with SHA-256 and MGF1-SHA-256 (RFC 8017, RFC 4055); read also
 *       rsaEncryption (PKCS #1 v1.5, OpenSSL's default) and OAEP with another hash.
 *   KeyAgreeRecipientInfo ::= [1] SEQUENCE { version 3, originator [0] EXPLICIT originatorKey
 *     [1] { id-ecPublicKey, ECPoint }, ukm [1] EXPLICIT OPTIONAL, keyEncryptionAlgorithm,
 *     recipientEncryptedKeys SEQUENCE OF { rid, encryptedKey } }
 *       ECDH (RFC 5753, RFC 8418 naming): ephemeral-static, dhSinglePass-stdDH-sha256kdf (P-256)
 *       or -sha384kdf (P-384), the ANSI X9.63 KDF over ECC-CMS-SharedInfo, AES-256 key wrap
 *       (RFC 3394); read also the SHA-1/224/512 KDFs (OpenSSL's default is SHA-1) and AES-128/192 wrap.
 */
import { createCipheriv, createDecipheriv, createHash, createPublicKey, diffieHellman, generateKeyPairSync, privateDecrypt, publicEncrypt, constants, type KeyObject } from 'node:crypto';
import { der, parse, seq, oid as readOid, integerBytes, octets, bitString, explicit, type Node } from '../asn1/der.js';
import { OID } from '../asn1/oids.js';
import { digestAlgorithmId, digestFromOid, readAlgorithmIdentifier, type AnyDigest } from '../crypto/algorithms.js';
import { sidMatches, type SignerIdentifier } from '../cms/signed-data.js';
import { readName, formatName } from '../pki/name.js';
import { toHex } from '../bytes.js';
import { InputError, VerificationError, messageOf } from '../errors.js';
import type { Certificate } from '../pki/certificate.js';
import { t } from '../text.js';

export type RecipientKind = 'rsa-oaep' | 'ecdh-p256' | 'ecdh-p384';

/** A certificate a deposit is encrypted for, with the scheme its key calls for. */
export interface Recipient {
  certificate: Certificate;
  kind: RecipientKind;
}

/** How a RecipientInfo of a deposit names its recipient, and by what scheme (for `inspect`). */
export interface RecipientSummary {
  scheme: string;
  /** The recipient certificate's issuer and serial (hex), or its subject key identifier. */
  issuer?: string;
  serial?: string;
  keyId?: string;
}

const KEY_WRAP_IV = Buffer.from('A6A6A6A6A6A6A6A6', 'hex');
const CURVES: Record<string, { kind: RecipientKind; kdf: AnyDigest; label: string }> = {
  prime256v1: { kind: 'ecdh-p256', kdf: 'sha256', label: 'P-256' },
  secp384r1: { kind: 'ecdh-p384', kdf: 'sha384', label: 'P-384' },
};
const KDF_SCHEMES: Record<string, AnyDigest> = {
  [OID.dhSinglePassStdDHSha1Kdf]: 'sha1',
  [OID.dhSinglePassStdDHSha224Kdf]: 'sha224',
  [OID.dhSinglePassStdDHSha256Kdf]: 'sha256',
  [OID.dhSinglePassStdDHSha384Kdf]: 'sha384',
  [OID.dhSinglePassStdDHSha512Kdf]: 'sha512',
};
/** Key-wrap algorithms: node:crypto cipher and KEK length. 3DES wrap (RFC 3217) is what OpenSSL pairs with 3DES content. */
const WRAPS: Record<string, { cipher: string; kek: number }> = {
  [OID.aes128Wrap]: { cipher: 'id-aes128-wrap', kek: 16 },
  [OID.aes192Wrap]: { cipher: 'id-aes192-wrap', kek: 24 },
  [OID.aes256Wrap]: { cipher: 'id-aes256-wrap', kek: 32 },
  [OID.cms3DesWrap]: { cipher: 'id-smime-alg-CMS3DESwrap', kek: 24 },
};

/**
 * The scheme for a recipient certificate, refusing one that cannot receive a deposit now: not
 * valid at `now`, a key usage that forbids the scheme, or a key of another kind.
 */
export function recipientOf(cert: Certificate, now: Date, what: string): Recipient {
  const bad = (message: ReturnType<typeof t>) => new InputError({ code: 'BAD_ARGUMENT', message: t`${what}: ${message}` });
  if (now < cert.notBefore) throw bad(t`the certificate is not valid before ${cert.notBefore.toISOString()}`);
  if (now > cert.notAfter) throw bad(t`the certificate expired on ${cert.notAfter.toISOString()}`);
  const key = cert.publicKey;
  const ku = cert.keyUsage;
  if (key?.asymmetricKeyType === 'rsa') {
    if ((key.asymmetricKeyDetails?.modulusLength ?? 0) < 2048) throw bad(t`an RSA key of ${key.asymmetricKeyDetails?.modulusLength ?? 0} bits is too small (at least 2048)`);
    if (ku && !ku.has('keyEncipherment')) throw bad(t`the certificate's key usage does not allow keyEncipherment, which RSA key transport needs`);
    return { certificate: cert, kind: 'rsa-oaep' };
  }
  if (key?.asymmetricKeyType === 'ec') {
    const curve = CURVES[key.asymmetricKeyDetails?.namedCurve ?? ''];
    if (!curve) throw bad(t`the certificate's curve ${key.asymmetricKeyDetails?.namedCurve ?? '?'} is not supported (P-256 or P-384)`);
    if (ku && !ku.has('keyAgreement')) throw bad(t`the certificate's key usage does not allow keyAgreement, which ECDH needs`);
    return { certificate: cert, kind: curve.kind };
  }
  throw bad(t`a ${cert.keyDescription} key cannot receive a deposit (RSA, or EC P-256 / P-384)`);
}

/** A short description of a recipient's scheme. */
export function describeRecipient(r: Recipient): string {
  switch (r.kind) {
    case 'rsa-oaep':
      return 'RSA-OAEP (SHA-256) key transport';
    case 'ecdh-p256':
      return 'ECDH P-256 key agreement (X9.63 KDF SHA-256, AES-256 key wrap)';
    case 'ecdh-p384':
      return 'ECDH P-384 key agreement (X9.63 KDF SHA-384, AES-256 key wrap)';
  }
}

const issuerAndSerial = (c: Certificate) => der.sequence(c.issuerRaw, der.integerRaw(c.serialBytes));

/** The RecipientInfo that carries `cek` (the content-encryption key) to `r`. */
export function recipientInfo(r: Recipient, cek: Uint8Array): Uint8Array {
  const key = r.certificate.publicKey!;
  switch (r.kind) {
    case 'rsa-oaep': {
      const encrypted = publicEncrypt({ key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, cek);
      return der.sequence(der.integer(0), issuerAndSerial(r.certificate), oaepAlgorithm('sha256'), der.octetString(new Uint8Array(encrypted)));
    }
    case 'ecdh-p256':
    case 'ecdh-p384': {
      const curve = r.kind === 'ecdh-p256' ? 'prime256v1' : 'secp384r1';
      const kdf = CURVES[curve]!.kdf;
      // A fresh ephemeral key per deposit and recipient (ephemeral-static ECDH, RFC 5753 §3.1).
      const eph = generateKeyPairSync('ec', { namedCurve: curve });
      const z = diffieHellman({ privateKey: eph.privateKey, publicKey: key });
      const wrap = der.sequence(der.oid(OID.aes256Wrap));
      const kek = x963Kdf(kdf, z, sharedInfo(wrap, 32));
      const scheme = kdf === 'sha256' ? OID.dhSinglePassStdDHSha256Kdf : OID.dhSinglePassStdDHSha384Kdf;
      const point = ecPoint(eph.publicKey);
      const originator = der.explicit(0, der.implicitConstructed(1, der.raw(der.sequence(der.oid(OID.ecPublicKey)), der.bitString(point))));
      return der.implicitConstructed(1, der.raw(der.integer(3), originator, der.sequence(der.oid(scheme), wrap), der.sequence(der.sequence(issuerAndSerial(r.certificate), der.octetString(keyWrap(kek, cek))))));
    }
  }
}

/** RSAES-OAEP-params with the given hash for both OAEP and MGF1 (pSourceFunc left at its default). */
function oaepAlgorithm(h: AnyDigest): Uint8Array {
  const id = digestAlgorithmId(h);
  return der.sequence(der.oid(OID.rsaesOaep), der.sequence(der.explicit(0, id), der.explicit(1, der.sequence(der.oid(OID.mgf1), id))));
}

/** The uncompressed point of an EC public key (the SubjectPublicKeyInfo's BIT STRING). */
function ecPoint(pub: KeyObject): Uint8Array {
  const spki = new Uint8Array(pub.export({ type: 'spki', format: 'der' }));
  return bitString(seq(parse(spki, 'spki'), 'spki')[1], 'spki.subjectPublicKey').bytes;
}

/** ECC-CMS-SharedInfo (RFC 5753 §7.2): the key-wrap algorithm, the UKM, the KEK length in bits. */
function sharedInfo(wrapAlgorithm: Uint8Array, kekBytes: number, ukm?: Uint8Array): Uint8Array {
  const bits = Buffer.alloc(4);
  bits.writeUInt32BE(kekBytes * 8);
  return der.sequence(wrapAlgorithm, ukm ? der.explicit(0, der.octetString(ukm)) : undefined, der.explicit(2, der.octetString(new Uint8Array(bits))));
}

/** ANSI X9.63 KDF: H(Z ‖ counter ‖ SharedInfo) for counter = 1, 2, … until `sharedInfo` yields enough. */
function x963Kdf(h: AnyDigest, z: Uint8Array, info: Uint8Array, length = 32): Buffer {
  const out: Buffer[] = [];
  const counter = Buffer.alloc(4);
  for (let i = 1, have = 0; have < length; i++) {
    counter.writeUInt32BE(i);
    const block = createHash(h).update(z).update(counter).update(info).digest();
    out.push(block);
    have += block.length;
  }
  return Buffer.concat(out).subarray(0, length);
}

function keyWrap(kek: Uint8Array, key: Uint8Array): Uint8Array {
  const c = createCipheriv(`id-aes${kek.length * 8}-wrap`, kek, KEY_WRAP_IV);
  return new Uint8Array(Buffer.concat([c.update(key), c.final()]));
}

function keyUnwrap(cipher: string, kek: Uint8Array, wrapped: Uint8Array): Buffer {
  // AES key wrap (RFC 3394) uses the default IV A6…A6; 3DES wrap (RFC 3217) carries its IV inside.
  const d = createDecipheriv(cipher, kek, cipher.startsWith('id-aes') ? KEY_WRAP_IV : null);
  return Buffer.concat([d.update(wrapped), d.final()]);
}

/** A RecipientIdentifier: IssuerAndSerialNumber, or [0] SubjectKeyIdentifier (KTRI) / [0] RecipientKeyIdentifier (KARI). */
function readRid(n: Node | undefined, where: string, kari: boolean): SignerIdentifier {
  if (n?.isContext(0)) {
    if (kari) return { kind: 'subjectKeyId', keyId: octets(seq(retagged(n, 0x30), where)[0], where) };
    if (n.constructed) throw new InputError({ code: 'MALFORMED_DEPOSIT', message: t`${where}: malformed subject key identifier` });
    return { kind: 'subjectKeyId', keyId: n.content };
  }
  const [issuer, serial] = seq(n, where);
  if (!issuer) throw new InputError({ code: 'MALFORMED_DEPOSIT', message: t`${where}: missing issuer` });
  return { kind: 'issuerAndSerial', issuerRaw: issuer.raw, serialBytes: integerBytes(serial, `${where}.serialNumber`) };
}

/** An IMPLICIT-tagged SEQUENCE read as the SEQUENCE it replaces. */
function retagged(n: Node, id: number): Node {
  const raw = new Uint8Array(n.raw);
  raw[0] = id;
  return parse(raw, 'recipient');
}

function summarize(rid: SignerIdentifier, scheme: string): RecipientSummary {
  if (rid.kind === 'subjectKeyId') return { scheme, keyId: toHex(rid.keyId) };
  let issuer: string;
  try {
    issuer = formatName(readName(parse(rid.issuerRaw, 'issuer'), 'issuer'));
  } catch {
    issuer = '(unreadable name)';
  }
  return { scheme, issuer, serial: toHex(rid.serialBytes) };
}

interface ParsedRecipient {
  rid: SignerIdentifier;
  scheme: string;
  /** Recovers the content-encryption key with the recipient's private key. */
  open: (key: KeyObject, cert: Certificate) => Uint8Array;
}

/** Every recipient of a RecipientInfos SET (kinds tsproof cannot open are listed with no opener). */
function parseRecipients(set: Node): (ParsedRecipient | { rid?: undefined; scheme: string })[] {
  const out: (ParsedRecipient | { rid?: undefined; scheme: string })[] = [];
  set.children.forEach((ri, i) => {
    const where = `recipientInfos[${i}]`;
    if (ri.isUniversal(16)) out.push(parseKtri(ri, where));
    else if (ri.isContext(1) && ri.constructed) out.push(...parseKari(retagged(ri, 0x30), where));
    else out.push({ scheme: ri.isContext(2) ? 'KEK (unsupported)' : ri.isContext(3) ? 'password (unsupported)' : 'other (unsupported)' });
  });
  return out;
}

function parseKtri(ri: Node, where: string): ParsedRecipient {
  const [, ridNode, algNode, encNode] = seq(ri, where);
  const rid = readRid(ridNode, `${where}.rid`, false);
  const alg = readAlgorithmIdentifier(algNode, `${where}.keyEncryptionAlgorithm`);
  const encrypted = octets(encNode, `${where}.encryptedKey`);
  if (alg.oid === OID.rsaEncryption) {
    return { rid, scheme: 'RSA PKCS#1 v1.5 key transport', open: (key) => rsaOpen(key, encrypted, { padding: constants.RSA_PKCS1_PADDING }) };
  }
  if (alg.oid === OID.rsaesOaep) {
    const h = oaepHash(alg.params, where);
    return { rid, scheme: `RSA-OAEP (${hashName(h)}) key transport`, open: (key) => rsaOpen(key, encrypted, { padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: h }) };
  }
  return { rid, scheme: `key transport ${alg.oid} (unsupported)`, open: () => unsupported(alg.oid) };
}

/** RSAES-OAEP-params: the hash (default SHA-1) must be MGF1's too; a non-empty label is refused. */
function oaepHash(params: Node | undefined, where: string): AnyDigest {
  let h: AnyDigest = 'sha1';
  let mgf: AnyDigest = 'sha1';
  if (params && !params.isUniversal(5)) {
    for (const f of seq(params, `${where}.oaepParams`)) {
      if (f.isContext(0)) h = digestOf(readAlgorithmIdentifier(explicit(f, 0, where), where).oid);
      else if (f.isContext(1)) {
        const m = readAlgorithmIdentifier(explicit(f, 1, where), where);
        if (m.oid !== OID.mgf1 || !m.params) unsupported(m.oid);
        mgf = digestOf(readAlgorithmIdentifier(m.params, where).oid);
      } else if (f.isContext(2)) {
        const p = readAlgorithmIdentifier(explicit(f, 2, where), where);
        if (p.oid !== OID.pSpecified || (p.params && octets(p.params, where).length > 0)) unsupported(`OAEP label ${p.oid}`);
      }
    }
  }
  if (h !== mgf) unsupported(`OAEP with ${h} and MGF1-${mgf}`);
  return h;
}

/** SHA-256 for sha256, as people write it. */
const hashName = (h: AnyDigest) => h.toUpperCase().replace(/^SHA(\d)/, 'SHA-$1');

function digestOf(o: string): AnyDigest {
  return digestFromOid(o) ?? unsupported(o);
}

function rsaOpen(key: KeyObject, encrypted: Uint8Array, o: { padding: number; oaepHash?: string }): Uint8Array {
  return new Uint8Array(privateDecrypt({ key, ...o }, encrypted));
}

function parseKari(ri: Node, where: string): ParsedRecipient[] {
  const f = seq(ri, where);
  let i = 1; // after version
  const originator = explicit(f[i++], 0, `${where}.originator`);
  if (!originator.isContext(1) || !originator.constructed) {
    return [{ rid: { kind: 'subjectKeyId', keyId: new Uint8Array() }, scheme: 'ECDH with a static originator key (unsupported)', open: () => unsupported('originator certificate') }];
  }
  const [, pubNode] = seq(retagged(originator, 0x30), `${where}.originatorKey`);
  const point = bitString(pubNode, `${where}.originatorKey.publicKey`).bytes;
  let ukm: Uint8Array | undefined;
  if (f[i]?.isContext(1)) ukm = octets(explicit(f[i++], 1, `${where}.ukm`), `${where}.ukm`);
  const alg = readAlgorithmIdentifier(f[i++], `${where}.keyEncryptionAlgorithm`);
  const kdf = KDF_SCHEMES[alg.oid];
  const wrapNode = alg.params;
  const wrapOid = wrapNode ? readOid(seq(wrapNode, `${where}.keyWrapAlgorithm`)[0], `${where}.keyWrapAlgorithm`) : '';
  const wrap = WRAPS[wrapOid];
  return seq(f[i], `${where}.recipientEncryptedKeys`).map((rek, k) => {
    const [ridNode, encNode] = seq(rek, `${where}.recipientEncryptedKeys[${k}]`);
    const rid = readRid(ridNode, `${where}.rid`, true);
    const wrapped = octets(encNode, `${where}.encryptedKey`);
    if (!kdf || !wrap || !wrapNode) return { rid, scheme: `key agreement ${alg.oid} with ${wrapOid} (unsupported)`, open: () => unsupported(`key agreement ${alg.oid} with key wrap ${wrapOid}`) };
    return {
      rid,
      scheme: `ECDH key agreement (X9.63 KDF ${hashName(kdf)}, ${wrap.cipher === 'id-smime-alg-CMS3DESwrap' ? '3DES' : `AES-${wrap.kek * 8}`} key wrap)`,
      open: (key: KeyObject, cert: Certificate) => {
        // The originator's ephemeral point on the recipient's curve, as a SubjectPublicKeyInfo.
        const curveOid = cert.publicKey?.asymmetricKeyDetails?.namedCurve === 'secp384r1' ? OID.secp384r1 : cert.publicKey?.asymmetricKeyDetails?.namedCurve === 'secp521r1' ? OID.secp521r1 : OID.secp256r1;
        const spki = der.sequence(der.sequence(der.oid(OID.ecPublicKey), der.oid(curveOid)), der.bitString(point));
        const z = diffieHellman({ privateKey: key, publicKey: createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' }) });
        const kek = x963Kdf(kdf, z, sharedInfo(wrapNode.raw, wrap.kek, ukm), wrap.kek);
        return new Uint8Array(keyUnwrap(wrap.cipher, kek, wrapped));
      },
    };
  });
}

function unsupported(what: string): never {
  throw new InputError({ code: 'UNSUPPORTED_ALGORITHM', message: t`the deposit uses ${what}, which tsproof does not support` });
}

/** The recipients named in a RecipientInfos SET, for `inspect`. */
export function describeRecipientInfos(set: Node): RecipientSummary[] {
  return parseRecipients(set).map((r) => (r.rid ? summarize(r.rid, r.scheme) : { scheme: r.scheme }));
}

/**
 * The content-encryption key, recovered with the private key of `certificate`: the recipient is
 * found by its identifier (issuer and serial, or subject key identifier), never by position.
 */
export function openContentKey(set: Node, key: KeyObject, certificate: Certificate): Uint8Array {
  const all = parseRecipients(set);
  const mine = all.find((r): r is ParsedRecipient => r.rid !== undefined && sidMatches(r.rid, certificate));
  if (!mine) {
    const named = all.map((r) => (r.rid ? summarize(r.rid, r.scheme) : { scheme: r.scheme })).map((s) => (s.issuer ? `serial ${s.serial} of "${s.issuer}"` : s.keyId ? `key ${s.keyId}` : s.scheme));
    throw new InputError({ code: 'NOT_A_RECIPIENT', message: t`the deposit is not encrypted for "${certificate.subject}" (serial ${certificate.serialHex}); its recipients are: ${named.join('; ')}` });
  }
  try {
    return mine.open(key, certificate);
  } catch (err) {
    if (err instanceof InputError) throw err;
    // The key is the certificate's (the identity store checks it): a key that does not unwrap is a damaged deposit.
    throw new VerificationError({ code: 'VERIFICATION_FAILED', message: t`the content key for "${certificate.subject}" cannot be recovered (${messageOf(err)}): the deposit is damaged` });
  }
}
