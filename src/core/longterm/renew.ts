/**
 * Renewal (RFC 4998 §5.2, timestamp renewal; docs/long-term.md): one archive timestamp over a
 * binary hash tree of any number of receipts — one TSA request for all of them. Each receipt's
 * leaf is the hash of what its last proof rests on: its signature (which carries the original
 * timestamps) when it has no renewal yet, else its last archive timestamp's token. Each receipt
 * gets an ArchiveTimeStamp with its own reduced hash tree. Nothing is written here.
 */
import { toBase64 } from '../bytes.js';
import { hash, type HashAlgorithm } from '../crypto/algorithms.js';
import { InputError, VerificationError } from '../errors.js';
import { decodeField, type Receipt, type ReceiptRenewal } from '../receipt/receipt.js';
import { obtainTimestamp, type TimestampClientOptions, type TsaEndpoint } from '../tsp/client.js';
import { verifyReceipt } from '../verify/receipt.js';
import type { Certificate } from '../pki/certificate.js';
import type { TrustAnchor } from '../trust.js';
import { LIMITS } from '../limits.js';
import { encodeArchiveTimeStamp, hashTree, parseArchiveTimeStamp } from './ers.js';
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
}

export interface Renewal {
  receipts: Receipt[];
  genTime: string;
  /** Leaves in the tree (receipts renewed together before share one). */
  leaves: number;
}

/** The hash an archive timestamp of `r` must cover next, with the algorithm of its chain. */
export function nextLeaf(r: Receipt, wanted: HashAlgorithm | undefined): { alg: HashAlgorithm; leaf: Uint8Array } {
  const last = r.renewals[r.renewals.length - 1];
  if (!last) {
    const alg = wanted ?? 'sha256';
    return { alg, leaf: hash(alg, decodeField(r.signature) ?? new Uint8Array()) };
  }
  const ats = parseArchiveTimeStamp(decodeField(last.archiveTimeStamp) ?? new Uint8Array(), `renewals[${r.renewals.length - 1}]`);
  const alg = ats.algorithm as HashAlgorithm;
  if (wanted && wanted !== alg) {
    throw new InputError({ code: 'BAD_ARGUMENT', message: t`receipt ${r.id} is renewed with ${alg.toUpperCase()}; changing the algorithm needs a hash-tree renewal (RFC 4998 §5.3), which this version does not do` });
  }
  return { alg, leaf: hash(alg, ats.timeStamp) };
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
  const leaves = inputs.map(({ receipt }) => nextLeaf(receipt, o.algorithm));
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
    const renewal: ReceiptRenewal = { tsa: stamp.url, archiveTimeStamp: toBase64(encodeArchiveTimeStamp(alg, tree.reduced[k]!, stamp.token)), certificates };
    receipts[i]!.renewals.push(renewal);
  });
  return { receipts, genTime: stamp.verification.info!.genTime, leaves: distinct.length };
}
