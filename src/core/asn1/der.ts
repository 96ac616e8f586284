/**
 * A small ASN.1 BER/DER reader and DER writer.
 *
 * Why not a generic ASN.1 library: verification must work on the *original bytes*
 * (signed attributes are verified as received, eContent is hashed as received,
 * certificates are hashed for ESSCertID as received), and real-world tokens are BER
 * (indefinite lengths, constructed OCTET STRINGs). This reader keeps every node's raw
 * encoding and never re-encodes anything it parsed.
 */
import { InputError, LimitError } from '../errors.js';
import { LIMITS } from '../limits.js';
import type { Text } from '../text.js';
import { t } from '../text.js';

export const enum TagClass {
  Universal = 0,
  Application = 1,
  Context = 2,
  Private = 3,
}

export const Tag = {
  BOOLEAN: 1,
  INTEGER: 2,
  BIT_STRING: 3,
  OCTET_STRING: 4,
  NULL: 5,
  OID: 6,
  UTF8String: 12,
  SEQUENCE: 16,
  SET: 17,
  PrintableString: 19,
  T61String: 20,
  IA5String: 22,
  UTCTime: 23,
  GeneralizedTime: 24,
  VisibleString: 26,
  UniversalString: 28,
  BMPString: 30,
} as const;

const NO_CHILDREN: readonly Node[] = Object.freeze([]);

/**
 * One parsed TLV. It holds offsets into the parsed buffer, not views, and makes its children
 * only when they are asked for: `parse` has already checked the whole encoding, and a token
 * may carry 100,000s of values nobody reads (a hostile attribute, a large CRL), which then
 * cost nothing (docs/limits.md). `raw` and `content` are views made on demand.
 */
export class Node {
  private kids: readonly Node[] | undefined;

  constructor(
    private readonly buf: Uint8Array,
    readonly tagClass: TagClass,
    readonly constructed: boolean,
    readonly tag: number,
    private readonly start: number,
    private readonly contentStart: number,
    private readonly contentEnd: number,
    private readonly end: number,
  ) {}

  /** The node's exact encoding (header, content and any end-of-contents). */
  get raw(): Uint8Array {
    return this.buf.subarray(this.start, this.end);
  }

  /** Content octets (between header and end; for indefinite form, without the end-of-contents). */
  get content(): Uint8Array {
    return this.buf.subarray(this.contentStart, this.contentEnd);
  }

  /** Length of the content octets. */
  get length(): number {
    return this.contentEnd - this.contentStart;
  }

  /** BER indefinite length (only then does the encoding end after the content: end-of-contents). */
  get indefinite(): boolean {
    return this.end !== this.contentEnd;
  }

  /** The values inside a constructed node (none for a primitive one). */
  get children(): readonly Node[] {
    if (this.kids === undefined) this.kids = this.constructed && this.contentEnd > this.contentStart ? nodesIn(this.buf, this.contentStart, this.contentEnd) : NO_CHILDREN;
    return this.kids;
  }

  is(tagClass: TagClass, tag: number): boolean {
    return this.tagClass === tagClass && this.tag === tag;
  }

  isUniversal(tag: number): boolean {
    return this.is(TagClass.Universal, tag);
  }

  isContext(tag: number): boolean {
    return this.is(TagClass.Context, tag);
  }

  describe(): string {
    const cls = ['UNIVERSAL', 'APPLICATION', '', 'PRIVATE'][this.tagClass];
    return this.tagClass === TagClass.Context ? `[${this.tag}]` : `${cls} ${this.tag}`;
  }
}

export class Asn1Error extends InputError {
  constructor(message: Text) {
    super({ code: 'MALFORMED_ASN1', message });
  }
}

/**
 * Parses exactly one TLV from `buf`. Trailing bytes are an error unless `allowTrailing`.
 * The whole encoding is checked first, within the limits of nesting depth and number of values
 * (LIMITS.derDepth, LIMITS.derValues), so that the cost of an object is bounded by its size
 * whatever its shape; nodes are then made as they are read.
 */
export function parse(buf: Uint8Array, what = 'ASN.1 data', opts: { allowTrailing?: boolean } = {}): Node {
  if (buf.byteLength === 0) throw new Asn1Error(t`${what} is empty`);
  const end = check(buf, what);
  if (end !== buf.byteLength && !opts.allowTrailing) {
    throw new Asn1Error(t`${what} has ${buf.byteLength - end} trailing byte(s)`);
  }
  return nodeAt(buf, 0);
}

/** Checks the TLV at the start of `buf` and everything in it; returns its end. */
function check(buf: Uint8Array, what: string): number {
  const st: CheckState = { what, values: 0 };
  return checkTlv(buf, 0, buf.byteLength, 0, st);
}

interface CheckState {
  what: string;
  /** Values seen so far. */
  values: number;
}

/** A TLV header, read into one reused object (no allocation per value). */
const H = { tagClass: 0 as TagClass, constructed: false, tag: 0, contentStart: 0, length: -1 };

function truncated(what: string): Asn1Error {
  return new Asn1Error(t`${what} is truncated`);
}

/** Reads the header at `p` into H; `length` -1 means indefinite. */
function readHeader(buf: Uint8Array, p: number, limit: number, what: string): void {
  if (p + 1 > limit) throw truncated(what);
  const b0 = buf[p++]!;
  H.tagClass = (b0 >> 6) as TagClass;
  H.constructed = (b0 & 0x20) !== 0;
  let tag = b0 & 0x1f;
  if (tag === 0x1f) {
    tag = 0;
    for (let i = 0; ; i++) {
      if (p + 1 > limit) throw truncated(what);
      const b = buf[p++]!;
      if (i > 3) throw new Asn1Error(t`${what} has an oversized tag number`);
      tag = (tag << 7) | (b & 0x7f);
      if ((b & 0x80) === 0) break;
    }
  }
  H.tag = tag;
  if (p + 1 > limit) throw truncated(what);
  const lb = buf[p++]!;
  let length = -1;
  if (lb < 0x80) length = lb;
  else if (lb === 0x80) {
    if (!H.constructed) throw new Asn1Error(t`${what} uses an indefinite length on a primitive value`);
  } else {
    const n = lb & 0x7f;
    if (n > 4) throw new Asn1Error(t`${what} has an oversized length`);
    if (p + n > limit) throw truncated(what);
    length = 0;
    for (let i = 0; i < n; i++) length = length * 256 + buf[p++]!;
  }
  H.contentStart = p;
  H.length = length;
}

/** Checks the TLV at `start`, whose encoding must end by `limit`, and all it contains; returns its end. */
function checkTlv(buf: Uint8Array, start: number, limit: number, depth: number, st: CheckState): number {
  const what = st.what;
  if (depth > LIMITS.derDepth) throw new LimitError(t`${what} nests deeper than ${LIMITS.derDepth} levels`);
  if (++st.values > LIMITS.derValues) throw new LimitError(t`${what} holds more than ${LIMITS.derValues} ASN.1 values (the limit)`);
  readHeader(buf, start, limit, what);
  const { constructed, contentStart, length } = H;
  if (length >= 0) {
    const contentEnd = contentStart + length;
    if (contentEnd > limit) throw truncated(what);
    if (constructed) for (let q = contentStart; q < contentEnd; ) q = checkTlv(buf, q, contentEnd, depth + 1, st);
    return contentEnd;
  }
  for (let q = contentStart; ; ) {
    if (q + 2 > limit) throw new Asn1Error(t`${what} is truncated (missing end-of-contents)`);
    if (buf[q] === 0 && buf[q + 1] === 0) return q + 2;
    q = checkTlv(buf, q, limit, depth + 1, st);
  }
}

/** End of the (already checked) TLV at `start`. */
function endAt(buf: Uint8Array, start: number): number {
  readHeader(buf, start, buf.byteLength, '');
  if (H.length >= 0) return H.contentStart + H.length;
  let q = H.contentStart;
  while (!(buf[q] === 0 && buf[q + 1] === 0)) q = endAt(buf, q);
  return q + 2;
}

/** The (already checked) TLV from `start` to `end` as a Node. */
function makeNode(buf: Uint8Array, start: number, end: number): Node {
  readHeader(buf, start, buf.byteLength, '');
  const { tagClass, constructed, tag, contentStart, length } = H;
  return new Node(buf, tagClass, constructed, tag, start, contentStart, length >= 0 ? end : end - 2, end);
}

function nodeAt(buf: Uint8Array, start: number): Node {
  return makeNode(buf, start, endAt(buf, start));
}

/** The (already checked) TLVs from `from` to `to`. */
function nodesIn(buf: Uint8Array, from: number, to: number): Node[] {
  const out: Node[] = [];
  for (let q = from; q < to; ) {
    const end = endAt(buf, q);
    out.push(makeNode(buf, q, end));
    q = end;
  }
  return out;
}

// ---------------------------------------------------------------------------
// Typed accessors. Each takes a `where` label used in the error message.

export function expect(node: Node | undefined, tagClass: TagClass, tag: number, where: string): Node {
  if (!node) throw new Asn1Error(t`${where}: missing`);
  if (!node.is(tagClass, tag)) throw new Asn1Error(t`${where}: unexpected ${node.describe()}`);
  return node;
}

export function seq(node: Node | undefined, where: string): readonly Node[] {
  const n = expect(node, TagClass.Universal, Tag.SEQUENCE, where);
  if (!n.constructed) throw new Asn1Error(t`${where}: SEQUENCE must be constructed`);
  return n.children;
}

export function set(node: Node | undefined, where: string): readonly Node[] {
  return setNode(node, where).children;
}

/** A SET, checked, without making its members yet (see Node.children). */
export function setNode(node: Node | undefined, where: string): Node {
  const n = expect(node, TagClass.Universal, Tag.SET, where);
  if (!n.constructed) throw new Asn1Error(t`${where}: SET must be constructed`);
  return n;
}

function primitive(node: Node, where: string): Uint8Array {
  if (node.constructed) throw new Asn1Error(t`${where}: must be primitive`);
  return node.content;
}

/**
 * An INTEGER as a number. At most LIMITS.integerBytes content octets: serial numbers, nonces
 * and versions are short, and a huge one would only cost time and screen space. Converted in
 * one step from hex (shifting a BigInt byte by byte is quadratic).
 */
export function integer(node: Node | undefined, where: string): bigint {
  const c = integerBytes(node, where);
  if (c.length > LIMITS.integerBytes) throw new LimitError(t`${where}: an INTEGER of ${c.length} bytes is beyond the limit of ${LIMITS.integerBytes} bytes`);
  let v = BigInt(`0x${Buffer.from(c.buffer, c.byteOffset, c.byteLength).toString('hex')}`);
  if (c[0]! & 0x80) v -= 1n << BigInt(c.length * 8);
  return v;
}

/** The INTEGER's content octets as encoded (two's complement). */
export function integerBytes(node: Node | undefined, where: string): Uint8Array {
  const c = primitive(expect(node, TagClass.Universal, Tag.INTEGER, where), where);
  if (c.length === 0) throw new Asn1Error(t`${where}: empty INTEGER`);
  return c;
}

export function smallInt(node: Node | undefined, where: string): number {
  const v = integer(node, where);
  if (v > 0xffffffffn || v < -0xffffffffn) throw new Asn1Error(t`${where}: integer out of range`);
  return Number(v);
}

export function oid(node: Node | undefined, where: string): string {
  const c = primitive(expect(node, TagClass.Universal, Tag.OID, where), where);
  return decodeOid(c, where);
}

/**
 * Dotted text of an OBJECT IDENTIFIER's content octets. At most LIMITS.oidBytes octets and
 * LIMITS.oidArcBytes per arc: an arc is a number of any size in ASN.1, and turning a huge one
 * into decimal is quadratic. Arcs of up to 7 octets (49 bits) are read as plain numbers.
 */
export function decodeOid(c: Uint8Array, where: string): string {
  if (c.length === 0) throw new Asn1Error(t`${where}: empty OBJECT IDENTIFIER`);
  if (c.length > LIMITS.oidBytes) throw new LimitError(t`${where}: an OBJECT IDENTIFIER of ${c.length} bytes is beyond the limit of ${LIMITS.oidBytes} bytes`);
  const arcs: (number | bigint)[] = [];
  let from = 0;
  for (let i = 0; i < c.length; i++) {
    const b = c[i]!;
    if (i === from && b === 0x80) throw new Asn1Error(t`${where}: non-minimal OBJECT IDENTIFIER`);
    if (b & 0x80) continue;
    const len = i - from + 1;
    if (len > LIMITS.oidArcBytes) throw new LimitError(t`${where}: an OBJECT IDENTIFIER arc of ${len} bytes is beyond the limit of ${LIMITS.oidArcBytes} bytes`);
    if (len <= 7) {
      let v = 0;
      for (let k = from; k <= i; k++) v = v * 128 + (c[k]! & 0x7f);
      arcs.push(v);
    } else {
      let v = 0n;
      for (let k = from; k <= i; k++) v = (v << 7n) | BigInt(c[k]! & 0x7f);
      arcs.push(v);
    }
    from = i + 1;
  }
  if (from !== c.length) throw new Asn1Error(t`${where}: truncated OBJECT IDENTIFIER`);
  const first = BigInt(arcs[0]!);
  const head = first < 40n ? [0n, first] : first < 80n ? [1n, first - 40n] : [2n, first - 80n];
  return [...head, ...arcs.slice(1)].join('.');
}

/** OCTET STRING content; a BER constructed OCTET STRING is flattened. */
export function octets(node: Node | undefined, where: string): Uint8Array {
  const n = expect(node, TagClass.Universal, Tag.OCTET_STRING, where);
  return flattenOctets(n, where);
}

/** Content of a primitive or constructed string node (any tag), concatenating BER segments. */
export function flattenOctets(n: Node, where: string): Uint8Array {
  if (!n.constructed) return n.content;
  // The primitive segments of all levels, copied once (a copy per level would cost depth × size).
  const parts: Uint8Array[] = [];
  const collect = (x: Node) => {
    for (const c of x.children) {
      if (!c.isUniversal(Tag.OCTET_STRING)) throw new Asn1Error(t`${where}: bad segment in constructed OCTET STRING`);
      if (c.constructed) collect(c);
      else parts.push(c.content);
    }
  };
  collect(n);
  const out = new Uint8Array(parts.reduce((sum, p) => sum + p.byteLength, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}

export function bitString(node: Node | undefined, where: string): { bytes: Uint8Array; unused: number } {
  const c = primitive(expect(node, TagClass.Universal, Tag.BIT_STRING, where), where);
  if (c.length === 0 || c[0]! > 7) throw new Asn1Error(t`${where}: bad BIT STRING`);
  return { bytes: c.subarray(1), unused: c[0]! };
}

export function boolean(node: Node | undefined, where: string): boolean {
  const c = primitive(expect(node, TagClass.Universal, Tag.BOOLEAN, where), where);
  if (c.length !== 1) throw new Asn1Error(t`${where}: bad BOOLEAN`);
  return c[0] !== 0;
}

/** Decodes any of the common ASN.1 string types to a JS string. */
export function string(node: Node | undefined, where: string): string {
  if (!node) throw new Asn1Error(t`${where}: missing`);
  const c = flattenOctets(node, where);
  switch (node.tagClass === TagClass.Universal ? node.tag : -1) {
    case Tag.UTF8String:
      return new TextDecoder('utf-8', { fatal: false }).decode(c);
    case Tag.BMPString: {
      let s = '';
      for (let i = 0; i + 1 < c.length; i += 2) s += String.fromCharCode((c[i]! << 8) | c[i + 1]!);
      return s;
    }
    case Tag.UniversalString: {
      // UCS-4: four octets a character; only Unicode scalar values are characters.
      if (c.length % 4 !== 0) throw new Asn1Error(t`${where}: a UniversalString of ${c.length} octets (not whole characters)`);
      let s = '';
      for (let i = 0; i < c.length; i += 4) {
        const cp = ((c[i]! << 24) | (c[i + 1]! << 16) | (c[i + 2]! << 8) | c[i + 3]!) >>> 0;
        if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) throw new Asn1Error(t`${where}: a UniversalString holds ${cp}, which is not a character`);
        s += String.fromCodePoint(cp);
      }
      return s;
    }
    case Tag.PrintableString:
    case Tag.IA5String:
    case Tag.VisibleString:
    case Tag.T61String:
      return Buffer.from(c).toString('latin1');
    default:
      throw new Asn1Error(t`${where}: not a string (${node.describe()})`);
  }
}

/** A parsed GeneralizedTime or UTCTime, keeping the text as encoded. */
export interface Asn1Time {
  date: Date;
  text: string;
  /** Fractional seconds as written (digits after the point), '' when absent. */
  fraction: string;
  kind: 'generalized' | 'utc';
}

export function time(node: Node | undefined, where: string): Asn1Time {
  if (!node) throw new Asn1Error(t`${where}: missing`);
  // A time is shown as written: a megabyte of fractional digits belongs in no message.
  if (primitive(node, where).length > LIMITS.timeChars) throw new LimitError(t`${where}: a time of ${node.length} characters is beyond the limit of ${LIMITS.timeChars}`);
  const text = Buffer.from(node.content).toString('latin1');
  if (node.isUniversal(Tag.GeneralizedTime)) {
    const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(?:\.(\d+))?Z$/.exec(text);
    if (!m) throw new Asn1Error(t`${where}: GeneralizedTime "${text}" is not of the form YYYYMMDDhhmmss[.f]Z`);
    const fraction = m[7] ?? '';
    const ms = fraction ? Math.floor(Number(`0.${fraction}`) * 1000) : 0;
    const date = new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!, ms));
    checkFields(date, +m[1]!, +m[2]!, +m[3]!, +m[4]!, +m[5]!, +m[6]!, where, text);
    return { date, text, fraction, kind: 'generalized' };
  }
  if (node.isUniversal(Tag.UTCTime)) {
    const m = /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text);
    if (!m) throw new Asn1Error(t`${where}: UTCTime "${text}" is not of the form YYMMDDhhmmssZ`);
    const yy = +m[1]!;
    const year = yy >= 50 ? 1900 + yy : 2000 + yy; // RFC 5280 §4.1.2.5.1
    const date = new Date(Date.UTC(year, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!));
    checkFields(date, year, +m[2]!, +m[3]!, +m[4]!, +m[5]!, +m[6]!, where, text);
    return { date, text, fraction: '', kind: 'utc' };
  }
  throw new Asn1Error(t`${where}: not a time (${node.describe()})`);
}

function checkFields(d: Date, y: number, mo: number, da: number, h: number, mi: number, s: number, where: string, text: string) {
  if (d.getUTCFullYear() !== y || d.getUTCMonth() !== mo - 1 || d.getUTCDate() !== da || d.getUTCHours() !== h || d.getUTCMinutes() !== mi || d.getUTCSeconds() !== s) {
    throw new Asn1Error(t`${where}: invalid date "${text}"`);
  }
}

/** The single child inside an EXPLICIT context tag. */
export function explicit(node: Node | undefined, tag: number, where: string): Node {
  const n = expect(node, TagClass.Context, tag, where);
  if (!n.constructed || n.children.length !== 1) throw new Asn1Error(t`${where}: bad explicit [${tag}]`);
  return n.children[0]!;
}

// ---------------------------------------------------------------------------
// DER writer

function lengthBytes(len: number): Uint8Array {
  if (len < 0x80) return Uint8Array.of(len);
  const out: number[] = [];
  while (len > 0) {
    out.unshift(len & 0xff);
    len = Math.floor(len / 256);
  }
  return Uint8Array.of(0x80 | out.length, ...out);
}

export function tlv(idByte: number, content: Uint8Array): Uint8Array {
  return new Uint8Array(Buffer.concat([Uint8Array.of(idByte), lengthBytes(content.byteLength), content]));
}

const cat = (parts: readonly Uint8Array[]) => new Uint8Array(Buffer.concat(parts));

export const der = {
  sequence: (...items: (Uint8Array | undefined)[]) => tlv(0x30, cat(items.filter((x): x is Uint8Array => !!x))),
  /** SET OF, sorted as DER requires (X.690 §11.6). */
  setOf: (...items: Uint8Array[]) => tlv(0x31, cat([...items].sort((a, b) => Buffer.compare(a, b)))),
  integer(v: bigint | number): Uint8Array {
    let n = BigInt(v);
    const bytes: number[] = [];
    if (n === 0n) bytes.push(0);
    const neg = n < 0n;
    while (neg ? n < -1n || bytes.length === 0 || (bytes[0]! & 0x80) === 0 : n > 0n) {
      bytes.unshift(Number(n & 0xffn));
      n >>= 8n;
    }
    if (!neg && (bytes[0]! & 0x80) !== 0) bytes.unshift(0);
    return tlv(0x02, Uint8Array.from(bytes));
  },
  /** An INTEGER from raw unsigned magnitude bytes (e.g. a certificate serial as encoded). */
  integerRaw: (content: Uint8Array) => tlv(0x02, content),
  oid(s: string): Uint8Array {
    const arcs = s.split('.').map((a) => BigInt(a));
    const out: number[] = [];
    const enc = (v: bigint) => {
      const tmp: number[] = [Number(v & 0x7fn)];
      v >>= 7n;
      while (v > 0n) {
        tmp.unshift(Number(v & 0x7fn) | 0x80);
        v >>= 7n;
      }
      out.push(...tmp);
    };
    enc(arcs[0]! * 40n + arcs[1]!);
    for (const a of arcs.slice(2)) enc(a);
    return tlv(0x06, Uint8Array.from(out));
  },
  octetString: (b: Uint8Array) => tlv(0x04, b),
  bitString: (b: Uint8Array, unused = 0) => tlv(0x03, cat([Uint8Array.of(unused), b])),
  null: () => Uint8Array.of(0x05, 0x00),
  boolean: (v: boolean) => Uint8Array.of(0x01, 0x01, v ? 0xff : 0x00),
  utf8: (s: string) => tlv(0x0c, new Uint8Array(Buffer.from(s, 'utf8'))),
  /** GeneralizedTime; milliseconds are written with trailing zeros removed (RFC 3161 §2.4.2). */
  generalizedTime(d: Date, withMillis = false): Uint8Array {
    const iso = d.toISOString(); // YYYY-MM-DDTHH:MM:SS.mmmZ
    let s = iso.slice(0, 4) + iso.slice(5, 7) + iso.slice(8, 10) + iso.slice(11, 13) + iso.slice(14, 16) + iso.slice(17, 19);
    if (withMillis) {
      const ms = iso.slice(20, 23).replace(/0+$/, '');
      if (ms) s += `.${ms}`;
    }
    return tlv(0x18, new Uint8Array(Buffer.from(`${s}Z`, 'latin1')));
  },
  utcTime(d: Date): Uint8Array {
    const iso = d.toISOString();
    const s = iso.slice(2, 4) + iso.slice(5, 7) + iso.slice(8, 10) + iso.slice(11, 13) + iso.slice(14, 16) + iso.slice(17, 19);
    return tlv(0x17, new Uint8Array(Buffer.from(`${s}Z`, 'latin1')));
  },
  /** [n] EXPLICIT */
  explicit: (n: number, inner: Uint8Array) => tlv(0xa0 | n, inner),
  /** [n] IMPLICIT constructed, given the content octets */
  implicitConstructed: (n: number, content: Uint8Array) => tlv(0xa0 | n, content),
  /** [n] IMPLICIT primitive, given the content octets */
  implicitPrimitive: (n: number, content: Uint8Array) => tlv(0x80 | n, content),
  raw: (...parts: Uint8Array[]) => cat(parts),
};

/** Replaces the identifier octet of an encoded node (e.g. [0] IMPLICIT SET → SET, tag A0 → 31). */
export function retag(encoded: Uint8Array, idByte: number): Uint8Array {
  const out = new Uint8Array(encoded);
  out[0] = idByte;
  return out;
}

/**
 * Re-encodes a parsed node in DER: definite lengths, SET OF members sorted, BER
 * constructed strings flattened. Used only as a fallback to judge signatures that
 * were computed over the DER form of attributes received in another encoding.
 */
export function toDer(n: Node): Uint8Array {
  const id = (n.tagClass << 6) | (n.constructed ? 0x20 : 0) | (n.tag < 31 ? n.tag : 0x1f);
  if (n.tag >= 31) throw new Asn1Error(t`high tag numbers are not re-encoded`);
  if (!n.constructed) return tlv(id, n.content);
  if (n.tagClass === TagClass.Universal && (n.tag === Tag.OCTET_STRING || n.tag === Tag.BIT_STRING || n.tag === Tag.UTF8String)) {
    return tlv(id & ~0x20, flattenOctets(n, 'string'));
  }
  let parts = n.children.map(toDer);
  if (n.tagClass === TagClass.Universal && n.tag === Tag.SET) parts = parts.sort((a, b) => Buffer.compare(a, b));
  return tlv(id, new Uint8Array(Buffer.concat(parts)));
}

/** Length of the first TLV in `buf`, and whether everything after it is zero padding (undefined when malformed; limits still apply). */
export function paddingAfter(buf: Uint8Array, what = 'data'): { end: number; zeroPadded: boolean } | undefined {
  let end: number;
  try {
    end = check(buf, what);
  } catch (err) {
    if (err instanceof LimitError) throw err;
    return undefined;
  }
  return { end, zeroPadded: end < buf.byteLength && buf.subarray(end).every((b) => b === 0) };
}
