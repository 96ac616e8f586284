/**
 * What binds a secret to the fingerprints of its files: a registration, verified when the secret
 * is recorded, summarised as its id, receipt SHA-256, proven time, holder, Merkle root and the
 * covered entries' digests.
 */
import { InputError, VerificationError } from '../errors.js';
import { t } from '../text.js';
import type { Receipt } from '../receipt/receipt.js';
import type { ReceiptVerification } from '../verify/receipt.js';
import type { Coverage } from './model.js';

/** Above this many files, a registration covered as a whole is recorded by its root and count only. */
export const MAX_LISTED_ENTRIES = 1000;

export function coverageOf(receipt: Receipt, receiptSha256: string, v: ReceiptVerification, chosen: readonly string[], shown: string): Coverage {
  if (!v.ok || !v.time || !v.manifest || !v.holder) {
    const first = v.checks.find((c) => c.status === 'fail');
    throw new VerificationError({
      code: 'VERIFICATION_FAILED',
      message: t`registration ${shown} does not verify (${first ? `${first.id}: ${first.detail.render()}` : 'no proven time'}); a secret is bound only to registrations that verify`,
    });
  }
  const alg = v.manifest.merkle.algorithm;
  let entries = v.entries;
  if (chosen.length) entries = entries.filter((e) => chosen.includes(e.name));
  else if (entries.length > MAX_LISTED_ENTRIES) entries = [];
  return {
    registration: receipt.id,
    receiptSha256,
    provenTime: v.time,
    holder: { subject: v.holder.subject, certificateSha256: v.holder.certificateSha256 },
    algorithm: alg,
    merkleRoot: v.manifest.merkle.root,
    files: v.manifest.merkle.count,
    entries: entries.map((e) => ({ name: e.name, size: e.size, digest: e.digests[alg] ?? '' })),
  };
}

/** Every chosen entry name must be in at least one of the registrations. */
export function checkChosenEntries(chosen: readonly string[], covers: readonly Coverage[]): void {
  for (const name of chosen) if (!covers.some((c) => c.entries.some((e) => e.name === name))) throw new InputError({ code: 'BAD_ARGUMENT', message: t`--entry ${name}: no such entry in the given registration(s)` });
}
