/**
 * PKCS#12 (RFC 7292) reading and writing, on our ASN.1 layer and node:crypto:
 *   PFX ::= SEQUENCE { version INTEGER {v3(3)}, authSafe ContentInfo, macData MacData OPTIONAL }
 *   MacData ::= SEQUENCE { mac DigestInfo, macSalt OCTET STRING, iterations INTEGER DEFAULT 1 }
 *   AuthenticatedSafe ::= SEQUENCE OF ContentInfo   -- data or encryptedData, each SafeContents
 *   SafeBag ::= SEQUENCE { bagId OID, bagValue [0] EXPLICIT ANY, bagAttributes SET OF … OPTIONAL }
 * Reads OpenSSL 3 (PBES2/AES, SHA-256 MAC), OpenSSL -legacy (RC2-40, 3DES, SHA-1 MAC), Java
 * keytool and Windows exports, with non-ASCII passwords (BMPString for the MAC and PKCS#12
 * PBE, UTF-8 for PBES2, as OpenSSL does).
 */
import { createHmac, randomBytes, timingSafeEqual, createPrivateKey, type KeyObject } from 'node:crypto';
import { der, parse, seq, explicit, oid as readOid, octets, integer, flattenOctets, Tag, type Node } from '../asn1/der.js';
import { readAlgorithmIdentifier, digestFromOid, digestOid, hash } from '../crypto/algorithms.js';
import { InputError, messageOf } from '../errors.js';
import { Certificate } from './certificate.js';
import { keyMatchesCertificate } from './keys.js';
import { bmpPassword, decryptPrivateKeyInfo, encryptPrivateKeyInfo, looksLikePrivateKeyInfo, pbeDecrypt, pbeEncrypt, pkcs12Kdf } from './pbe.js';
import { t } from '../text.js';

const OID_P12 = {
  data: '1.2.840.113549.1.7.1',
  encryptedData: '1.2.840.113549.1.7.6',
  keyBag: '1.2.840.113549.1.12.10.1.1',
  shroudedKeyBag: '1.2.840.113549.1.12.10.1.2',
  certBag: '1.2.840.113549.1.12.10.1.3',
  safeContentsBag: '1.2.840.113549.1.12.10.1.6',
  x509Certificate: '1.2.840.113549.1.9.22.1',
  friendlyName: '1.2.840.113549.1.9.20',
  localKeyId: '1.2.840.113549.1.9.21',
  pbmac1: '1.2.840.113549.1.5.14',
};

export interface Pkcs12Contents {
  key: KeyObject;
  /** The certificate matching the key, first; then every other certificate in the container. */
  chain: Certificate[];
}

/** Whether bytes look like a PFX: SEQUENCE { INTEGER 3, ContentInfo … }. */
export function looksLikePkcs12(bytes: Uint8Array): boolean {
  try {
    const f = seq(parse(bytes, 'PFX'), 'PFX');
    return integer(f[0], 'version') === 3n && f[1]?.isUniversal(Tag.SEQUENCE) === true;
  } catch {
    return false;
  }
}

export async function readPkcs12(bytes: Uint8Array, password: string, what: string): Promise<Pkcs12Contents> {
  let pfx: readonly Node[];
  try {
    pfx = seq(parse(bytes, what), what);
    if (integer(pfx[0], 'version') !== 3n) throw new Error('version is not 3');
  } catch (err) {
    throw new InputError({ code: 'MALFORMED_KEY', message: t`${what}: not a PKCS#12 file (${messageOf(err)})` });
  }
  const [ct, content] = seq(pfx[1], `${what}.authSafe`);
  if (readOid(ct, 'contentType') !== OID_P12.data) throw new InputError({ code: 'UNSUPPORTED_ALGORITHM', message: t`${what}: public-key protected PKCS#12 is not supported` });
  const authSafe = octets(explicit(content, 0, `${what}.authSafe`), `${what}.authSafe`);

  // Integrity first: a wrong password fails here, before anything is decrypted.
  if (pfx[2]) verifyMac(pfx[2], authSafe, password, what);

  const keys: Uint8Array[] = [];
  const certs: Certificate[] = [];
  const bags = async (safeContents: Uint8Array) => {
    for (const bag of seq(parse(safeContents, 'SafeContents'), 'SafeContents')) {
      const f = seq(bag, 'SafeBag');
      const type = readOid(f[0], 'SafeBag.bagId');
      const value = explicit(f[1], 0, 'SafeBag.bagValue');
      if (type === OID_P12.keyBag) keys.push(value.raw);
      else if (type === OID_P12.shroudedKeyBag) keys.push(await decryptPrivateKeyInfo(value.raw, password, what));
      else if (type === OID_P12.certBag) {
        const [certType, certValue] = seq(value, 'CertBag');
        if (readOid(certType, 'CertBag.certId') === OID_P12.x509Certificate) certs.push(Certificate.fromDER(octets(explicit(certValue, 0, 'CertBag.certValue'), 'certValue')));
      } else if (type === OID_P12.safeContentsBag) await bags(value.raw);
    }
  };
  try {
    for (const ci of seq(parse(authSafe, 'AuthenticatedSafe'), 'AuthenticatedSafe')) {
      const [typeNode, c] = seq(ci, 'ContentInfo');
      const type = readOid(typeNode, 'contentType');
      if (type === OID_P12.data) await bags(octets(explicit(c, 0, 'data'), 'data'));
      else if (type === OID_P12.encryptedData) {
        const [, eci] = seq(explicit(c, 0, 'encryptedData'), 'EncryptedData');
        const [, algorithm, encrypted] = seq(eci, 'EncryptedContentInfo');
        const plain = await pbeDecrypt(algorithm!, flattenOctets(encrypted!, 'encryptedContent'), password);
        if (!plain) throw new InputError({ code: 'WRONG_PASSPHRASE', message: t`${what}: wrong passphrase (the certificates do not decrypt)` });
        await bags(plain);
      }
    }
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw new InputError({ code: 'MALFORMED_KEY', message: t`${what}: malformed PKCS#12 contents (${messageOf(err)})` });
  }
  if (keys.length === 0) throw new InputError({ code: 'MALFORMED_KEY', message: t`${what}: the PKCS#12 file holds no private key` });
  if (keys.length > 1) throw new InputError({ code: 'MALFORMED_KEY', message: t`${what}: the PKCS#12 file holds ${keys.length} private keys; export one identity at a time` });
  if (!looksLikePrivateKeyInfo(keys[0]!)) throw new InputError({ code: 'MALFORMED_KEY', message: t`${what}: the private key is not a PKCS#8 PrivateKeyInfo` });
  const key = createPrivateKey({ key: Buffer.from(keys[0]!), format: 'der', type: 'pkcs8' });
  const leaf = certs.find((c) => keyMatchesCertificate(key, c));
  if (!leaf) throw new InputError({ code: 'KEY_MISMATCH', message: t`${what}: no certificate in the PKCS#12 file matches its private key` });
  return { key, chain: [leaf, ...certs.filter((c) => c !== leaf)] };
}

function verifyMac(macData: Node, authSafe: Uint8Array, password: string, what: string): void {
  const f = seq(macData, 'MacData');
  const [algNode, digestNode] = seq(f[0], 'MacData.mac');
  const alg = readAlgorithmIdentifier(algNode, 'MacData.mac.algorithm');
  if (alg.oid === OID_P12.pbmac1) throw new InputError({ code: 'UNSUPPORTED_ALGORITHM', message: t`${what}: PBMAC1 integrity protection is not supported yet` });
  const h = digestFromOid(alg.oid);
  if (!h) throw new InputError({ code: 'UNSUPPORTED_ALGORITHM', message: t`${what}: unsupported MAC digest ${alg.oid}` });
  const expected = octets(digestNode, 'MacData.mac.digest');
  const salt = octets(f[1], 'MacData.macSalt');
  const iter = f[2] ? Number(integer(f[2], 'MacData.iterations')) : 1;
  if (iter < 1 || iter > 10_000_000) throw new InputError({ code: 'MALFORMED_KEY', message: t`${what}: unreasonable MAC iteration count` });
  const len = hash(h, new Uint8Array(0)).length;
  const ok = (pw: Uint8Array) => {
    const mac = createHmac(h, pkcs12Kdf(h, pw, salt, 3, iter, len)).update(authSafe).digest();
    return mac.length === expected.length && timingSafeEqual(mac, expected);
  };
  // Some writers use an empty password as zero bytes rather than a BMPString terminator.
  if (!ok(bmpPassword(password)) && !(password === '' && ok(new Uint8Array(0)))) {
    throw new InputError({ code: 'WRONG_PASSPHRASE', message: t`${what}: wrong passphrase (the PKCS#12 integrity check fails)` });
  }
}

const contentInfoData = (content: Uint8Array) => der.sequence(der.oid(OID_P12.data), der.explicit(0, der.octetString(content)));

function bagAttributes(localKeyId: Uint8Array, friendlyName?: string): Uint8Array {
  const bmp = (s: string) => {
    const b = Buffer.alloc(s.length * 2);
    for (let i = 0; i < s.length; i++) b.writeUInt16BE(s.charCodeAt(i), i * 2);
    return der.raw(Uint8Array.of(0x1e), lengthOf(b.length), b);
  };
  return der.setOf(
    der.sequence(der.oid(OID_P12.localKeyId), der.setOf(der.octetString(localKeyId))),
    ...(friendlyName ? [der.sequence(der.oid(OID_P12.friendlyName), der.setOf(bmp(friendlyName)))] : []),
  );
}

function lengthOf(n: number): Uint8Array {
  return n < 0x80 ? Uint8Array.of(n) : n < 0x100 ? Uint8Array.of(0x81, n) : Uint8Array.of(0x82, n >> 8, n & 0xff);
}

/**
 * Writes a PKCS#12 file the way OpenSSL 3 does by default: certificates in an encryptedData
 * and the key in a shrouded key bag, both PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC), and an
 * HMAC-SHA-256 integrity MAC.
 */
export async function writePkcs12(key: KeyObject, chain: readonly Certificate[], password: string, friendlyName?: string): Promise<Uint8Array> {
  const iterations = 100_000;
  const pkcs8 = new Uint8Array(key.export({ type: 'pkcs8', format: 'der' }));
  const localKeyId = hash('sha1', chain[0]!.der);
  const certBags = chain.map((c, i) =>
    der.sequence(
      der.oid(OID_P12.certBag),
      der.explicit(0, der.sequence(der.oid(OID_P12.x509Certificate), der.explicit(0, der.octetString(c.der)))),
      i === 0 ? bagAttributes(localKeyId, friendlyName) : undefined,
    ),
  );
  const certs = await pbeEncrypt({ kind: 'pbes2-pbkdf2', iterations, prf: 'sha256', cipher: 'aes-256-cbc' }, der.sequence(...certBags), password);
  const encryptedCerts = der.sequence(
    der.oid(OID_P12.encryptedData),
    der.explicit(0, der.sequence(der.integer(0), der.sequence(der.oid(OID_P12.data), certs.algorithm, der.implicitPrimitive(0, certs.data)))),
  );
  const shrouded = await encryptPrivateKeyInfo(pkcs8, password, { kind: 'pbes2-pbkdf2', iterations, prf: 'sha256', cipher: 'aes-256-cbc' });
  const keyBag = der.sequence(der.oid(OID_P12.shroudedKeyBag), der.explicit(0, shrouded), bagAttributes(localKeyId, friendlyName));
  const authSafe = der.sequence(encryptedCerts, contentInfoData(der.sequence(keyBag)));
  const salt = randomBytes(16);
  const macIterations = 2048;
  const mac = createHmac('sha256', pkcs12Kdf('sha256', bmpPassword(password), salt, 3, macIterations, 32)).update(authSafe).digest();
  return der.sequence(
    der.integer(3),
    contentInfoData(authSafe),
    der.sequence(der.sequence(der.sequence(der.oid(digestOid('sha256')), der.null()), der.octetString(mac)), der.octetString(salt), der.integer(macIterations)),
  );
}
