/**
 * PKCS#12 (RFC 7292) reading and writing, on our ASN.1 layer and node:crypto:
 *   PFX ::= SEQUENCE { version INTEGER {v3(3)}, authSafe ContentInfo, macData MacData OPTIONAL }
 *   MacData ::= SEQUENCE { mac DigestInfo, macSalt OCTET STRING, iterations INTEGER DEFAULT 1 }
 *   AuthenticatedSafe ::= SEQUENCE OF ContentInfo   -- data or encryptedData, each SafeContents
 *   SafeBag ::= SEQUENCE { bagId OID, bagValue [0] EXPLICIT ANY, bagAttributes SET OF … OPTIONAL }
 * Reads OpenSSL 3 (PBES2/AES, SHA-256 MAC), OpenSSL -legacy (RC2-40, 3DES, SHA-1 MAC), Java
 * keytool and Windows exports, Bouncy Castle, PBMAC1 integrity (RFC 9579), with non-ASCII
 * passwords (BMPString for the MAC and PKCS#12 PBE, UTF-8 for PBES2 and PBMAC1, as OpenSSL
 * does) and empty ones in both their forms (pbe.ts). All key derivations of one file share one
 * budget of work (kdf.ts), so a hostile iteration count is refused instead of hanging.
 */
import { createHmac, randomBytes, timingSafeEqual, type KeyObject } from 'node:crypto';
import { der, parse, seq, explicit, oid as readOid, octets, flattenOctets, Tag, type Node } from '../asn1/der.js';
import { readAlgorithmIdentifier, digestFromOid, digestOid, hash, DIGEST_LENGTH, type AnyDigest } from '../crypto/algorithms.js';
import { InputError, messageOf } from '../errors.js';
import { Certificate } from './certificate.js';
import { decodePrivateKeyInfo, keyMatchesCertificate } from './keys.js';
import { chargedPkcs12Kdf, derivePbkdf2, HMAC_DIGEST, KdfBudget, parameter, pkcs12Kdf, pkcs12KdfSupports, readPbkdf2Params } from './kdf.js';
import { bmpPassword, decryptPrivateKeyInfo, encryptPrivateKeyInfo, looksLikePrivateKeyInfo, PBE_OID, pbeDecrypt, pbeEncrypt, pkcs12PasswordForms, utf8Password } from './pbe.js';
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
    return parameter(f[0], 'version') === 3n && f[1]?.isUniversal(Tag.SEQUENCE) === true;
  } catch {
    return false;
  }
}

export async function readPkcs12(bytes: Uint8Array, password: string, what: string): Promise<Pkcs12Contents> {
  let pfx: readonly Node[];
  try {
    pfx = seq(parse(bytes, what), what);
    if (parameter(pfx[0], 'version') !== 3n) throw new Error('version is not 3');
  } catch (err) {
    throw new InputError({ code: 'MALFORMED_KEY', message: t`${what}: not a PKCS#12 file (${messageOf(err)})` });
  }
  const keys: Uint8Array[] = [];
  const certs: Certificate[] = [];
  try {
    const [ct, content] = seq(pfx[1], 'authSafe');
    if (readOid(ct, 'contentType') !== OID_P12.data) throw new InputError({ code: 'UNSUPPORTED_ALGORITHM', message: t`${what}: public-key protected PKCS#12 is not supported` });
    const authSafe = flattenOctets(explicit(content, 0, 'authSafe'), 'authSafe');
    // One budget of key-derivation work for the whole file: MAC, certificates and key.
    const budget = new KdfBudget(what);

    // Integrity first: a wrong password fails here, before anything is decrypted. The MAC also
    // tells which form of an empty password the writer used; decryption tries that one first.
    const pkcs12Passwords = pfx[2] ? await verifyMac(pfx[2], authSafe, password, budget) : pkcs12PasswordForms(password);

    const bags = async (safeContents: Uint8Array) => {
      // OpenSSL reads a SafeContents followed by stray bytes (some writers leave them); so does tsproof.
      for (const bag of seq(parse(safeContents, 'SafeContents', { allowTrailing: true }), 'SafeContents')) {
        const f = seq(bag, 'SafeBag');
        const type = readOid(f[0], 'SafeBag.bagId');
        const value = explicit(f[1], 0, 'SafeBag.bagValue');
        // A second key is refused before any work is spent on decrypting it.
        if ((type === OID_P12.keyBag || type === OID_P12.shroudedKeyBag) && keys.length > 0)
          throw new InputError({ code: 'MALFORMED_KEY', message: t`${what}: the PKCS#12 file holds more than one private key; export one identity at a time` });
        if (type === OID_P12.keyBag) keys.push(value.raw);
        else if (type === OID_P12.shroudedKeyBag) keys.push(await decryptPrivateKeyInfo(value.raw, password, what, { budget, pkcs12Passwords }));
        else if (type === OID_P12.certBag) {
          const [certType, certValue] = seq(value, 'CertBag');
          if (readOid(certType, 'CertBag.certId') === OID_P12.x509Certificate) certs.push(Certificate.fromDER(octets(explicit(certValue, 0, 'CertBag.certValue'), 'certValue')));
        } else if (type === OID_P12.safeContentsBag) await bags(value.raw);
      }
    };
    for (const ci of seq(parse(authSafe, 'AuthenticatedSafe'), 'AuthenticatedSafe')) {
      const [typeNode, c] = seq(ci, 'ContentInfo');
      const type = readOid(typeNode, 'contentType');
      if (type === OID_P12.data) await bags(flattenOctets(explicit(c, 0, 'data'), 'data'));
      else if (type === OID_P12.encryptedData) {
        const [, eci] = seq(explicit(c, 0, 'encryptedData'), 'EncryptedData');
        const [, algorithm, encrypted] = seq(eci, 'EncryptedContentInfo');
        if (!encrypted) throw new Error('EncryptedContentInfo has no encryptedContent');
        const plain = await pbeDecrypt(algorithm!, flattenOctets(encrypted, 'encryptedContent'), password, { budget, pkcs12Passwords, accept: isSafeContents });
        if (!plain) throw new InputError({ code: 'WRONG_PASSPHRASE', message: t`${what}: wrong passphrase (the certificates do not decrypt)` });
        await bags(plain);
      }
    }
  } catch (err) {
    // Our own refusals keep their words; a structural fault is named as one, with the file.
    if (err instanceof InputError && err.code !== 'MALFORMED_ASN1') throw err;
    throw new InputError({ code: 'MALFORMED_KEY', message: t`${what}: malformed PKCS#12 contents (${messageOf(err)})` });
  }
  if (keys.length === 0) throw new InputError({ code: 'MALFORMED_KEY', message: t`${what}: the PKCS#12 file holds no private key` });
  if (!looksLikePrivateKeyInfo(keys[0]!)) throw new InputError({ code: 'MALFORMED_KEY', message: t`${what}: the private key is not a PKCS#8 PrivateKeyInfo` });
  const key = decodePrivateKeyInfo(keys[0]!, what);
  const leaf = certs.find((c) => keyMatchesCertificate(key, c));
  if (!leaf) throw new InputError({ code: 'KEY_MISMATCH', message: t`${what}: no certificate in the PKCS#12 file matches its private key` });
  return { key, chain: [leaf, ...certs.filter((c) => c !== leaf)] };
}

function isSafeContents(b: Uint8Array): boolean {
  try {
    return parse(b, 'SafeContents', { allowTrailing: true }).isUniversal(Tag.SEQUENCE);
  } catch {
    return false;
  }
}

/**
 * Checks the PKCS#12 integrity MAC (RFC 7292 §4, or PBMAC1 per RFC 9579) and returns the forms
 * of the password for the PKCS#12 KDF, the one the MAC matched first.
 */
async function verifyMac(macData: Node, authSafe: Uint8Array, password: string, budget: KdfBudget): Promise<Uint8Array[]> {
  const what = budget.what;
  const f = seq(macData, 'MacData');
  const [algNode, digestNode] = seq(f[0], 'MacData.mac');
  const alg = readAlgorithmIdentifier(algNode, 'MacData.mac.algorithm');
  const expected = octets(digestNode, 'MacData.mac.digest');
  const forms = pkcs12PasswordForms(password);
  const wrong = () => new InputError({ code: 'WRONG_PASSPHRASE', message: t`${what}: wrong passphrase, or the file was altered (the PKCS#12 integrity check fails)` });
  if (alg.oid === OID_P12.pbmac1) {
    // RFC 9579: macSalt and iterations are ignored; PBKDF2 over the UTF-8 password gives the HMAC key.
    if (!(await pbmac1Matches(alg.params, authSafe, expected, password, budget))) throw wrong();
    return forms;
  }
  const h = digestFromOid(alg.oid);
  if (!h || !pkcs12KdfSupports(h)) throw new InputError({ code: 'UNSUPPORTED_ALGORITHM', message: t`${what}: unsupported MAC digest ${alg.oid}` });
  const len = DIGEST_LENGTH[h];
  if (expected.length !== len) throw truncatedMac(what, expected.length, h, len);
  const salt = octets(f[1], 'MacData.macSalt');
  const iterations = f[2] ? parameter(f[2], 'MacData.iterations') : 1n;
  const matches = (pw: Uint8Array) => {
    const mac = createHmac(h, chargedPkcs12Kdf(h, pw, salt, 3, iterations, len, budget, 'PKCS#12 MAC'))
      .update(authSafe)
      .digest();
    return timingSafeEqual(mac, expected);
  };
  // An empty password has two forms (pbe.ts); the one that matches is the writer's.
  const i = forms.findIndex(matches);
  if (i < 0) throw wrong();
  return [forms[i]!, ...forms.filter((_, j) => j !== i)];
}

function truncatedMac(what: string, got: number, h: AnyDigest, want: number): InputError {
  return new InputError({ code: 'MALFORMED_KEY', message: t`${what}: the PKCS#12 MAC is ${got} bytes, but HMAC-${h.toUpperCase()} gives ${want}` });
}

/**
 * PBMAC1 (RFC 8018 §7.1, in PKCS#12 per RFC 9579):
 *   PBMAC1-params ::= SEQUENCE { keyDerivationFunc AlgorithmIdentifier (PBKDF2),
 *                                messageAuthScheme AlgorithmIdentifier (an HMAC) }
 * RFC 9579 requires PBKDF2's keyLength; tsproof also refuses a key shorter than the HMAC's
 * output and a truncated MAC, which would weaken the check.
 */
async function pbmac1Matches(params: Node | undefined, authSafe: Uint8Array, expected: Uint8Array, password: string, budget: KdfBudget): Promise<boolean> {
  const what = budget.what;
  const [kdfNode, macNode, extra] = seq(params, 'PBMAC1-params');
  if (extra) throw new InputError({ code: 'MALFORMED_KEY', message: t`${what}: PBMAC1 parameters have unexpected fields` });
  const kdf = readAlgorithmIdentifier(kdfNode, 'PBMAC1.keyDerivationFunc');
  const macAlg = readAlgorithmIdentifier(macNode, 'PBMAC1.messageAuthScheme');
  if (kdf.oid !== PBE_OID.pbkdf2) throw new InputError({ code: 'UNSUPPORTED_ALGORITHM', message: t`${what}: PBMAC1 with key derivation ${kdf.oid} is not supported (RFC 9579 uses PBKDF2)` });
  const h = HMAC_DIGEST[macAlg.oid];
  if (!h) throw new InputError({ code: 'UNSUPPORTED_ALGORITHM', message: t`${what}: unsupported PBMAC1 MAC ${macAlg.oid}` });
  const p = readPbkdf2Params(kdf.params, what);
  const len = DIGEST_LENGTH[h];
  if (p.keyLength === undefined) throw new InputError({ code: 'MALFORMED_KEY', message: t`${what}: PBMAC1 without a PBKDF2 key length (RFC 9579 requires one)` });
  if (p.keyLength < len) throw new InputError({ code: 'MALFORMED_KEY', message: t`${what}: the PBMAC1 key is ${p.keyLength} bytes, shorter than the HMAC-${h.toUpperCase()} output (${len})` });
  if (expected.length !== len) throw truncatedMac(what, expected.length, h, len);
  const key = await derivePbkdf2(utf8Password(password), p, p.keyLength, budget, 'PBMAC1');
  return timingSafeEqual(createHmac(h, key).update(authSafe).digest(), expected);
}

const contentInfoData = (content: Uint8Array) => der.sequence(der.oid(OID_P12.data), der.explicit(0, der.octetString(content)));

function bagAttributes(localKeyId: Uint8Array, friendlyName?: string): Uint8Array {
  const bmp = (s: string) => {
    const b = Buffer.alloc(s.length * 2);
    for (let i = 0; i < s.length; i++) b.writeUInt16BE(s.charCodeAt(i), i * 2);
    return der.raw(Uint8Array.of(0x1e), lengthOf(b.length), b);
  };
  return der.setOf(der.sequence(der.oid(OID_P12.localKeyId), der.setOf(der.octetString(localKeyId))), ...(friendlyName ? [der.sequence(der.oid(OID_P12.friendlyName), der.setOf(bmp(friendlyName)))] : []));
}

function lengthOf(n: number): Uint8Array {
  return n < 0x80 ? Uint8Array.of(n) : n < 0x100 ? Uint8Array.of(0x81, n) : Uint8Array.of(0x82, n >> 8, n & 0xff);
}

/**
 * The pieces of a PFX, for writePkcs12 and for tests that build the unusual files other
 * writers make (empty passwords, PBMAC1, stray bytes, hostile parameters) from the same code.
 */
export const pkcs12Parts = {
  /** A certBag SafeBag holding an X.509 certificate. */
  certBag: (cert: Certificate, attributes?: Uint8Array) => der.sequence(der.oid(OID_P12.certBag), der.explicit(0, der.sequence(der.oid(OID_P12.x509Certificate), der.explicit(0, der.octetString(cert.der)))), attributes),
  /** A pkcs8ShroudedKeyBag SafeBag holding an EncryptedPrivateKeyInfo. */
  shroudedKeyBag: (encryptedPrivateKeyInfo: Uint8Array, attributes?: Uint8Array) => der.sequence(der.oid(OID_P12.shroudedKeyBag), der.explicit(0, encryptedPrivateKeyInfo), attributes),
  /** ContentInfo of type data around SafeContents (or any bytes). */
  data: contentInfoData,
  /** ContentInfo of type encryptedData: `content` encrypted under a PBE AlgorithmIdentifier. */
  encryptedData: (algorithm: Uint8Array, encrypted: Uint8Array) =>
    der.sequence(der.oid(OID_P12.encryptedData), der.explicit(0, der.sequence(der.integer(0), der.sequence(der.oid(OID_P12.data), algorithm, der.implicitPrimitive(0, encrypted))))),
  /** MacData with the classic PKCS#12 KDF MAC (RFC 7292 §4) over the AuthenticatedSafe's DER. */
  macData(authSafe: Uint8Array, password: Uint8Array, o: { digest?: AnyDigest; iterations?: number; salt?: Uint8Array } = {}): Uint8Array {
    const digest = o.digest ?? 'sha256';
    const iterations = o.iterations ?? 2048;
    const salt = o.salt ?? randomBytes(16);
    const mac = createHmac(digest, pkcs12Kdf(digest, password, salt, 3, iterations, DIGEST_LENGTH[digest]))
      .update(authSafe)
      .digest();
    return der.sequence(der.sequence(der.sequence(der.oid(digestOid(digest)), der.null()), der.octetString(mac)), der.octetString(salt), der.integer(iterations));
  },
  /** PFX ::= SEQUENCE { version 3, authSafe ContentInfo (data), macData OPTIONAL }. */
  pfx: (authSafe: Uint8Array, macData?: Uint8Array) => der.sequence(der.integer(3), contentInfoData(authSafe), macData),
};

/**
 * Writes a PKCS#12 file the way OpenSSL 3 does by default: certificates in an encryptedData
 * and the key in a shrouded key bag, both PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC), and an
 * HMAC-SHA-256 integrity MAC.
 */
export async function writePkcs12(key: KeyObject, chain: readonly Certificate[], password: string, friendlyName?: string): Promise<Uint8Array> {
  const scheme = { kind: 'pbes2-pbkdf2', iterations: 100_000, prf: 'sha256', cipher: 'aes-256-cbc' } as const;
  const pkcs8 = new Uint8Array(key.export({ type: 'pkcs8', format: 'der' }));
  const attributes = bagAttributes(hash('sha1', chain[0]!.der), friendlyName);
  const certs = await pbeEncrypt(scheme, der.sequence(...chain.map((c, i) => pkcs12Parts.certBag(c, i === 0 ? attributes : undefined))), password);
  const keyBag = pkcs12Parts.shroudedKeyBag(await encryptPrivateKeyInfo(pkcs8, password, scheme), attributes);
  const authSafe = der.sequence(pkcs12Parts.encryptedData(certs.algorithm, certs.data), pkcs12Parts.data(der.sequence(keyBag)));
  return pkcs12Parts.pfx(authSafe, pkcs12Parts.macData(authSafe, bmpPassword(password)));
}
