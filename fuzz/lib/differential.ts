import 'reflect-metadata';
/**
 * Differential parsing: the fields tsproof reads from a certificate, a timestamp token, a CMS
 * SignedData and a PKCS#12 file, and the same fields as pkijs / asn1js (and @peculiar/x509 for
 * certificates) read them — each side as a plain object, so that a test can compare them and
 * say which field differs. Undefined: that side refuses the object.
 */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { X509Certificate } from '@peculiar/x509';
import { webcrypto } from 'node:crypto';
import { Certificate } from '../../dist/core/pki/certificate.js';
import { parseSignedData } from '../../dist/core/cms/signed-data.js';
import { parseTstInfo } from '../../dist/core/tsp/messages.js';
import { readPkcs12 } from '../../dist/core/pki/pkcs12.js';
import { isTsproofError } from '../../dist/core/errors.js';

pkijs.setEngine('node', new pkijs.CryptoEngine({ name: 'node', crypto: webcrypto as unknown as ConstructorParameters<typeof pkijs.CryptoEngine>[0]['crypto'] }));

const hex = (b: ArrayBuffer | Uint8Array) => Buffer.from(b instanceof Uint8Array ? b : new Uint8Array(b)).toString('hex');
/** An INTEGER's value as hex without leading zero octets (both sides agree on values, not encodings). */
const intHex = (h: string) => h.replace(/^(00)+(?=.)/, '') || '00';
/** An INTEGER's content octets as the signed number they encode (two's complement). */
const signed = (b: Uint8Array) => (b.length === 0 ? 0n : BigInt.asIntN(b.length * 8, BigInt(`0x${hex(b)}`)));
const ab = (b: Uint8Array) => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;

/** tsproof's reading; a typed error is a refusal, anything else is thrown on. */
function ours<T>(f: () => T): T | undefined {
  try {
    return f();
  } catch (err) {
    if (isTsproofError(err)) return undefined;
    throw err;
  }
}

/** pkijs's reading; any error is a refusal. asn1js parses BER, so it is also asked whether the bytes are one whole value. */
function theirs<T>(b: Uint8Array, f: (schema: asn1js.AsnType) => T): T | undefined {
  try {
    const r = asn1js.fromBER(ab(b));
    if (r.offset === -1 || r.offset !== b.byteLength) return undefined;
    return f(r.result);
  } catch {
    return undefined;
  }
}

export interface CertFields {
  version: number;
  serial: string;
  issuer: string[];
  subject: string[];
  notBefore: number;
  notAfter: number;
  signatureAlgorithm: string;
  spki: string;
  extensions: string[];
}

export function ourCertificate(b: Uint8Array): CertFields | undefined {
  return ours(() => {
    const c = Certificate.fromDER(b, 'differential');
    return {
      version: c.version,
      serial: intHex(hex(c.serialBytes)),
      issuer: c.issuerAttrs.map((a) => `${a.type}=${a.value}`),
      subject: c.subjectAttrs.map((a) => `${a.type}=${a.value}`),
      notBefore: c.notBefore.getTime(),
      notAfter: c.notAfter.getTime(),
      signatureAlgorithm: c.signatureAlgorithm.oid,
      spki: hex(c.spki),
      extensions: [...c.extensions.values()].map((e) => `${e.oid}${e.critical ? '!' : ''}`),
    };
  });
}

const names = (n: pkijs.RelativeDistinguishedNames) => n.typesAndValues.map((tv) => `${tv.type}=${(tv.value as { valueBlock: { value: string } }).valueBlock.value}`);

export function pkijsCertificate(b: Uint8Array): CertFields | undefined {
  return theirs(b, (schema) => {
    const c = new pkijs.Certificate({ schema });
    return {
      version: c.version + 1,
      serial: intHex(hex(c.serialNumber.valueBlock.valueHexView)),
      issuer: names(c.issuer),
      subject: names(c.subject),
      notBefore: c.notBefore.value.getTime(),
      notAfter: c.notAfter.value.getTime(),
      signatureAlgorithm: c.signatureAlgorithm.algorithmId,
      spki: hex(c.subjectPublicKeyInfo.toSchema().toBER()),
      extensions: (c.extensions ?? []).map((e) => `${e.extnID}${e.critical ? '!' : ''}`),
    };
  });
}

/** @peculiar/x509's reading of the same fields it exposes (serial, validity, signature algorithm, extensions). */
export function x509Certificate(b: Uint8Array): Pick<CertFields, 'serial' | 'notBefore' | 'notAfter' | 'extensions'> | undefined {
  try {
    const c = new X509Certificate(ab(b));
    return { serial: intHex(c.serialNumber.toLowerCase()), notBefore: c.notBefore.getTime(), notAfter: c.notAfter.getTime(), extensions: c.extensions.map((e) => `${e.type}${e.critical ? '!' : ''}`) };
  } catch {
    return undefined;
  }
}

export interface TokenFields {
  contentType: string;
  sdVersion: number;
  digestAlgorithms: string[];
  eContentType: string;
  certificates: number;
  signers: { version: number; digest: string; signature: string; signedAttrs: string[]; unsignedAttrs: string[] }[];
  tst?: { version: number; policy: string; imprintAlgorithm: string; imprint: string; serial: string; genTime: number; nonce?: string; ordering: boolean; accuracyMicros?: number };
}

export function ourSignedData(b: Uint8Array, withTst: boolean): TokenFields | undefined {
  return ours(() => {
    const sd = parseSignedData(b, 'differential');
    const t = withTst && sd.eContent ? parseTstInfo(sd.eContent) : undefined;
    return {
      contentType: sd.contentType,
      sdVersion: sd.version,
      digestAlgorithms: sd.digestAlgorithms.map((a) => a.oid),
      eContentType: sd.eContentType,
      certificates: sd.certificates.length + sd.otherCertificates,
      signers: sd.signerInfos.map((s) => ({ version: s.version, digest: s.digestAlgorithm.oid, signature: s.signatureAlgorithm.oid, signedAttrs: s.signedAttrs.map((a) => a.oid), unsignedAttrs: s.unsignedAttrs.map((a) => a.oid) })),
      tst: t && {
        version: t.version,
        policy: t.policy,
        imprintAlgorithm: t.imprintAlgorithm.oid,
        imprint: hex(t.imprint),
        serial: intHex(hex(t.serialBytes)),
        genTime: t.genTime.date.getTime(),
        nonce: t.nonce?.toString(),
        ordering: t.ordering,
        accuracyMicros: t.accuracyMicros,
      },
    };
  });
}

export function pkijsSignedData(b: Uint8Array, withTst: boolean): TokenFields | undefined {
  return theirs(b, (schema) => {
    const ci = new pkijs.ContentInfo({ schema });
    const sd = new pkijs.SignedData({ schema: ci.content });
    const econtent = sd.encapContentInfo.eContent;
    let tst: TokenFields['tst'];
    if (withTst && econtent) {
      const inner = new Uint8Array(econtent.getValue());
      const t = theirs(inner, (s) => new pkijs.TSTInfo({ schema: s }));
      if (!t) throw new Error('TSTInfo');
      const acc = t.accuracy;
      tst = {
        version: t.version,
        policy: t.policy,
        imprintAlgorithm: t.messageImprint.hashAlgorithm.algorithmId,
        imprint: hex(t.messageImprint.hashedMessage.valueBlock.valueHexView),
        serial: intHex(hex(t.serialNumber.valueBlock.valueHexView)),
        genTime: t.genTime.getTime(),
        nonce: t.nonce ? signed(t.nonce.valueBlock.valueHexView).toString() : undefined,
        ordering: t.ordering ?? false,
        accuracyMicros: acc ? (acc.seconds ?? 0) * 1_000_000 + (acc.millis ?? 0) * 1000 + (acc.micros ?? 0) : undefined,
      };
    }
    return {
      contentType: ci.contentType,
      sdVersion: sd.version,
      digestAlgorithms: sd.digestAlgorithms.map((a) => a.algorithmId),
      eContentType: sd.encapContentInfo.eContentType,
      certificates: sd.certificates?.length ?? 0,
      signers: sd.signerInfos.map((s) => ({
        version: s.version,
        digest: s.digestAlgorithm.algorithmId,
        signature: s.signatureAlgorithm.algorithmId,
        signedAttrs: (s.signedAttrs?.attributes ?? []).map((a) => a.type),
        unsignedAttrs: (s.unsignedAttrs?.attributes ?? []).map((a) => a.type),
      })),
      tst,
    };
  });
}

/** The certificates of a PKCS#12 file (SHA-256 of each DER, sorted) as tsproof reads them with `password`. */
export async function ourPkcs12(b: Uint8Array, password: string): Promise<string[] | undefined> {
  try {
    const r = await readPkcs12(b, password, 'differential');
    return r.chain.map((c) => c.sha256).sort();
  } catch (err) {
    if (isTsproofError(err)) return undefined;
    throw err;
  }
}

/** The same as pkijs reads them (it decrypts PBES2 only; integrity and privacy modes as it supports them). */
export async function pkijsPkcs12(b: Uint8Array, password: string): Promise<string[] | undefined> {
  try {
    const r = asn1js.fromBER(ab(b));
    if (r.offset === -1) return undefined;
    const pfx = new pkijs.PFX({ schema: r.result });
    const pw = ab(new TextEncoder().encode(password));
    await pfx.parseInternalValues({ password: pw, checkIntegrity: true });
    const out: string[] = [];
    for (const ci of pfx.parsedValue?.authenticatedSafe?.safeContents ?? []) void ci;
    const safe = pfx.parsedValue?.authenticatedSafe;
    if (!safe) return undefined;
    await safe.parseInternalValues({ safeContents: safe.safeContents.map(() => ({ password: pw })) });
    for (const sc of safe.parsedValue?.safeContents ?? []) {
      for (const bag of sc.value.safeBags) {
        if (bag.bagId === '1.2.840.113549.1.12.10.1.3') {
          const cert = (bag.bagValue as pkijs.CertBag).parsedValue as pkijs.Certificate;
          const der = new Uint8Array(cert.toSchema(true).toBER());
          out.push(Buffer.from(await webcrypto.subtle.digest('SHA-256', der)).toString('hex'));
        }
      }
    }
    return out.sort();
  } catch {
    return undefined;
  }
}
