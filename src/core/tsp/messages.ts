/**
 * RFC 3161 messages: TimeStampReq, TimeStampResp, TSTInfo.
 *
 *   TimeStampReq ::= SEQUENCE { version INTEGER { v1(1) }, messageImprint MessageImprint,
 *     reqPolicy TSAPolicyId OPTIONAL, nonce INTEGER OPTIONAL, certReq BOOLEAN DEFAULT FALSE,
 *     extensions [0] IMPLICIT Extensions OPTIONAL }
 *   MessageImprint ::= SEQUENCE { hashAlgorithm AlgorithmIdentifier, hashedMessage OCTET STRING }
 *   TimeStampResp ::= SEQUENCE { status PKIStatusInfo, timeStampToken TimeStampToken OPTIONAL }
 *   PKIStatusInfo ::= SEQUENCE { status PKIStatus, statusString PKIFreeText OPTIONAL, failInfo PKIFailureInfo OPTIONAL }
 *   TSTInfo ::= SEQUENCE { version, policy, messageImprint, serialNumber INTEGER, genTime GeneralizedTime,
 *     accuracy Accuracy OPTIONAL, ordering BOOLEAN DEFAULT FALSE, nonce INTEGER OPTIONAL,
 *     tsa [0] GeneralName OPTIONAL, extensions [1] IMPLICIT Extensions OPTIONAL }
 *   Accuracy ::= SEQUENCE { seconds INTEGER OPTIONAL, millis [0] INTEGER (1..999) OPTIONAL, micros [1] INTEGER (1..999) OPTIONAL }
 */
import { der, parse, seq, integer, integerBytes, oid as readOid, octets, boolean, time, bitString, string, explicit, TagClass, Tag, type Node, type Asn1Time, Asn1Error, smallInt } from '../asn1/der.js';
import { readAlgorithmIdentifier, digestOid, type AlgorithmIdentifier, type AnyDigest } from '../crypto/algorithms.js';
import { LIMITS } from '../limits.js';
import { t } from '../text.js';

export interface TimeStampRequest {
  digestAlgorithm: AnyDigest;
  digest: Uint8Array;
  policy?: string;
  nonce?: bigint;
  certReq: boolean;
}

export function encodeTimeStampReq(r: TimeStampRequest): Uint8Array {
  return der.sequence(
    der.integer(1),
    der.sequence(der.sequence(der.oid(digestOid(r.digestAlgorithm))), der.octetString(r.digest)),
    r.policy ? der.oid(r.policy) : undefined,
    r.nonce !== undefined ? der.integer(r.nonce) : undefined,
    r.certReq ? der.boolean(true) : undefined,
  );
}

export interface ParsedTimeStampReq {
  version: number;
  imprintAlgorithm: AlgorithmIdentifier;
  imprint: Uint8Array;
  policy?: string;
  nonce?: bigint;
  certReq: boolean;
  hasExtensions: boolean;
}

export function parseTimeStampReq(bytes: Uint8Array): ParsedTimeStampReq {
  const f = seq(parse(bytes, 'TimeStampReq'), 'TimeStampReq');
  let i = 0;
  const version = smallInt(f[i++], 'TimeStampReq.version');
  const [alg, dig] = seq(f[i++], 'TimeStampReq.messageImprint');
  const r: ParsedTimeStampReq = {
    version,
    imprintAlgorithm: readAlgorithmIdentifier(alg, 'TimeStampReq.messageImprint.hashAlgorithm'),
    imprint: octets(dig, 'TimeStampReq.messageImprint.hashedMessage'),
    certReq: false,
    hasExtensions: false,
  };
  if (f[i]?.isUniversal(Tag.OID)) r.policy = readOid(f[i++], 'TimeStampReq.reqPolicy');
  if (f[i]?.isUniversal(Tag.INTEGER)) r.nonce = integer(f[i++], 'TimeStampReq.nonce');
  if (f[i]?.isUniversal(Tag.BOOLEAN)) r.certReq = boolean(f[i++], 'TimeStampReq.certReq');
  if (f[i]?.isContext(0)) {
    r.hasExtensions = true;
    i++;
  }
  if (i !== f.length) throw new Asn1Error(t`TimeStampReq: unexpected fields`);
  return r;
}

export const PKI_STATUS = ['granted', 'grantedWithMods', 'rejection', 'waiting', 'revocationWarning', 'revocationNotification'] as const;
export const FAILURE_INFO: Record<number, string> = {
  0: 'badAlg',
  2: 'badRequest',
  5: 'badDataFormat',
  14: 'timeNotAvailable',
  15: 'unacceptedPolicy',
  16: 'unacceptedExtension',
  17: 'addInfoNotAvailable',
  25: 'systemFailure',
};

export interface ParsedTimeStampResp {
  status: number;
  statusText: string[];
  failInfo: string[];
  /** The TimeStampToken (ContentInfo) exactly as received. */
  token?: Uint8Array;
}

/** Parses a TimeStampResp; trailing bytes are refused (checklist #3). */
export function parseTimeStampResp(bytes: Uint8Array): ParsedTimeStampResp {
  const f = seq(parse(bytes, 'TimeStampResp'), 'TimeStampResp');
  const si = seq(f[0], 'TimeStampResp.status');
  const status = smallInt(si[0], 'PKIStatusInfo.status');
  const out: ParsedTimeStampResp = { status, statusText: [], failInfo: [] };
  for (const n of si.slice(1)) {
    if (n.isUniversal(Tag.SEQUENCE)) out.statusText = freeText(n);
    else if (n.isUniversal(Tag.BIT_STRING)) out.failInfo = failureNames(bitString(n, 'PKIStatusInfo.failInfo').bytes);
  }
  if (f[1]) out.token = f[1].raw;
  if (f.length > 2) throw new Asn1Error(t`TimeStampResp: unexpected fields`);
  return out;
}

/**
 * PKIFreeText, as far as it is shown: at most LIMITS.statusTextChars characters in all (a TSA's
 * answer may hold up to LIMITS.tokenBytes of text, which belongs in no one-line message).
 */
function freeText(n: Node): string[] {
  const out: string[] = [];
  let room = LIMITS.statusTextChars;
  for (const c of n.children) {
    if (room <= 0) {
      out.push('…');
      break;
    }
    const s = string(c, 'PKIStatusInfo.statusString');
    if (s.length > room) {
      out.push(`${s.slice(0, room)}…`);
      break;
    }
    out.push(s);
    room -= s.length;
  }
  return out;
}

/**
 * The names of the set bits of a PKIFailureInfo. Only set bits are visited and at most a few
 * unnamed ones are listed: a hostile BIT STRING of a megabyte has millions of bits, and naming
 * each cost a gigabyte.
 */
function failureNames(b: Uint8Array): string[] {
  const names: string[] = [];
  let unnamed = 0;
  for (let i = 0; i < b.length; i++) {
    if (b[i] === 0) continue;
    for (let k = 0; k < 8; k++) {
      if (!(b[i]! & (0x80 >> k))) continue;
      const bit = i * 8 + k;
      const name = FAILURE_INFO[bit];
      if (name) names.push(name);
      else if (++unnamed <= 4) names.push(`bit${bit}`);
    }
  }
  if (unnamed > 4) names.push(`… ${unnamed - 4} more`);
  return names;
}

export function encodePkiStatusInfo(status: number, text?: string, failBit?: number): Uint8Array {
  let fail: Uint8Array | undefined;
  if (failBit !== undefined) {
    const nbytes = (failBit >> 3) + 1;
    const b = new Uint8Array(nbytes);
    b[failBit >> 3] = 0x80 >> (failBit & 7);
    fail = der.bitString(b, 7 - (failBit & 7));
  }
  return der.sequence(der.integer(status), text ? der.sequence(der.utf8(text)) : undefined, fail);
}

export interface TstInfo {
  version: number;
  policy: string;
  imprintAlgorithm: AlgorithmIdentifier;
  imprint: Uint8Array;
  serial: bigint;
  serialBytes: Uint8Array;
  genTime: Asn1Time;
  /** Accuracy in microseconds, undefined when absent. */
  accuracyMicros?: number;
  ordering: boolean;
  nonce?: bigint;
  /** tsa GeneralName: the directoryName's raw Name, or a description of another name form. */
  tsaName?: { directoryName?: Uint8Array; other?: string };
  extensions: { oid: string; critical: boolean }[];
}

export function parseTstInfo(bytes: Uint8Array): TstInfo {
  const w = 'TSTInfo';
  const f = seq(parse(bytes, w), w);
  let i = 0;
  const version = smallInt(f[i++], `${w}.version`);
  const policy = readOid(f[i++], `${w}.policy`);
  const [alg, dig] = seq(f[i++], `${w}.messageImprint`);
  const serialBytes = integerBytes(f[i], `${w}.serialNumber`);
  const serial = integer(f[i++], `${w}.serialNumber`);
  const genNode = f[i++];
  if (!genNode?.isUniversal(Tag.GeneralizedTime)) throw new Asn1Error(t`${w}.genTime: must be a GeneralizedTime`);
  const info: TstInfo = {
    version,
    policy,
    imprintAlgorithm: readAlgorithmIdentifier(alg, `${w}.messageImprint.hashAlgorithm`),
    imprint: octets(dig, `${w}.messageImprint.hashedMessage`),
    serial,
    serialBytes,
    genTime: time(genNode, `${w}.genTime`),
    ordering: false,
    extensions: [],
  };
  if (f[i]?.isUniversal(Tag.SEQUENCE)) info.accuracyMicros = readAccuracy(f[i++]!);
  if (f[i]?.isUniversal(Tag.BOOLEAN)) info.ordering = boolean(f[i++], `${w}.ordering`);
  if (f[i]?.isUniversal(Tag.INTEGER)) info.nonce = integer(f[i++], `${w}.nonce`);
  if (f[i]?.isContext(0)) {
    const g = explicit(f[i++], 0, `${w}.tsa`);
    if (g.tagClass === TagClass.Context && g.tag === 4) info.tsaName = { directoryName: explicit(g, 4, `${w}.tsa.directoryName`).raw };
    else info.tsaName = { other: `GeneralName [${g.tag}]` };
  }
  if (f[i]?.isContext(1)) {
    for (const e of f[i++]!.children) {
      const parts = seq(e, `${w}.extension`);
      info.extensions.push({ oid: readOid(parts[0], `${w}.extension.id`), critical: parts.length === 3 ? boolean(parts[1], `${w}.extension.critical`) : false });
    }
  }
  if (i !== f.length) throw new Asn1Error(t`${w}: unexpected fields`);
  return info;
}

function readAccuracy(n: Node): number {
  let micros = 0;
  for (const c of seq(n, 'Accuracy')) {
    if (c.isUniversal(Tag.INTEGER)) micros += smallInt(c, 'Accuracy.seconds') * 1_000_000;
    else if (c.isContext(0) || c.isContext(1)) {
      // [0]/[1] IMPLICIT INTEGER: primitive content octets.
      let v = 0;
      for (const b of c.content) v = v * 256 + b;
      if (v < 1 || v > 999) throw new Asn1Error(t`Accuracy.${c.tag === 0 ? 'millis' : 'micros'}: ${v} outside 1..999`);
      micros += c.tag === 0 ? v * 1000 : v;
    } else throw new Asn1Error(t`Accuracy: unexpected field`);
  }
  return micros;
}

export function encodeAccuracy(micros: number): Uint8Array {
  const s = Math.floor(micros / 1_000_000);
  const ms = Math.floor((micros % 1_000_000) / 1000);
  const us = micros % 1000;
  return der.sequence(s ? der.integer(s) : undefined, ms ? der.implicitPrimitive(0, der.integer(ms).subarray(2)) : undefined, us ? der.implicitPrimitive(1, der.integer(us).subarray(2)) : undefined);
}
