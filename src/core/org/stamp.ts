/**
 * Tree heads timestamped by a TSA (docs/org-registry.md#timestamped-tree-heads): every N minutes,
 * when the log grew since the last stamped head, the server asks its configured TSA for an
 * RFC 3161 token over the signed head's bytes and stores head and token. A client's audit checks
 * the token (imprint = SHA-256 of the head's signed bytes, TSA trusted) and that the stamped root
 * is the root of the log's first `size` records: from then on, history up to that size cannot be
 * rewritten without the TSA's time showing it.
 */
import { obtainTimestamp, type TimestampClientOptions, type TsaEndpoint } from '../tsp/client.js';
import { verifyTimestampToken } from '../tsp/verify.js';
import { hash } from '../crypto/algorithms.js';
import type { Certificate } from '../pki/certificate.js';
import type { TrustAnchor } from '../trust.js';
import type { OrgStore, StampedHead } from './records.js';
import { treeHeadBytes, verifyTreeHead, type SignedTreeHead } from './tree-head.js';
import type { KeyObject } from 'node:crypto';
import { t, type Text } from '../text.js';

export async function stampHead(store: OrgStore, head: SignedTreeHead, tsa: TsaEndpoint, o: TimestampClientOptions): Promise<StampedHead | undefined> {
  const last = await store.latestStampedHead();
  if (last && last.size >= head.size) return undefined;
  const got = await obtainTimestamp(tsa, treeHeadBytes(head.logId, head), o);
  const stamped: StampedHead = { size: head.size, root: head.root, timestamp: head.timestamp, signature: head.signature, tsaToken: Buffer.from(got.token).toString('base64') };
  await store.saveStampedHead(stamped, o.now());
  return stamped;
}

export interface StampCheck {
  ok: boolean;
  /** The TSA's time (genTime), when the token verified. */
  time?: string;
  problem?: Text;
}

/** Checks a stamped head: the log key's signature, the token over its bytes, and (given) the expected root at its size. */
export function checkStampedHead(s: StampedHead, o: { publicKey: KeyObject; logId: string; rootAt?: string; anchors: readonly Certificate[]; trust?: readonly TrustAnchor[]; now: Date }): StampCheck {
  const head: SignedTreeHead = { size: s.size, root: s.root, timestamp: s.timestamp, signature: s.signature, logId: o.logId };
  if (!verifyTreeHead(o.publicKey, head)) return { ok: false, problem: t`the stamped tree head is not signed by the log key` };
  if (o.rootAt !== undefined && o.rootAt !== s.root) return { ok: false, problem: t`the stamped tree head (size ${s.size}) has root ${s.root.slice(0, 16)}…, the log's first ${s.size} records hash to ${o.rootAt.slice(0, 16)}…` };
  const v = verifyTimestampToken(Buffer.from(s.tsaToken, 'base64'), { imprint: { algorithm: 'sha256', digest: hash('sha256', treeHeadBytes(o.logId, head)) }, anchors: o.anchors, ...(o.trust ? { trust: o.trust } : {}), now: o.now });
  if (!v.ok) {
    const c = v.checks.find((x) => !x.ok);
    return { ok: false, problem: c ? t`the tree head's timestamp does not verify: ${c.id}: ${c.detail}` : t`the tree head's timestamp does not verify` };
  }
  return { ok: true, ...(v.info?.genTime ? { time: String(v.info.genTime) } : {}) };
}
