/**
 * A receipt's renewals, verified offline (docs/long-term.md): each archive timestamp must cover
 * what the proof rested on before it — the signature (which carries the original timestamps)
 * for the first, the previous archive timestamp's token for each later one — through its
 * reduced hash tree to its token's imprint; each token is verified as any timestamp (at its own
 * genTime); a chain keeps one digest algorithm — a renewal over the files (RFC 4998 §5.3) begins
 * a new one, covering the signature and the chains before it, and the files through the entries'
 * `renewed` digests —; the renewals go forward in time; and each renewal is
 * made while the certificate of the timestamp it renews was still valid, else the gap is named.
 */
import { hash, type AnyDigest } from '../crypto/algorithms.js';
import { Certificate } from '../pki/certificate.js';
import { decodeField, type Receipt } from '../receipt/receipt.js';
import { verifyTimestampToken, type TimestampInfo } from '../tsp/verify.js';
import { CheckList } from '../verify/checks.js';
import type { VerificationPolicy } from '../verify/policy.js';
import type { TrustAnchor } from '../trust.js';
import { messageOf, rethrowLimit } from '../errors.js';
import { coveredRoot, parseArchiveTimeStamp, type ArchiveTimeStamp } from './ers.js';
import { RenewalChains, type FilesLayer } from './files.js';
import { bytesEqual } from '../bytes.js';
import { t, type Text } from '../text.js';

export interface RenewalContext {
  anchors: readonly Certificate[];
  trust?: readonly TrustAnchor[];
  at?: Date;
  now: Date;
  policy: VerificationPolicy;
  extraCertificates?: readonly Certificate[];
}

/** What the proof rested on before the first renewal: the original timestamps' times and their TSA certificates' ends. */
export interface Previous {
  genTime: Date;
  /** When the certificate of the timestamp being renewed expires (the latest among several). */
  notAfter?: Date;
  what: Text | string;
}

export interface RenewalInfo extends TimestampInfo {
  /** The TSA URL asked. */
  url: string;
  /** When the renewal's TSA certificate expires. */
  tsaNotAfter?: string;
  /** RSA modulus bits of the TSA key (for `status --expiring`). */
  tsaRsaBits?: number;
}

export function checkRenewals(checks: CheckList, receipt: Receipt, signature: Uint8Array, first: Previous | undefined, ctx: RenewalContext): RenewalInfo[] {
  const infos: RenewalInfo[] = [];
  let previous = first;
  let chainAlg: AnyDigest | undefined;
  let covered: Uint8Array = signature;
  const state = new RenewalChains();
  for (let i = 0; i < receipt.renewals.length; i++) {
    const r = receipt.renewals[i]!;
    const subject = `renewal[${i}]`;
    const sub = new CheckList(subject);
    const bytes = decodeField(r.archiveTimeStamp);
    let ats: ArchiveTimeStamp;
    try {
      if (!bytes) throw new Error('not valid base64');
      ats = parseArchiveTimeStamp(bytes, subject);
      if (!ats.algorithm) throw new Error('no digest algorithm');
    } catch (err) {
      rethrowLimit(err);
      sub.fail('renewal.structure', t`not a well-formed RFC 4998 ArchiveTimeStamp: ${messageOf(err)}`);
      checks.items.push(...sub.items);
      // Everything after a broken link rests on nothing.
      for (let j = i + 1; j < receipt.renewals.length; j++) {
        const later = new CheckList(`renewal[${j}]`);
        later.fail('renewal.link', t`follows a broken renewal`);
        checks.items.push(...later.items);
      }
      return infos;
    }
    const alg = ats.algorithm!;
    const files = r.files === true;
    const what = files
      ? i === 0
        ? t`the receipt's signature and its files`
        : t`the receipt's signature, its files and the renewals before it (hash-tree renewal, RFC 4998 §5.3)`
      : i === 0
        ? t`the receipt's signature (and the timestamps in it)`
        : t`the token of renewal[${i - 1}]`;
    let h: Uint8Array;
    let root: Uint8Array | undefined;
    let layer: FilesLayer | undefined;
    if (files) {
      // A new chain, with any algorithm: the signature's hash joined with the hash of the chains before.
      chainAlg = alg;
      h = state.signatureHash(alg, signature);
      const tree = ats.reducedHashtree;
      const shaped = !!tree && tree.length >= 2 && tree[0]!.length === 1 && tree[1]!.length === 1;
      root = shaped ? coveredRoot(ats, alg, h) : undefined;
      if (!shaped) sub.fail('renewal.structure', t`a renewal over the files must hold the signature's hash, then the root of the files' tree, each alone`);
      else sub.pass('renewal.structure', t`ArchiveTimeStamp with ${alg.toUpperCase()} over the signature and the files`);
      if (shaped) {
        layer = state.layer(receipt, i, ats);
        const full = receipt.entries.every((e) => e.proof === undefined);
        if (!full) sub.skip('renewal.files', t`a per-file receipt does not hold the other files' digests: the files' tree is checked with the full receipt`);
        else if (!layer) sub.fail('renewal.files', t`an entry has no ${alg.toUpperCase()} digest (renewed) for this renewal over the files`);
        else
          sub.expect(
            'renewal.files',
            bytesEqual(layer.root, tree[1]![0]!),
            t`covers the ${layer.hashes.length} file(s) by their ${alg.toUpperCase()} digests (each entry's renewed.${alg})`,
            t`the files' tree does not lead to the root this renewal holds: an entry's renewed.${alg} digest was changed, or belongs elsewhere`,
          );
      }
    } else {
      chainAlg ??= alg;
      sub.expect(
        'renewal.structure',
        alg === chainAlg,
        t`ArchiveTimeStamp with ${alg.toUpperCase()}`,
        t`digest algorithm ${alg.toUpperCase()} differs from the chain's ${chainAlg.toUpperCase()} (a change of algorithm needs a hash-tree renewal over the files)`,
      );
      h = hash(alg, covered);
      root = coveredRoot(ats, alg, h);
    }
    if (!root) sub.fail('renewal.covers', t`does not cover ${what}: its hash tree does not hold ${alg.toUpperCase()} ${Buffer.from(h).toString('hex')}`);
    else sub.pass('renewal.covers', t`covers ${what} through a hash tree of ${ats.reducedHashtree?.length ?? 0} level(s)`);
    const extra: Certificate[] = [];
    for (const c of r.certificates) {
      const d = decodeField(c);
      try {
        if (d) extra.push(Certificate.fromDER(d));
      } catch (err) {
        rethrowLimit(err);
      }
    }
    const v = verifyTimestampToken(ats.timeStamp, {
      imprint: { algorithm: alg, digest: root ?? h },
      anchors: ctx.anchors,
      ...(ctx.trust ? { trust: ctx.trust } : {}),
      ...(ctx.at ? { at: ctx.at } : {}),
      extraCertificates: [...extra, ...(ctx.extraCertificates ?? [])],
      now: ctx.now,
      policy: ctx.policy,
      prefix: 'renewal',
      subject,
    });
    sub.items.push(...v.checks);
    if (v.info) {
      const gen = new Date(v.info.genTime);
      if (previous) {
        sub.expect('renewal.order', gen.getTime() > previous.genTime.getTime(), t`made at ${v.info.genTime}, after ${previous.what}`, t`made at ${v.info.genTime}, not after ${previous.what} (${previous.genTime.toISOString()})`);
        if (previous.notAfter && previous.notAfter.getTime() < gen.getTime())
          sub.warn('renewal.continuity', t`made at ${v.info.genTime}, after the certificate of ${previous.what} expired on ${previous.notAfter.toISOString()}: the chain has a gap there`);
        else if (previous.notAfter) sub.pass('renewal.continuity', t`made while the certificate of ${previous.what} was still valid (until ${previous.notAfter.toISOString()})`);
      }
      const signer = v.path?.[0];
      const bits = signer?.publicKey?.asymmetricKeyType === 'rsa' ? signer.publicKey.asymmetricKeyDetails?.modulusLength : undefined;
      infos.push({ ...v.info, url: r.tsa, ...(signer ? { tsaNotAfter: signer.notAfter.toISOString() } : {}), ...(bits ? { tsaRsaBits: bits } : {}) });
      previous = { genTime: gen, ...(signer ? { notAfter: signer.notAfter } : {}), what: subject };
    }
    checks.items.push(...sub.items);
    covered = ats.timeStamp;
    state.add(i, ats.der, layer, files);
  }
  return infos;
}
