/**
 * DSSE envelopes (https://github.com/secure-systems-lab/dsse, protocol v1) around in-toto
 * Statements: the holder signs the statement's bytes, so that a supply-chain verifier can check
 * who made it. The signature is over the pre-authentication encoding
 *   PAE(type, body) = "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body
 * (lengths in ASCII decimal bytes), with the holder's key: ECDSA with SHA-256 (DER signature),
 * RSA PKCS#1 v1.5 with SHA-256, or Ed25519. As in Witness's envelopes, each signature carries its
 * certificate (`certificate`, PEM) and the CAs that issue it (`intermediates`); `keyid` is the
 * certificate's SHA-256.
 */
import { sign, verify, type KeyObject } from 'node:crypto';
import { InputError } from '../errors.js';
import { parseCertificates, type Certificate } from '../pki/certificate.js';
import { t } from '../text.js';

export const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';

export interface DsseSignature {
  keyid: string;
  sig: string;
  certificate?: string;
  intermediates?: string[];
}

export interface DsseEnvelope {
  payloadType: string;
  payload: string;
  signatures: DsseSignature[];
}

export function preAuthEncoding(payloadType: string, body: Uint8Array): Buffer {
  const type = Buffer.from(payloadType, 'utf8');
  return Buffer.concat([Buffer.from(`DSSEv1 ${type.length} `), type, Buffer.from(` ${body.length} `), body]);
}

/** The digest a key signs PAE with (null: the algorithm has its own, Ed25519). */
function digestFor(key: KeyObject): string | null {
  return key.asymmetricKeyType === 'ed25519' || key.asymmetricKeyType === 'ed448' ? null : 'sha256';
}

/** `body` in an envelope signed by `key`, whose certificate is `chain[0]`. */
export function signEnvelope(body: Uint8Array, payloadType: string, key: KeyObject, chain: readonly Certificate[]): DsseEnvelope {
  const sig = sign(digestFor(key), preAuthEncoding(payloadType, body), key);
  const [leaf, ...cas] = chain;
  return {
    payloadType,
    payload: Buffer.from(body).toString('base64'),
    signatures: [{ keyid: leaf!.sha256, sig: sig.toString('base64'), certificate: leaf!.toPEM(), ...(cas.length ? { intermediates: cas.map((c) => c.toPEM()) } : {}) }],
  };
}

/** An envelope read from a file: its shape checked (bad input, exit 2), nothing verified yet. */
export function parseEnvelope(bytes: Uint8Array, what: string): DsseEnvelope & { body: Buffer } {
  let v: unknown;
  try {
    v = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    throw new InputError({ code: 'MALFORMED_RECEIPT', message: t`${what}: not a DSSE envelope (not valid JSON)` });
  }
  const e = v as Partial<DsseEnvelope>;
  const b64 = (s: unknown) => typeof s === 'string' && /^[A-Za-z0-9+/_-]*={0,2}$/.test(s);
  if (
    typeof e !== 'object' ||
    e === null ||
    typeof e.payloadType !== 'string' ||
    !b64(e.payload) ||
    !Array.isArray(e.signatures) ||
    e.signatures.length === 0 ||
    !e.signatures.every((s) => typeof s === 'object' && s !== null && b64(s.sig))
  ) {
    throw new InputError({ code: 'MALFORMED_RECEIPT', message: t`${what}: not a DSSE envelope (expected payloadType, payload and signatures)` });
  }
  return { payloadType: e.payloadType, payload: e.payload!, signatures: e.signatures as DsseSignature[], body: Buffer.from(e.payload!, 'base64') };
}

/** One signature: its certificate (with intermediates) and whether it signs PAE. */
export function checkSignature(env: DsseEnvelope & { body: Buffer }, s: DsseSignature, what: string): { ok: boolean; certificate?: Certificate; intermediates: Certificate[] } {
  if (typeof s.certificate !== 'string') return { ok: false, intermediates: [] };
  const [certificate] = parseCertificates(Buffer.from(s.certificate), `${what}: signature certificate`);
  const intermediates = (s.intermediates ?? []).flatMap((p) => (typeof p === 'string' ? parseCertificates(Buffer.from(p), `${what}: intermediate`) : []));
  let ok = false;
  try {
    const key = certificate!.publicKey;
    ok = !!key && verify(digestFor(key), preAuthEncoding(env.payloadType, env.body), key, Buffer.from(s.sig, 'base64'));
  } catch {
    ok = false;
  }
  return { ok, certificate: certificate!, intermediates };
}
