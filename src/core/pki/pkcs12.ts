/**
 * PKCS#12 (.p12/.pfx) import. The only module that uses node-forge: node:crypto cannot
 * read PKCS#12, and forge covers both modern (PBES2/AES, SHA-256 MAC) and legacy
 * (RC2, 3DES) containers. Keys forge cannot model (EC) are taken as PKCS#8 DER.
 */
import forge from 'node-forge';
import { createPrivateKey, type KeyObject } from 'node:crypto';
import { InputError } from '../errors.js';
import { Certificate } from './certificate.js';
import { keyMatchesCertificate } from './keys.js';

export interface Pkcs12Contents {
  key: KeyObject;
  /** The certificate matching the key, first; then every other certificate in the container. */
  chain: Certificate[];
}

export function readPkcs12(bytes: Uint8Array, passphrase: string, what: string): Pkcs12Contents {
  let p12: forge.pkcs12.Pkcs12Pfx;
  try {
    const asn1 = forge.asn1.fromDer(forge.util.createBuffer(Buffer.from(bytes).toString('binary')));
    p12 = forge.pkcs12.pkcs12FromAsn1(asn1, false, passphrase);
  } catch (err) {
    const msg = err instanceof Error ? err.message : '';
    if (/password|mac|decrypt|Invalid/i.test(msg)) {
      throw new InputError({ code: 'WRONG_PASSPHRASE', message: `${what}: cannot open the PKCS#12 file (wrong passphrase?)` });
    }
    throw new InputError({ code: 'MALFORMED_KEY', message: `${what}: not a PKCS#12 file tsproof can read` });
  }
  const keys: KeyObject[] = [];
  const certs: Certificate[] = [];
  for (const sc of p12.safeContents) {
    for (const bag of sc.safeBags) {
      if (bag.type === forge.pki.oids.certBag && bag.cert) {
        certs.push(Certificate.fromDER(binaryToBytes(forge.asn1.toDer(forge.pki.certificateToAsn1(bag.cert)).getBytes())));
      } else if (bag.type === forge.pki.oids.certBag && bag.asn1) {
        const der = certDerFromBag(bag.asn1);
        if (der) certs.push(Certificate.fromDER(der));
      } else if (bag.type === forge.pki.oids.pkcs8ShroudedKeyBag || bag.type === forge.pki.oids.keyBag) {
        const info = bag.key ? forge.pki.wrapRsaPrivateKey(forge.pki.privateKeyToAsn1(bag.key)) : (bag.asn1 as forge.asn1.Asn1 | undefined);
        if (!info) continue;
        keys.push(createPrivateKey({ key: Buffer.from(forge.asn1.toDer(info).getBytes(), 'binary'), format: 'der', type: 'pkcs8' }));
      }
    }
  }
  if (keys.length === 0) throw new InputError({ code: 'MALFORMED_KEY', message: `${what}: the PKCS#12 file holds no private key` });
  if (keys.length > 1) throw new InputError({ code: 'MALFORMED_KEY', message: `${what}: the PKCS#12 file holds ${keys.length} private keys; export one identity at a time` });
  const key = keys[0]!;
  const leaf = certs.find((c) => keyMatchesCertificate(key, c));
  if (!leaf) throw new InputError({ code: 'KEY_MISMATCH', message: `${what}: no certificate in the PKCS#12 file matches its private key` });
  return { key, chain: [leaf, ...certs.filter((c) => c !== leaf)] };
}

function binaryToBytes(s: string): Uint8Array {
  return new Uint8Array(Buffer.from(s, 'binary'));
}

/** forge keeps certificates it cannot model (EC keys) as their ASN.1; re-encode that DER. */
function certDerFromBag(asn1: forge.asn1.Asn1): Uint8Array | undefined {
  try {
    return binaryToBytes(forge.asn1.toDer(asn1).getBytes());
  } catch {
    return undefined;
  }
}
