/**
 * The Merkle leaf of a registered file, self-contained (node: imports only) so that the
 * hashing workers compute it right after a file's digests, in parallel.
 *
 * Leaf data = canonical JSON of the entry, keys sorted:
 *   {"digests":{"sha256":…[,"sha384":…][,"sha512":…]},"name":…,"salt":…,"size":…}
 * Leaf hash = H(0x00 || leaf data)   (RFC 6962 §2.1).
 */
import { hash } from 'node:crypto';

export interface LeafFields {
  name: string;
  size: number;
  digests: { sha256?: string; sha384?: string; sha512?: string };
  salt: string;
}

/** The canonical JSON, written out by hand (test/unit/merkle.test.ts checks it equals canonicalJson()). */
export function entryJson(e: LeafFields): string {
  let d = '';
  for (const a of ['sha256', 'sha384', 'sha512'] as const) {
    const v = e.digests[a];
    if (v !== undefined) d += `${d ? ',' : ''}"${a}":${JSON.stringify(v)}`;
  }
  return `{"digests":{${d}},"name":${JSON.stringify(e.name)},"salt":${JSON.stringify(e.salt)},"size":${JSON.stringify(e.size)}}`;
}

/**
 * Writes H(0x00 || entry JSON) into `out` at `offset`, allocating only the digest's hex string:
 * crypto.hash's hex output is about twice as fast as its Buffer output for inputs this small,
 * and a 100,000-file batch computes 100,000 leaves.
 */
export function writeLeafHash(alg: string, e: LeafFields, out: Buffer, offset: number): void {
  out.write(hash(alg, `\0${entryJson(e)}`, 'hex'), offset, 'hex');
}

/**
 * A batch's leaves as the hashing lanes build them (hash/engine.ts LeafSpec): the name of each
 * file by index, 64 hex digits of salt per file concatenated, and one packed output buffer.
 */
export interface BatchLeaves {
  algorithm: string;
  names: readonly string[];
  salts: string;
  out: Buffer;
}

/** Writes file `id`'s leaf into its slot of `b.out`, from the digests just computed. */
export function writeBatchLeaf(b: BatchLeaves, id: number, r: { size: number; digests: LeafFields['digests'] }): void {
  const size = b.out.length / b.names.length;
  writeLeafHash(b.algorithm, { name: b.names[id]!, size: r.size, digests: r.digests, salt: b.salts.slice(id * 64, id * 64 + 64) }, b.out, id * size);
}

/** H(0x00 || data); a string is hashed as UTF-8. */
export function leafHash(alg: string, data: Uint8Array | string): Buffer {
  // '\0' + s encodes as the 0x00 prefix byte followed by the UTF-8 of s.
  return hash(alg, typeof data === 'string' ? `\0${data}` : Buffer.concat([Buffer.of(0x00), data]), 'buffer');
}
