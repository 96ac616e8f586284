/**
 * RFC 4998 Evidence Record Syntax: archive timestamps over a hash tree (docs/long-term.md).
 *
 *   ArchiveTimeStamp ::= SEQUENCE {
 *     digestAlgorithm [0] AlgorithmIdentifier OPTIONAL, attributes [1] Attributes OPTIONAL,
 *     reducedHashtree [2] SEQUENCE OF PartialHashtree OPTIONAL, timeStamp ContentInfo }
 *   PartialHashtree ::= SEQUENCE OF OCTET STRING
 *   EvidenceRecord ::= SEQUENCE { version INTEGER (1), digestAlgorithms SEQUENCE OF
 *     AlgorithmIdentifier, ..., archiveTimeStampSequence SEQUENCE OF ArchiveTimeStampChain }
 *   ArchiveTimeStampChain ::= SEQUENCE OF ArchiveTimeStamp
 *
 * (The module's tags are IMPLICIT.) The tree is binary, as Bouncy Castle's ERS builds and
 * checks it: leaves are data-object hashes; a node is H of its two children in ascending byte
 * order; an unpaired last node is carried up as it is. A reduced hash tree lists, leaf first,
 * the leaf with its sibling, then one sibling per level; a list of one value stands for itself
 * and a list of several for H of them sorted (RFC 4998 §4.2, §4.3).
 */
import { der, octets, parse, seq, Tag, type Node } from '../asn1/der.js';
import { digestAlgorithmId, digestFromOid, readAlgorithmIdentifier, type AnyDigest } from '../crypto/algorithms.js';
import { t } from '../text.js';
import { Asn1Error } from '../asn1/der.js';
import { hash as oneShot } from 'node:crypto';

const cmp = (a: Uint8Array, b: Uint8Array) => Buffer.compare(a, b);

/** H(data), one-shot: trees over 100,000s of files compute several hashes per file. */
export function digest(alg: AnyDigest, data: Uint8Array): Uint8Array {
  return oneShot(alg, data, 'buffer');
}

/** H(a ‖ b) with a and b in ascending byte order. */
export function branchHash(alg: AnyDigest, a: Uint8Array, b: Uint8Array): Uint8Array {
  const [x, y] = cmp(a, b) <= 0 ? [a, b] : [b, a];
  return digest(alg, Buffer.concat([x, y]));
}

/** The value a partial hash tree stands for: itself when it holds one hash, else H of its hashes sorted. */
export function nodeHash(alg: AnyDigest, values: readonly Uint8Array[]): Uint8Array {
  if (values.length === 1) return values[0]!;
  return digest(alg, Buffer.concat([...values].sort(cmp)));
}

/** The root a reduced hash tree leads to (Bouncy Castle's recoverRootHash). */
export function recoverRoot(alg: AnyDigest, tree: readonly (readonly Uint8Array[])[]): Uint8Array {
  let h = nodeHash(alg, tree[0]!);
  for (let i = 1; i < tree.length; i++) h = branchHash(alg, h, nodeHash(alg, tree[i]!));
  return h;
}

/** The binary tree over `leaves` (in the order given): its root and each leaf's reduced hash tree. */
export function hashTree(alg: AnyDigest, leaves: readonly Uint8Array[]): { root: Uint8Array; reduced: Uint8Array[][][] } {
  const reduced: Uint8Array[][][] = leaves.map((l) => [[l]]);
  // Which leaves sit under each node of the current level.
  let level = leaves.map((h, i) => ({ h, under: [i] }));
  let first = true;
  while (level.length > 1) {
    const next: typeof level = [];
    for (let i = 0; i + 1 < level.length; i += 2) {
      const a = level[i]!;
      const b = level[i + 1]!;
      for (const [self, other] of [
        [a, b],
        [b, a],
      ] as const) {
        for (const leaf of self.under) {
          // At the bottom the sibling joins the leaf's own list; above, it is a list of its own.
          if (first) reduced[leaf]![0]!.push(other.h);
          else reduced[leaf]!.push([other.h]);
        }
      }
      next.push({ h: branchHash(alg, a.h, b.h), under: [...a.under, ...b.under] });
    }
    if (level.length % 2 === 1) next.push(level[level.length - 1]!);
    level = next;
    first = false;
  }
  return { root: level[0]!.h, reduced };
}

export interface ArchiveTimeStamp {
  /** The digest algorithm of the tree (from digestAlgorithm, else the token's imprint algorithm). */
  algorithm: AnyDigest | undefined;
  algorithmExplicit: boolean;
  reducedHashtree?: Uint8Array[][];
  /** The timeStamp ContentInfo, DER as stored. */
  timeStamp: Uint8Array;
  der: Uint8Array;
}

export function encodeArchiveTimeStamp(alg: AnyDigest, reduced: readonly (readonly Uint8Array[])[] | undefined, timeStamp: Uint8Array): Uint8Array {
  const algId = digestAlgorithmId(alg);
  return der.sequence(der.implicitConstructed(0, parse(algId, 'AlgorithmIdentifier').content), reduced ? der.implicitConstructed(2, der.raw(...reduced.map((p) => der.sequence(...p.map((v) => der.octetString(v)))))) : undefined, timeStamp);
}

export function parseArchiveTimeStamp(bytes: Uint8Array, what = 'ArchiveTimeStamp'): ArchiveTimeStamp {
  const f = seq(parse(bytes, what), what);
  let i = 0;
  let algorithm: AnyDigest | undefined;
  let algorithmExplicit = false;
  let reducedHashtree: Uint8Array[][] | undefined;
  if (f[i]?.isContext(0)) {
    const n = f[i++]!;
    const a = readAlgorithmIdentifier(parse(der.sequence(n.content), what), `${what}.digestAlgorithm`);
    algorithm = digestFromOid(a.oid);
    if (!algorithm) throw new Asn1Error(t`${what}.digestAlgorithm: unknown digest ${a.oid}`);
    algorithmExplicit = true;
  }
  if (f[i]?.isContext(1)) i++; // attributes: informative
  if (f[i]?.isContext(2)) {
    const n = f[i++]!;
    reducedHashtree = n.children.map((p: Node) => seq(p, `${what}.reducedHashtree`).map((o) => octets(o, `${what}.reducedHashtree`)));
    if (reducedHashtree.length === 0 || reducedHashtree.some((p) => p.length === 0)) throw new Asn1Error(t`${what}.reducedHashtree: empty`);
  }
  const ts = f[i++];
  if (!ts?.isUniversal(Tag.SEQUENCE) || i !== f.length) throw new Asn1Error(t`${what}: expected the timeStamp ContentInfo last`);
  return { algorithm, algorithmExplicit, ...(reducedHashtree ? { reducedHashtree } : {}), timeStamp: ts.raw, der: new Uint8Array(bytes) };
}

/** The value an archive timestamp's token must carry as its imprint, for a data-object hash `h`; undefined when `h` is not in its first list. */
export function coveredRoot(ats: ArchiveTimeStamp, alg: AnyDigest, h: Uint8Array): Uint8Array | undefined {
  const tree = ats.reducedHashtree;
  if (!tree) return h;
  if (!tree[0]!.some((v) => cmp(v, h) === 0)) return undefined;
  return recoverRoot(alg, tree);
}

/**
 * An EvidenceRecord (DER) of chains of archive timestamps: timestamp renewals (RFC 4998 §5.2)
 * within a chain, a hash-tree renewal (§5.3) beginning each later chain. `algorithms` lists
 * every digest algorithm the chains use.
 */
export function encodeEvidenceRecord(algorithms: readonly AnyDigest[], chains: readonly (readonly Uint8Array[])[]): Uint8Array {
  return der.sequence(der.integer(1), der.sequence(...algorithms.map(digestAlgorithmId)), der.sequence(...chains.map((c) => der.sequence(...c))));
}

/** H(DER of an ArchiveTimeStampSequence holding `chains`): ha of RFC 4998 §5.3, as Bouncy Castle hashes the previous chains. */
export function chainsHash(alg: AnyDigest, chains: readonly (readonly Uint8Array[])[]): Uint8Array {
  return digest(alg, der.sequence(...chains.map((c) => der.sequence(...c))));
}

/** A data object's hash in the first archive timestamp of a later chain: H(h ‖ ha) (RFC 4998 §5.3); h itself in the first chain. */
export function withChains(alg: AnyDigest, h: Uint8Array, ha: Uint8Array | undefined): Uint8Array {
  return ha ? digest(alg, Buffer.concat([h, ha])) : h;
}
