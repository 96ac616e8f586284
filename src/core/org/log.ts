/**
 * The organisation registry's transparency log: an RFC 9162 (§2.1) Merkle tree over SHA-256,
 * leaf = H(0x00 || entry), node = H(0x01 || left || right), split at the largest power of two
 * below the size. Inclusion and consistency proofs are built (§2.1.3.1, §2.1.4.1) and checked
 * (§2.1.3.2, §2.1.4.2) here; the client checks every proof the server hands it.
 *
 * Hashes of complete, power-of-two-aligned subtrees never change in an append-only log, so they
 * are kept: a proof costs O(log² n) hashes once the log is warm, not O(n).
 */
import { createHash } from 'node:crypto';
import { nodeHash, verifyInclusion as verifyTreeInclusion } from '../receipt/merkle.js';

export const HASH_SIZE = 32;
export const EMPTY_ROOT = createHash('sha256').digest();

export function logLeafHash(data: Uint8Array): Buffer {
  return createHash('sha256')
    .update(Buffer.from([0]))
    .update(data)
    .digest();
}

/** The log's interior node: the receipts' RFC 9162 node hash with SHA-256 (core/receipt/merkle.ts). */
export function logNodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  return nodeHash('sha256', left, right);
}

/** The largest power of two strictly below n (n > 1). */
function split(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** A log's leaf hashes in memory, with the hashes of its complete subtrees cached. */
export class MerkleLog {
  private readonly leaves: Buffer[] = [];
  private readonly cache = new Map<string, Buffer>();

  get size(): number {
    return this.leaves.length;
  }

  /** Appends a leaf hash (not the entry: callers hash entries with {@link logLeafHash}). */
  append(leafHash: Uint8Array): void {
    if (leafHash.length !== HASH_SIZE) throw new Error('a leaf hash has 32 bytes');
    this.leaves.push(Buffer.from(leafHash));
  }

  leaf(i: number): Buffer {
    const l = this.leaves[i];
    if (!l) throw new RangeError(`no leaf ${i}`);
    return l;
  }

  /** MTH(D[start:start+n]). */
  private mth(start: number, n: number): Buffer {
    if (n === 1) return this.leaves[start]!;
    const complete = (n & (n - 1)) === 0;
    const key = complete ? `${start}:${n}` : '';
    if (complete) {
      const hit = this.cache.get(key);
      if (hit) return hit;
    }
    const k = split(n);
    const h = logNodeHash(this.mth(start, k), this.mth(start + k, n - k));
    if (complete) this.cache.set(key, h);
    return h;
  }

  /** The root of the tree of the first `size` leaves (default: all). */
  root(size = this.size): Buffer {
    this.checkSize(size);
    return size === 0 ? EMPTY_ROOT : this.mth(0, size);
  }

  /** PATH(m, D[0:size]) — RFC 9162 §2.1.3.1. */
  inclusionProof(index: number, size = this.size): Buffer[] {
    this.checkSize(size);
    if (!Number.isSafeInteger(index) || index < 0 || index >= size) throw new RangeError(`leaf ${index} is not in a tree of ${size}`);
    const path: Buffer[] = [];
    const walk = (m: number, start: number, n: number): void => {
      if (n === 1) return;
      const k = split(n);
      if (m < k) {
        walk(m, start, k);
        path.push(this.mth(start + k, n - k));
      } else {
        walk(m - k, start + k, n - k);
        path.push(this.mth(start, k));
      }
    };
    walk(index, 0, size);
    return path;
  }

  /** PROOF(m, D[0:n]) — RFC 9162 §2.1.4.1. */
  consistencyProof(m: number, n = this.size): Buffer[] {
    this.checkSize(n);
    if (!Number.isSafeInteger(m) || m < 0 || m > n) throw new RangeError(`no consistency proof from ${m} to ${n}`);
    if (m === 0 || m === n) return [];
    const proof: Buffer[] = [];
    const sub = (m: number, start: number, n: number, b: boolean): void => {
      if (m === n) {
        if (!b) proof.push(this.mth(start, n));
        return;
      }
      const k = split(n);
      if (m <= k) {
        sub(m, start, k, b);
        proof.push(this.mth(start + k, n - k));
      } else {
        sub(m - k, start + k, n - k, false);
        proof.push(this.mth(start, k));
      }
    };
    sub(m, 0, n, true);
    return proof;
  }

  private checkSize(size: number): void {
    if (!Number.isSafeInteger(size) || size < 0 || size > this.size) throw new RangeError(`the log has ${this.size} leaves, not ${size}`);
  }
}

const eq = (a: Uint8Array, b: Uint8Array) => a.length === b.length && Buffer.compare(a, b) === 0;

/** RFC 9162 §2.1.3.2: does `proof` show `leafHash` at `index` in the tree of `size` leaves with `root`? */
export function verifyInclusion(index: number, size: number, leafHash: Uint8Array, proof: readonly Uint8Array[], root: Uint8Array): boolean {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) return false;
  return verifyTreeInclusion('sha256', index, size, leafHash, proof, root);
}

/** RFC 9162 §2.1.4.2: does `proof` show the tree (size1, root1) is a prefix of (size2, root2)? */
export function verifyConsistency(size1: number, size2: number, root1: Uint8Array, root2: Uint8Array, proof: readonly Uint8Array[]): boolean {
  if (!Number.isSafeInteger(size1) || !Number.isSafeInteger(size2) || size1 < 0 || size2 < size1) return false;
  if (size1 === size2) return proof.length === 0 && eq(root1, root2);
  if (size1 === 0) return proof.length === 0; // the empty tree is a prefix of every tree
  if (proof.length === 0) return false;
  // If size1 is an exact power of two, prepend root1 to the proof.
  const path = (size1 & (size1 - 1)) === 0 ? [root1, ...proof] : [...proof];
  let fn = size1 - 1;
  let sn = size2 - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  let fr: Uint8Array = path[0]!;
  let sr: Uint8Array = path[0]!;
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = logNodeHash(c, fr);
      sr = logNodeHash(c, sr);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      sr = logNodeHash(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return eq(fr, root1) && eq(sr, root2) && sn === 0;
}
