/**
 * RFC 6962 / RFC 9162 Merkle trees: leaf = H(0x00 || data), node = H(0x01 || left || right),
 * the tree split at the largest power of two below its size (an unpaired last node is
 * carried up, never duplicated — CVE-2012-2459). Inclusion proofs per RFC 9162 §2.1.3.
 */
import { createHash } from 'node:crypto';
import type { HashAlgorithm } from '../crypto/algorithms.js';

const LEAF = Buffer.of(0x00);
const NODE = Buffer.of(0x01);

export function leafHash(alg: HashAlgorithm, data: Uint8Array): Buffer {
  return createHash(alg).update(LEAF).update(data).digest();
}

export function nodeHash(alg: HashAlgorithm, left: Uint8Array, right: Uint8Array): Buffer {
  return createHash(alg).update(NODE).update(left).update(right).digest();
}

/**
 * All levels of the tree, bottom (leaves) to top (root). Built bottom-up pairing
 * neighbours and carrying an odd last node up unchanged, which yields RFC 6962's MTH.
 */
export function levels(alg: HashAlgorithm, leaves: readonly Uint8Array[]): Uint8Array[][] {
  if (leaves.length === 0) throw new Error('a Merkle tree needs at least one leaf');
  const out: Uint8Array[][] = [leaves.slice()];
  while (out[out.length - 1]!.length > 1) {
    const cur = out[out.length - 1]!;
    const next: Uint8Array[] = [];
    for (let i = 0; i + 1 < cur.length; i += 2) next.push(nodeHash(alg, cur[i]!, cur[i + 1]!));
    if (cur.length % 2 === 1) next.push(cur[cur.length - 1]!);
    out.push(next);
  }
  return out;
}

export function rootOf(alg: HashAlgorithm, leaves: readonly Uint8Array[]): Uint8Array {
  const l = levels(alg, leaves);
  return l[l.length - 1]![0]!;
}

/** The audit path for leaf `index`: sibling hashes from the bottom up (RFC 6962 §2.1.1). */
export function inclusionProof(tree: readonly Uint8Array[][], index: number): Uint8Array[] {
  const proof: Uint8Array[] = [];
  let i = index;
  for (let level = 0; level < tree.length - 1; level++) {
    const nodes = tree[level]!;
    const sibling = i ^ 1;
    // A node without a sibling (the odd last one) is carried up: nothing to add.
    if (sibling < nodes.length) proof.push(nodes[sibling]!);
    i >>= 1;
  }
  return proof;
}

/** RFC 9162 §2.1.3.2: true when `proof` shows leaf `index` (of `size`) under `root`. */
export function verifyInclusion(alg: HashAlgorithm, index: number, size: number, leaf: Uint8Array, proof: readonly Uint8Array[], root: Uint8Array): boolean {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) return false;
  let fn = index;
  let sn = size - 1;
  let r: Uint8Array = leaf;
  for (const p of proof) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(alg, p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else r = nodeHash(alg, r, p);
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && Buffer.compare(Buffer.from(r), Buffer.from(root)) === 0;
}
