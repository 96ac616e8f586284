/**
 * The deposit's CMS envelope (docs/escrow.md), written as BER with indefinite lengths so that
 * gigabytes of content stream through in constant memory, and read back from a file piece by
 * piece. Two forms are written:
 *
 *   aes-256-cbc (the default): EnvelopedData (RFC 5652 §6), AES-256-CBC (RFC 3565), and an
 *     AES-256-GMAC over IV ‖ ciphertext (RFC 9044's algorithm; the key derived from the
 *     content-encryption key) in an unprotected attribute beside the receipt and the statement.
 *     Every OpenSSL 1.1 and 3.x opens it.
 *   aes-256-gcm: AuthEnvelopedData (RFC 5083), AES-256-GCM (RFC 5084), the attributes in
 *     unauthAttrs [2]. OpenSSL 3.0 to 3.6 cannot parse unauthAttrs (their template has the wrong
 *     tags, openssl/openssl#26101), so this form is for readers that follow RFC 5083.
 *
 *   ContentInfo ::= SEQUENCE {                                   -- 30 80
 *     contentType id-envelopedData | id-ct-authEnvelopedData,
 *     content [0] EXPLICIT … }                                   -- A0 80
 *   EnvelopedData ::= SEQUENCE {                                 -- 30 80
 *     version 2, recipientInfos SET OF RecipientInfo,            -- recipients.ts
 *     encryptedContentInfo SEQUENCE {                            -- 30 80
 *       contentType id-data, contentEncryptionAlgorithm { aes256-CBC, IV },
 *       encryptedContent [0] IMPLICIT OCTET STRING },            -- A0 80, then 04 segments of ≤ 1 MiB
 *     unprotectedAttrs [1] IMPLICIT SET OF Attribute }           -- MAC, receipt, deposit statement
 *   AuthEnvelopedData ::= SEQUENCE { version 0, recipientInfos, authEncryptedContentInfo
 *     (aes256-GCM, GCMParameters { nonce, ICVlen 16 }), mac OCTET STRING, unauthAttrs [2] }
 *
 * Read: both forms from any writer (what `openssl cms -encrypt` writes included: AES-CBC or
 * AES-GCM of any key size, definite or indefinite lengths, authAttrs as AAD).
 */
import { createDecipheriv, type CipherGCMTypes, type Decipher, type Hash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import { der, parse, seq, set, oid as readOid, octets, smallInt, type Node } from '../asn1/der.js';
import { ESCROW_MAC_ATTRIBUTE, OID } from '../asn1/oids.js';
import { readAlgorithmIdentifier } from '../crypto/algorithms.js';
import { VerificationError } from '../errors.js';
import { bytesEqual } from '../bytes.js';
import { gmac, macKey, type ContentCipherName } from './seal-stream.ts';
import { scavenger } from './scavenge.ts';
import { FileCursor, isEoc, malformed, type Tlv } from './ber-file.js';
import { t } from '../text.js';

const EOC = Uint8Array.of(0, 0);
const INDEFINITE = (id: number) => Uint8Array.of(id, 0x80);

/** The bytes before the first content segment. */
export function envelopeHead(cipher: ContentCipherName, recipientInfos: readonly Uint8Array[], iv: Uint8Array): Uint8Array {
  const gcm = cipher === 'aes-256-gcm';
  const algorithm = gcm ? der.sequence(der.oid(OID.aes256Gcm), der.sequence(der.octetString(iv), der.integer(16))) : der.sequence(der.oid(OID.aes256Cbc), der.octetString(iv));
  return der.raw(
    INDEFINITE(0x30),
    der.oid(gcm ? OID.authEnvelopedData : OID.envelopedData),
    INDEFINITE(0xa0),
    INDEFINITE(0x30),
    // EnvelopedData with unprotected attributes is version 2 (RFC 5652 §6.1); AuthEnvelopedData is 0.
    der.integer(gcm ? 0 : 2),
    der.setOf(...recipientInfos),
    INDEFINITE(0x30),
    der.oid(OID.data),
    algorithm,
    INDEFINITE(0xa0),
  );
}

/** The bytes after the last content segment: end of content, the GCM tag, the attributes, the ends. */
export function envelopeTail(cipher: ContentCipherName, tag: Uint8Array, attributes: readonly Uint8Array[]): Uint8Array {
  const sorted = [...attributes].sort((a, b) => Buffer.compare(a, b));
  // Unprotected/unauthenticated attributes are SET SIZE (1..MAX): absent rather than empty.
  const attrs = (n: number) => (sorted.length ? der.implicitConstructed(n, der.raw(...sorted)) : new Uint8Array(0));
  if (cipher === 'aes-256-gcm') return der.raw(EOC, EOC, der.octetString(tag), attrs(2), EOC, EOC, EOC);
  return der.raw(EOC, EOC, attrs(1), EOC, EOC, EOC);
}

/** The MAC attribute of a CBC deposit: SEQUENCE { { id-aes256-GMAC, GMACParameters { nonce, 16 } }, mac }. */
export function macAttributeValue(nonce: Uint8Array, mac: Uint8Array): Uint8Array {
  return der.sequence(der.sequence(der.oid(OID.aes256Gmac), der.sequence(der.octetString(nonce), der.integer(16))), der.octetString(mac));
}

export interface ContentCipher {
  /** node:crypto cipher name, e.g. aes-256-gcm. */
  name: string;
  keyLength: number;
  iv: Buffer;
  /** GCM: the tag length; CBC: 0. */
  tagLength: number;
}

export interface Attribute {
  oid: string;
  values: readonly Node[];
}

export interface EnvelopeLayout {
  kind: 'authEnvelopedData' | 'envelopedData';
  recipientInfos: Node;
  cipher: ContentCipher;
  /** File offset of the encryptedContent header, and the number of ciphertext bytes. */
  contentStart: number;
  ciphertextBytes: number;
  /** AuthEnvelopedData: the authenticated attributes as DER SET (the AAD), and the tag. */
  aad?: Uint8Array;
  mac?: Uint8Array;
  /** unauthAttrs (AuthEnvelopedData) or unprotectedAttrs (EnvelopedData). */
  attributes: Attribute[];
  /** EnvelopedData written by tsproof: the GMAC over IV ‖ ciphertext. */
  gmac?: { nonce: Uint8Array; mac: Uint8Array };
  fileSize: number;
}

const GCM: Record<string, number> = { [OID.aes128Gcm]: 16, [OID.aes192Gcm]: 24, [OID.aes256Gcm]: 32 };
const CBC: Record<string, { name: string; key: number; iv: number }> = {
  [OID.aes128Cbc]: { name: 'aes-128-cbc', key: 16, iv: 16 },
  [OID.aes192Cbc]: { name: 'aes-192-cbc', key: 24, iv: 16 },
  [OID.aes256Cbc]: { name: 'aes-256-cbc', key: 32, iv: 16 },
  // What `openssl cms -encrypt` writes when no cipher is named (OpenSSL 1.1 and 3.x): read, never written.
  [OID.desEde3Cbc]: { name: 'des-ede3-cbc', key: 24, iv: 8 },
};

function contentCipher(node: Node, kind: EnvelopeLayout['kind'], what: string): ContentCipher {
  const alg = readAlgorithmIdentifier(node, `${what}.contentEncryptionAlgorithm`);
  const gcm = GCM[alg.oid];
  const cbc = CBC[alg.oid];
  if (gcm && kind === 'authEnvelopedData') {
    // GCMParameters ::= SEQUENCE { aes-nonce OCTET STRING, aes-ICVlen INTEGER DEFAULT 12 } (RFC 5084 §3.2)
    const [nonce, icv] = seq(alg.params, `${what}.GCMParameters`);
    const iv = Buffer.from(octets(nonce, `${what}.GCMParameters.nonce`));
    const tagLength = icv ? smallInt(icv, `${what}.GCMParameters.ICVlen`) : 12;
    if (iv.length < 12 || iv.length > 64 || tagLength < 12 || tagLength > 16) throw malformed(t`${what}: unusual GCM parameters (nonce of ${iv.length} bytes, tag of ${tagLength})`);
    return { name: `aes-${gcm * 8}-gcm`, keyLength: gcm, iv, tagLength };
  }
  if (cbc && kind === 'envelopedData') {
    const iv = Buffer.from(octets(alg.params, `${what}.iv`));
    if (iv.length !== cbc.iv) throw malformed(t`${what}: the CBC IV has ${iv.length} bytes, not ${cbc.iv}`);
    return { name: cbc.name, keyLength: cbc.key, iv, tagLength: 0 };
  }
  throw malformed(t`${what}: content encryption ${alg.oid} is not supported in ${kind} (AES-GCM in AuthEnvelopedData, AES-CBC or 3DES-CBC in EnvelopedData)`);
}

/** Reads a header and steps back, to look at what comes next. */
async function peek(c: FileCursor): Promise<Tlv> {
  const h = await c.header();
  c.pos = h.start;
  return h;
}

async function small(c: FileCursor, limit: number, where: string): Promise<Node> {
  const { raw } = await c.tlv(limit, where);
  return parse(raw, where);
}

const MAX_RECIPIENTS_BYTES = 1 << 20;
/** The receipt of a 100,000-file registration is ~30 MB; far more is not a deposit. */
const MAX_ATTRIBUTES_BYTES = 256 << 20;

/**
 * Pass 1: the whole structure except the ciphertext, which is skipped segment by segment (one
 * small read per segment). Structural damage and truncation are found here, before any key is used.
 */
export async function readLayout(fh: FileHandle, size: number, what: string): Promise<EnvelopeLayout> {
  const c = new FileCursor(fh, size, what);
  if (size < 2) throw malformed(t`${what} is empty or truncated`);
  const outer = await c.header();
  if (outer.tagClass !== 0 || !outer.constructed || outer.tag !== 16) throw malformed(t`${what} is not a CMS object (DER or BER)`);
  const contentType = readOid(await small(c, 64, 'contentType'), `${what}.contentType`);
  const kind = contentType === OID.authEnvelopedData ? 'authEnvelopedData' : contentType === OID.envelopedData ? 'envelopedData' : undefined;
  if (!kind) throw malformed(t`${what} is a CMS object of type ${contentType}, not an encrypted deposit (AuthEnvelopedData or EnvelopedData)`);
  const wrap = await c.expect(2, true, 0, 'the content [0]');
  const body = await c.expect(0, true, 16, kind);
  await small(c, 16, 'version');
  // originatorInfo [0] (certificates of the originator) is not needed to decrypt.
  if ((await peek(c)).tagClass === 2) await c.tlv(MAX_RECIPIENTS_BYTES, 'originatorInfo');
  const recipientInfos = await small(c, MAX_RECIPIENTS_BYTES, 'recipientInfos');
  set(recipientInfos, `${what}.recipientInfos`);
  const eci = await c.expect(0, true, 16, 'encryptedContentInfo');
  const eType = readOid(await small(c, 64, 'contentType'), `${what}.encryptedContentInfo.contentType`);
  if (eType !== OID.data) throw malformed(t`${what}: the encrypted content is of type ${eType}, not id-data`);
  const cipher = contentCipher(await small(c, 4096, 'contentEncryptionAlgorithm'), kind, what);
  const content = await c.header();
  if (content.tagClass !== 2 || content.tag !== 0) throw malformed(t`${what} carries no encrypted content (a detached one is not a deposit)`);
  const ciphertextBytes = await walkContent(c, content);
  await c.close(eci, 'encryptedContentInfo');

  const layout: EnvelopeLayout = { kind, recipientInfos, cipher, contentStart: content.start, ciphertextBytes, attributes: [], fileSize: size };
  // What follows, up to the end of the (Auth)EnvelopedData: definite lengths end it by position.
  const next = async () => (body.length >= 0 && c.pos >= body.contentStart + body.length ? undefined : peek(c));
  const isContext = (h: Tlv | undefined, tag: number) => !!h && h.tagClass === 2 && h.tag === tag;
  if (kind === 'authEnvelopedData') {
    if (isContext(await next(), 1)) {
      // authAttrs: the AAD is their DER encoding with the SET OF tag (RFC 5083 §2.2).
      const { raw } = await c.tlv(1 << 20, 'authAttrs');
      const aad = new Uint8Array(raw);
      aad[0] = 0x31;
      layout.aad = aad;
    }
    layout.mac = octets(await small(c, 64, 'mac'), `${what}.mac`);
    if (layout.mac.length !== cipher.tagLength) throw malformed(t`${what}: the tag has ${layout.mac.length} bytes, the parameters say ${cipher.tagLength}`);
    if (isContext(await next(), 2)) layout.attributes = attributes(await small(c, MAX_ATTRIBUTES_BYTES, 'unauthAttrs'), what);
  } else if (isContext(await next(), 1)) layout.attributes = attributes(await small(c, MAX_ATTRIBUTES_BYTES, 'unprotectedAttrs'), what);
  await c.close(body, kind);
  await c.close(wrap, 'the content [0]');
  await c.close(outer, 'the ContentInfo');
  if (c.pos !== size) throw malformed(t`${what} has ${size - c.pos} byte(s) after its end`);
  const mac = layout.attributes.find((a) => a.oid === ESCROW_MAC_ATTRIBUTE);
  if (mac) layout.gmac = readMac(mac, what);
  return layout;
}

function readMac(a: Attribute, what: string): { nonce: Uint8Array; mac: Uint8Array } {
  const where = `${what}.mac`;
  const [alg, mac] = seq(a.values[0], where);
  const id = readAlgorithmIdentifier(alg, where);
  if (a.values.length !== 1 || id.oid !== OID.aes256Gmac) throw malformed(t`${what}: the MAC attribute is not an AES-256-GMAC`);
  const [nonce, len] = seq(id.params, `${where}.parameters`);
  const out = { nonce: octets(nonce, `${where}.nonce`), mac: octets(mac, where) };
  if (out.nonce.length !== 12 || (len && smallInt(len, `${where}.length`) !== 16) || out.mac.length !== 16) throw malformed(t`${what}: unusual AES-256-GMAC parameters`);
  return out;
}

function attributes(n: Node, what: string): Attribute[] {
  return n.children.map((a, i) => {
    const [type, values] = seq(a, `${what}.attributes[${i}]`);
    return { oid: readOid(type, `${what}.attributes[${i}].type`), values: set(values, `${what}.attributes[${i}].values`) };
  });
}

/**
 * Walks the encryptedContent whose header was just read: a primitive [0], or a constructed one
 * whose segments are OCTET STRINGs (themselves possibly constructed). Returns the ciphertext
 * length; delivers the ciphertext to `onData` when given, else skips it.
 */
async function walkContent(c: FileCursor, h: Tlv, onData?: (v: Buffer) => void | Promise<void>, depth = 0): Promise<number> {
  if (!h.constructed) {
    if (onData) await c.data(h.length, onData);
    else await c.skip(h.length);
    return h.length;
  }
  if (depth > 8) throw malformed(t`the encrypted content nests too deeply`);
  const end = h.length >= 0 ? h.contentStart + h.length : undefined;
  let total = 0;
  for (;;) {
    if (end !== undefined && c.pos >= end) {
      if (c.pos > end) throw malformed(t`a segment of the encrypted content overruns its container`);
      return total;
    }
    const s = await c.header();
    if (isEoc(s)) {
      if (end !== undefined) throw malformed(t`an end-of-contents inside a definite-length encrypted content`);
      return total;
    }
    if (s.tagClass !== 0 || s.tag !== 4) throw malformed(t`the encrypted content has a segment that is not an OCTET STRING (at byte ${s.start})`);
    total += await walkContent(c, s, onData, depth + 1);
  }
}

/**
 * Pass 2: decrypts the content, delivering plaintext in pieces as it is read, and hashes the whole
 * file (`fileHash`) on the way. Throws VerificationError when the GCM tag, the GMAC of a CBC
 * deposit, or the CBC padding does not check out: the ciphertext was altered or damaged.
 * Plaintext delivered before that point must not be trusted by the caller until this returns.
 */
export async function decryptContent(fh: FileHandle, layout: EnvelopeLayout, cek: Uint8Array, onPlain: (b: Buffer) => void | Promise<void>, fileHash: Hash, what: string): Promise<void> {
  const cipher = layout.cipher;
  if (cek.length !== cipher.keyLength) throw new VerificationError({ code: 'VERIFICATION_FAILED', message: t`the recovered content key has ${cek.length} bytes, ${cipher.name} needs ${cipher.keyLength}: the deposit is damaged` });
  let d: Decipher;
  if (cipher.tagLength) {
    const gcm = createDecipheriv(cipher.name as CipherGCMTypes, cek, cipher.iv, { authTagLength: cipher.tagLength });
    if (layout.aad) gcm.setAAD(layout.aad);
    gcm.setAuthTag(layout.mac!);
    d = gcm;
  } else d = createDecipheriv(cipher.name, cek, cipher.iv);
  const mac = layout.gmac && !cipher.tagLength ? gmac(macKey(cek), layout.gmac.nonce) : undefined;
  mac?.update(cipher.iv);
  const c = new FileCursor(fh, layout.fileSize, what, fileHash);
  const scavenge = scavenger();
  await c.skip(layout.contentStart);
  await walkContent(c, await c.header(), async (v) => {
    mac?.update(v);
    const p = d.update(v);
    if (p.length) await onPlain(p);
    scavenge(p.length);
  });
  if (mac && !bytesEqual(mac.tag(), layout.gmac!.mac)) throw new VerificationError({ code: 'VERIFICATION_FAILED', message: t`the deposit's MAC (AES-256-GMAC) does not match: its content was altered or damaged` });
  let last: Buffer;
  try {
    last = d.final();
  } catch {
    throw new VerificationError({
      code: 'VERIFICATION_FAILED',
      message: cipher.tagLength ? t`the deposit's authentication tag does not match: its content was altered or damaged` : t`the deposit's content does not decrypt (bad padding): it was altered or damaged`,
    });
  }
  if (last.length) await onPlain(last);
  await c.skip(layout.fileSize - c.pos);
}
