/**
 * Renewal (RFC 4998 §5.2, timestamp renewal; docs/long-term.md): one archive timestamp over a
 * binary hash tree of any number of receipts — one TSA request for all of them. Each receipt's
 * leaf is the hash of what its last proof rests on: its signature (which carries the original
 * timestamps) when it has no renewal yet, else its last archive timestamp's token. Each receipt
 * gets an ArchiveTimeStamp with its own reduced hash tree. Nothing is written here.
 */
import path from 'node:path';
import { toBase64 } from '../bytes.js';
import { decodeManifest } from '../receipt/manifest.js';
import { hashFiles } from '../hash/engine.js';
import { dirBase } from '../verify/files.js';
import { hash, type HashAlgorithm } from '../crypto/algorithms.js';
import { InputError, VerificationError } from '../errors.js';
import { decodeField, type Receipt, type ReceiptRenewal } from '../receipt/receipt.js';
import { obtainTimestamp, type TimestampClientOptions, type TsaEndpoint } from '../tsp/client.js';
import { verifyReceipt } from '../verify/receipt.js';
import type { Certificate } from '../pki/certificate.js';
import type { TrustAnchor } from '../trust.js';
import { LIMITS } from '../limits.js';
import { branchHash, encodeArchiveTimeStamp, hashTree, parseArchiveTimeStamp } from './ers.js';
import { byIndex, filesTree } from './files.js';
import { replayRenewals } from './export.js';
import { t } from '../text.js';

export interface RenewOptions {
  tsa: TsaEndpoint;
  /** The tree's digest (default SHA-256); a receipt already renewed keeps its chain's. */
  algorithm?: HashAlgorithm;
  anchors: readonly Certificate[];
  trust?: readonly TrustAnchor[];
  now: () => Date;
  random: (n: number) => Uint8Array;
  client?: Partial<TimestampClientOptions>;
  /** A renewal over the files (hash-tree renewal, RFC 4998 §5.3): each receipt's leaf, from its files read now ({@link filesLeaf}). */
  files?: (receipt: Receipt, name: string) => Promise<Leaf>;
}

export interface Renewal {
  receipts: Receipt[];
  genTime: string;
  /** The digest algorithm of the tree. */
  algorithm: HashAlgorithm;
  /** Leaves in the tree (receipts renewed together before share one). */
  leaves: number;
}

interface Leaf {
  alg: HashAlgorithm;
  leaf: Uint8Array;
  /** A renewal over the files: the receipt's own part of the path (under `leaf`), and each entry's new digest (index order). */
  files?: { own: Uint8Array[][]; digests: string[] };
}

function chainAlgorithm(r: Receipt): HashAlgorithm | undefined {
  const last = r.renewals[r.renewals.length - 1];
  if (!last) return undefined;
  return parseArchiveTimeStamp(decodeField(last.archiveTimeStamp) ?? new Uint8Array(), `renewals[${r.renewals.length - 1}]`).algorithm as HashAlgorithm;
}

/** The hash an archive timestamp of `r` must cover next (timestamp renewal), with the algorithm of its chain. */
export function nextLeaf(r: Receipt, wanted: HashAlgorithm | undefined): Leaf {
  const last = r.renewals[r.renewals.length - 1];
  if (!last) {
    const alg = wanted ?? 'sha256';
    return { alg, leaf: hash(alg, decodeField(r.signature) ?? new Uint8Array()) };
  }
  const ats = parseArchiveTimeStamp(decodeField(last.archiveTimeStamp) ?? new Uint8Array(), `renewals[${r.renewals.length - 1}]`);
  const alg = ats.algorithm as HashAlgorithm;
  if (wanted && wanted !== alg) {
    throw new InputError({ code: 'BAD_ARGUMENT', message: t`receipt ${r.id} is renewed with ${alg.toUpperCase()}; changing the algorithm is a hash-tree renewal (RFC 4998 §5.3), which re-hashes the files: give --files <folder>` });
  }
  return { alg, leaf: hash(alg, ats.timeStamp) };
}

/**
 * The leaf of a renewal over the files (files.ts): the signature's hash and the files' tree,
 * each joined with the hash of the chains before (a hash-tree renewal, RFC 4998 §5.3, when the
 * receipt was renewed before). `digests`: each entry's file hashed with `alg` now, index order.
 */
export function filesLeaf(r: Receipt, alg: HashAlgorithm, digests: readonly string[]): Leaf {
  const { state } = replayRenewals(r);
  const sig = state.signatureHash(alg, decodeField(r.signature) ?? new Uint8Array());
  const tree = filesTree(
    alg,
    state.fileHashes(alg, digests),
    byIndex(r.entries).map((e) => e.salt),
  );
  return { alg, leaf: branchHash(alg, sig, tree.root), files: { own: [[sig], [tree.root]], digests: [...digests] } };
}

/** The digest algorithm a renewal over the files of `r` uses: `wanted`, else its chain's, else SHA-256; never one its files were re-hashed with before. */
export function filesAlgorithm(r: Receipt, wanted: HashAlgorithm | undefined, name: string): HashAlgorithm {
  const alg = wanted ?? chainAlgorithm(r) ?? 'sha256';
  if (r.entries.some((e) => e.proof !== undefined)) throw new InputError({ code: 'BAD_ARGUMENT', message: t`${name} is a per-file receipt: a renewal over the files needs the full receipt` });
  if (r.entries.some((e) => e.renewed?.[alg])) throw new InputError({ code: 'BAD_ARGUMENT', message: t`${name}: its files were already re-hashed with ${alg.toUpperCase()} by a renewal; a hash-tree renewal takes another algorithm (-a)` });
  return alg;
}

export async function renewReceipts(inputs: readonly { receipt: Receipt; name: string }[], o: RenewOptions): Promise<Renewal> {
  if (inputs.length === 0) throw new InputError({ code: 'BAD_ARGUMENT', message: t`no receipts to renew` });
  const now = o.now();
  // Only a proof that holds today is worth extending.
  for (const { receipt, name } of inputs) {
    const v = verifyReceipt(receipt, { anchors: o.anchors, ...(o.trust ? { trust: o.trust } : {}), now });
    const bad = v.checks.find((c) => !c.ok);
    if (bad) throw new VerificationError({ code: 'VERIFICATION_FAILED', message: t`${name} does not verify (${bad.id}: ${bad.detail}); only a valid proof can be renewed` });
    if (receipt.renewals.length >= LIMITS.renewals) throw new InputError({ code: 'LIMIT_EXCEEDED', message: t`${name} already holds ${receipt.renewals.length} renewals, the limit` });
  }
  const leaves = o.files ? await Promise.all(inputs.map(({ receipt, name }) => o.files!(receipt, name))) : inputs.map(({ receipt }) => nextLeaf(receipt, o.algorithm));
  const alg = leaves[0]!.alg;
  if (leaves.some((l) => l.alg !== alg)) throw new InputError({ code: 'BAD_ARGUMENT', message: t`the receipts' renewal chains use different digest algorithms; renew them separately` });
  if (new Set(inputs.map((x) => x.receipt.id)).size !== inputs.length) throw new InputError({ code: 'BAD_ARGUMENT', message: t`the same receipt is given twice` });
  // Receipts renewed together before share their next leaf (the same token): one leaf for them all.
  // Leaves in ascending order, as Bouncy Castle's generator orders them.
  const distinct = [...new Set(leaves.map((l) => Buffer.from(l.leaf).toString('hex')))].sort();
  const tree = hashTree(
    alg,
    distinct.map((h) => Buffer.from(h, 'hex')),
  );
  const stamp = await obtainTimestamp(o.tsa, tree.root, {
    ...o.client,
    prehashed: true,
    imprintAlgorithm: alg,
    random: o.random,
    now: o.now,
    anchors: o.anchors,
    ...(o.trust ? { trust: o.trust } : {}),
  });
  const embedded = stamp.verification.signedData?.certificates ?? [];
  const certificates = (stamp.verification.path ?? []).filter((c) => !embedded.some((e) => e.equals(c))).map((c) => toBase64(c.der));
  const receipts = inputs.map(({ receipt }) => ({ ...receipt, renewals: [...receipt.renewals] }));
  leaves.forEach((l, i) => {
    const k = distinct.indexOf(Buffer.from(l.leaf).toString('hex'));
    const reduced = tree.reduced[k]!;
    // Over the files: the receipt's own part, then the batch above its node (the node's siblings, each alone).
    const path = l.files ? [...l.files.own, ...reduced[0]!.slice(1).map((v) => [v]), ...reduced.slice(1)] : reduced;
    const renewal: ReceiptRenewal = { tsa: stamp.url, archiveTimeStamp: toBase64(encodeArchiveTimeStamp(alg, path, stamp.token)), certificates, ...(l.files ? { files: true as const } : {}) };
    receipts[i]!.renewals.push(renewal);
    if (l.files) {
      const digests = l.files.digests;
      const order = byIndex(receipts[i]!.entries);
      const at = new Map(order.map((e, j) => [e, j]));
      receipts[i]!.entries = receipts[i]!.entries.map((e) => ({ ...e, renewed: { ...e.renewed, [alg]: digests[at.get(e)!]! } }));
    }
  });
  return { receipts, genTime: stamp.verification.info!.genTime, algorithm: alg, leaves: distinct.length };
}

/**
 * Reads every registered file of `r` under `dir` (names resolved as `verify --dir` resolves
 * them), checks that each still matches its registration (every registered digest and the
 * size), and returns each one's digest with `alg`, in index order. A missing file is bad input
 * (exit 2); a modified one a failed verification (exit 1), naming the file: nothing is renewed.
 */
export async function rehashFiles(r: Receipt, name: string, dir: string, alg: HashAlgorithm): Promise<string[]> {
  const bytes = decodeField(r.manifest);
  const m = bytes && decodeManifest(bytes).manifest;
  if (!m) throw new InputError({ code: 'MALFORMED_RECEIPT', message: t`${name} has no readable manifest` });
  const entries = byIndex(r.entries);
  const base = dirBase(
    dir,
    entries.map((e) => e.name),
  );
  const algs = [...new Set<HashAlgorithm>([...m.algorithms, alg])];
  const got = await hashFiles(
    entries.map((e) => ({ path: path.join(base, ...e.name.split('/')), display: path.join(base, ...e.name.split('/')) })),
    { algorithms: algs },
  );
  entries.forEach((e, i) => {
    const g = got[i]!;
    const bad = m.algorithms.find((a) => g.digests[a] !== e.digests[a]);
    if (bad || g.size !== e.size) {
      throw new VerificationError({
        code: 'VERIFICATION_FAILED',
        message: bad
          ? t`${e.name} no longer matches its registration in ${name} (${bad.toUpperCase()} ${g.digests[bad] ?? ''}, registered ${e.digests[bad] ?? ''}): a hash-tree renewal re-hashes the registered content only; nothing was renewed`
          : t`${e.name} no longer matches its registration in ${name} (${g.size} bytes, registered ${e.size}): a hash-tree renewal re-hashes the registered content only; nothing was renewed`,
      });
    }
  });
  return got.map((g) => g.digests[alg]!);
}
