/**
 * RFC 6962 / RFC 9162 Merkle trees: leaf = H(0x00 || data), node = H(0x01 || left || right),
 * the tree split at the largest power of two below its size (an unpaired last node is
 * carried up, never duplicated — CVE-2012-2459). Inclusion proofs per RFC 9162 §2.1.3.
 */
import { hash } from 'node:crypto';
import type { HashAlgorithm } from '../crypto/algorithms.js';

export { leafHash } from './leaf.ts';

const scratch = Buffer.allocUnsafe(1 + 2 * 64);

export function nodeHash(alg: HashAlgorithm, left: Uint8Array, right: Uint8Array): Buffer {
  scratch[0] = 0x01;
  scratch.set(left, 1);
  scratch.set(right, 1 + left.length);
  return hash(alg, scratch.subarray(0, 1 + left.length + right.length), 'buffer');
}

/**
 * A tree stored level by level, each level one contiguous buffer of `size`-byte hashes
 * (100,000s of leaves would otherwise be as many small objects).
 */
export interface Tree {
  alg: HashAlgorithm;
  size: number;
  levels: Buffer[];
}

const nodeAt = (level: Buffer, i: number, h: number) => level.subarray(i * h, i * h + h);

/**
 * Builds all levels bottom-up, pairing neighbours and carrying an odd last node up unchanged,
 * which yields RFC 6962's MTH. `leaves` is either packed (n × hash length) or a list.
 */
export function buildTree(alg: HashAlgorithm, leaves: Buffer | readonly Uint8Array[]): Tree {
  const h = DIGEST_SIZE[alg];
  const first = Buffer.isBuffer(leaves) ? leaves : Buffer.concat(leaves as Uint8Array[]);
  const n = first.length / h;
  if (n < 1 || !Number.isInteger(n)) throw new Error('a Merkle tree needs at least one leaf');
  const out: Buffer[] = [first];
  // 0x01 || left || right, assembled in place; the hex output of crypto.hash written straight
  // into the next level is about twice as fast as Buffer output for 100,000s of nodes.
  const input = Buffer.allocUnsafe(1 + 2 * h);
  input[0] = 0x01;
  for (let count = n; count > 1; ) {
    const cur = out[out.length - 1]!;
    const nextCount = Math.ceil(count / 2);
    const next = Buffer.allocUnsafe(nextCount * h);
    for (let i = 0; i + 1 < count; i += 2) {
      cur.copy(input, 1, i * h, (i + 2) * h);
      next.write(hash(alg, input, 'hex'), (i / 2) * h, 'hex');
    }
    if (count % 2 === 1) cur.copy(next, (nextCount - 1) * h, (count - 1) * h, count * h);
    out.push(next);
    count = nextCount;
  }
  return { alg, size: n, levels: out };
}

const DIGEST_SIZE: Record<HashAlgorithm, number> = { sha256: 32, sha384: 48, sha512: 64 };

export function treeRoot(t: Tree): Buffer {
  return t.levels[t.levels.length - 1]!;
}

/** All levels as lists of nodes (tests and small trees). */
export function levels(alg: HashAlgorithm, leaves: readonly Uint8Array[]): Uint8Array[][] {
  const t = buildTree(alg, leaves);
  const h = DIGEST_SIZE[alg];
  return t.levels.map((l) => Array.from({ length: l.length / h }, (_, i) => nodeAt(l, i, h)));
}

export function rootOf(alg: HashAlgorithm, leaves: readonly Uint8Array[]): Uint8Array {
  return treeRoot(buildTree(alg, leaves));
}

/** The audit path for leaf `index`: sibling hashes from the bottom up (RFC 6962 §2.1.1). */
export function inclusionProof(tree: Tree | readonly Uint8Array[][], index: number): Uint8Array[] {
  const lv = Array.isArray(tree) ? (tree as readonly Uint8Array[][]) : undefined;
  const t = lv ? undefined : (tree as Tree);
  const depth = lv ? lv.length : t!.levels.length;
  const h = t ? DIGEST_SIZE[t.alg] : 0;
  const proof: Uint8Array[] = [];
  let i = index;
  for (let level = 0; level < depth - 1; level++) {
    const count = lv ? lv[level]!.length : t!.levels[level]!.length / h;
    const sibling = i ^ 1;
    // A node without a sibling (the odd last one) is carried up: nothing to add.
    if (sibling < count) proof.push(lv ? lv[level]![sibling]! : nodeAt(t!.levels[level]!, sibling, h));
    i >>= 1;
  }
  return proof;
}

/**
 * RFC 9162 §2.1.3.2: for each hash of a proof for leaf `index` (of `size`), whether that
 * sibling goes on the left. Undefined when the proof's length cannot fit the position.
 */
export function proofSides(index: number, size: number, proofLength: number): ('left' | 'right')[] | undefined {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) return undefined;
  let fn = index;
  let sn = size - 1;
  const sides: ('left' | 'right')[] = [];
  for (let k = 0; k < proofLength; k++) {
    if (sn === 0) return undefined;
    if (fn % 2 === 1 || fn === sn) {
      sides.push('left');
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else sides.push('right');
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 ? sides : undefined;
}

/** RFC 9162 §2.1.3.2: true when `proof` shows leaf `index` (of `size`) under `root`. */
export function verifyInclusion(alg: HashAlgorithm, index: number, size: number, leaf: Uint8Array, proof: readonly Uint8Array[], root: Uint8Array): boolean {
  const sides = proofSides(index, size, proof.length);
  if (!sides) return false;
  const r = proof.reduce<Uint8Array>((acc, p, k) => (sides[k] === 'left' ? nodeHash(alg, p, acc) : nodeHash(alg, acc, p)), leaf);
  return Buffer.compare(Buffer.from(r), Buffer.from(root)) === 0;
}
