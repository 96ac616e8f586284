/**
 * Archive timestamps over a receipt's files (docs/long-term.md, "Hash-tree renewal"): a renewal
 * `files: true` re-hashes every registered file with its digest algorithm (the digests go into
 * each entry's `renewed`) and timestamps them with the receipt's signature. After the first
 * renewal it begins a new chain (RFC 4998 §5.3): each data object's hash h is then H(h ‖ ha), ha
 * being the hash of the ArchiveTimeStampSequence before it — that data object's own sequence.
 *
 * The receipt's part of the tree, under the node it contributes to the batch:
 *
 *     node = H(h'(signature), F)          F = root of the files' tree
 *     files' tree: leaves H(h'(file_e), s_e) in index order, s_e = H(salt_e) (the entry's salt),
 *                  a node H of its two children, an unpaired last node carried up
 *
 * (every H of two values sorts them first, RFC 4998 §4.2.) The receipt stores the signature's
 * path, `[[h'(signature)], [F], …the batch…]`; a file's path, `[[h'(file)], [s_e], …siblings…,
 * [h'(signature)], …the batch…]`, is rebuilt from the entries. Its first list holds the file's
 * hash alone, so the path proves that file and no other; the salts make every sibling a value
 * that reveals nothing about the other files.
 */
import { hash, type AnyDigest, type HashAlgorithm } from '../crypto/algorithms.js';
import type { Receipt, ReceiptEntry } from '../receipt/receipt.js';
import { formatBytes, LIMITS } from '../limits.js';
import { LimitError } from '../errors.js';
import { t } from '../text.js';
import { branchHash, chainsHash, digest, encodeArchiveTimeStamp, withChains, type ArchiveTimeStamp } from './ers.js';

const hex = (s: string) => Buffer.from(s, 'hex');

export interface FilesLayer {
  renewal: number;
  alg: AnyDigest;
  /** h'(file) per entry, in index order. */
  hashes: Uint8Array[];
  salts: Uint8Array[];
  /** The files' tree, level by level (leaves first). */
  levels: Uint8Array[][];
  root: Uint8Array;
  /** h'(signature): the stored path's first value. */
  signatureHash: Uint8Array;
  /** The stored path above the receipt's node: the batch. */
  above: Uint8Array[][];
  timeStamp: Uint8Array;
}

/** Levels of the files' tree over `nodes` (in the order given). */
function levelsOf(alg: AnyDigest, nodes: Uint8Array[]): Uint8Array[][] {
  const levels = [nodes];
  for (let l = nodes; l.length > 1; ) {
    const next: Uint8Array[] = [];
    for (let i = 0; i + 1 < l.length; i += 2) next.push(branchHash(alg, l[i]!, l[i + 1]!));
    if (l.length % 2 === 1) next.push(l[l.length - 1]!);
    levels.push(next);
    l = next;
  }
  return levels;
}

/** The siblings of leaf `i` from the bottom up, each a list of one value. */
function siblings(levels: readonly Uint8Array[][], i: number): Uint8Array[][] {
  const out: Uint8Array[][] = [];
  for (let d = 0; d < levels.length - 1; d++, i >>= 1) {
    const s = levels[d]![i ^ 1];
    if (s) out.push([s]);
  }
  return out;
}

/** Entries in index order (the files' leaves). */
export function byIndex(entries: readonly ReceiptEntry[]): ReceiptEntry[] {
  return [...entries].sort((a, b) => a.index - b.index);
}

/** The salt value paired with a file's hash: H(salt). */
export function saltValue(alg: AnyDigest, salt: string): Uint8Array {
  return digest(alg, hex(salt));
}

/** A receipt's chains of archive timestamps so far, and the files' trees of its renewals over the files. */
export class RenewalChains {
  readonly chains: { start: number; ats: Uint8Array[] }[] = [];
  readonly layers = new Map<number, FilesLayer>();

  /** ha: the hash of the sequence so far, for the signature (undefined before the first renewal). */
  ha(alg: AnyDigest): Uint8Array | undefined {
    return this.chains.length
      ? chainsHash(
          alg,
          this.chains.map((c) => c.ats),
        )
      : undefined;
  }

  /** The chains as file `e` (by position in index order) sees them: each chain begun over the files starts with that file's archive timestamp. */
  entryChains(e: number): Uint8Array[][] {
    return this.chains.map((c) => {
      const layer = this.layers.get(c.start);
      return layer ? [fileArchiveTimeStamp(layer, e), ...c.ats.slice(1)] : c.ats;
    });
  }

  /** h'(file) for each digest (hex, index order) of a renewal with `alg` made now. */
  fileHashes(alg: AnyDigest, digests: readonly string[]): Uint8Array[] {
    if (this.chains.length === 0) return digests.map(hex);
    // Until a chain begins over the files, every file shares the signature's sequence.
    const shared = this.layers.size === 0 ? this.ha(alg) : undefined;
    if (!shared) {
      // Else each file hashes its own sequence: bounded work for a hostile receipt (docs/limits.md).
      const bytes = this.chains.reduce((n, c) => c.ats.reduce((m, a) => m + a.length, n), 0) * digests.length;
      if (bytes > LIMITS.rehashChainBytes) {
        throw new LimitError(t`a renewal over the files would hash ${formatBytes(bytes)} to join each of ${digests.length} file(s) with the chains before it, beyond the limit of ${formatBytes(LIMITS.rehashChainBytes)}`);
      }
    }
    return digests.map((d, e) => withChains(alg, hex(d), shared ?? chainsHash(alg, this.entryChains(e))));
  }

  /** h'(signature) for a renewal with `alg` made now. */
  signatureHash(alg: AnyDigest, signature: Uint8Array): Uint8Array {
    return withChains(alg, hash(alg, signature), this.ha(alg));
  }

  /**
   * The files' tree of renewal `i` (over the files, with `ats`), from the entries' `renewed`
   * digests; undefined when an entry lacks one (or the receipt does not hold every entry).
   */
  layer(r: Receipt, i: number, ats: ArchiveTimeStamp): FilesLayer | undefined {
    const alg = ats.algorithm!;
    const entries = byIndex(r.entries);
    if (entries.some((e) => e.proof !== undefined)) return undefined;
    const digests = entries.map((e) => e.renewed?.[alg as HashAlgorithm]);
    if (digests.some((d) => d === undefined)) return undefined;
    const t = filesTree(
      alg,
      this.fileHashes(alg, digests as string[]),
      entries.map((e) => e.salt),
    );
    return { renewal: i, alg, ...t, signatureHash: ats.reducedHashtree?.[0]?.[0] ?? new Uint8Array(), above: (ats.reducedHashtree ?? []).slice(2), timeStamp: ats.timeStamp };
  }

  /** Adds renewal `i` (its ArchiveTimeStamp, DER); one over the files after the first begins a new chain. */
  add(i: number, der: Uint8Array, layer: FilesLayer | undefined, files: boolean): void {
    if (layer) this.layers.set(i, layer);
    if (this.chains.length === 0 || files) this.chains.push({ start: i, ats: [der] });
    else this.chains[this.chains.length - 1]!.ats.push(der);
  }
}

export function filesTree(alg: AnyDigest, hashes: Uint8Array[], salts: readonly string[]): { hashes: Uint8Array[]; salts: Uint8Array[]; levels: Uint8Array[][]; root: Uint8Array } {
  const s = salts.map((x) => saltValue(alg, x));
  const levels = levelsOf(
    alg,
    hashes.map((h, j) => branchHash(alg, h, s[j]!)),
  );
  return { hashes, salts: s, levels, root: levels[levels.length - 1]![0]! };
}

/** File `e`'s reduced hash tree in `layer`: its hash alone, its salt value, its siblings, the signature's hash, the batch. */
export function filePath(layer: FilesLayer, e: number): Uint8Array[][] {
  return [[layer.hashes[e]!], [layer.salts[e]!], ...siblings(layer.levels, e), [layer.signatureHash], ...layer.above];
}

/** File `e`'s ArchiveTimeStamp (DER) in `layer`: its own path, the renewal's token. */
export function fileArchiveTimeStamp(layer: FilesLayer, e: number): Uint8Array {
  return encodeArchiveTimeStamp(layer.alg, filePath(layer, e), layer.timeStamp);
}
