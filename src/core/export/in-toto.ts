/**
 * An in-toto Statement v1 (https://github.com/in-toto/attestation/blob/main/spec/v1/statement.md)
 * whose subjects are a receipt's disclosed files, for supply-chain tools. The predicate
 * summarises the verified registration; the receipt itself stays the evidence.
 */
import type { ReceiptVerification } from '../verify/receipt.js';

export const IN_TOTO_STATEMENT = 'https://in-toto.io/Statement/v1';
export const TSPROOF_PREDICATE = 'https://tsproof.dev/registration/v1';

export interface InTotoStatement {
  _type: typeof IN_TOTO_STATEMENT;
  subject: { name: string; digest: Record<string, string> }[];
  predicateType: typeof TSPROOF_PREDICATE;
  predicate: {
    receipt: string;
    merkle: { algorithm: string; count: number; root: string };
    provenTime: string;
    holder: { subject: string; identity: string; certificateSha256: string };
    timestamps: { genTime: string; tsa: string; serial: string; policy: string; tsaCertificateSha256: string }[];
  };
}

/**
 * The statement with an empty `subject`, and its subjects one at a time: a batch of
 * 1,000,000 files is written with jsonChunks (src/core/io/json.ts) without building them all.
 * Only from a receipt that verified: a statement about an unproven registration would mislead.
 */
export function inTotoParts(v: ReceiptVerification): { statement: InTotoStatement; subjects: Iterable<InTotoStatement['subject'][number]> } {
  if (!v.ok || !v.manifest || !v.holder || !v.time) throw new Error('inTotoStatement needs a verified receipt');
  const subjects = (function* () {
    for (const e of v.entries) yield { name: e.name, digest: { ...e.digests } as Record<string, string> };
  })();
  const statement: InTotoStatement = {
    _type: IN_TOTO_STATEMENT,
    subject: [],
    predicateType: TSPROOF_PREDICATE,
    predicate: {
      receipt: v.manifest.id,
      merkle: v.manifest.merkle,
      provenTime: v.time,
      holder: { subject: v.holder.subject, identity: v.holder.identity, certificateSha256: v.holder.certificateSha256 },
      timestamps: v.timestamps.map((t) => ({ genTime: t.genTime, tsa: t.tsa, serial: t.serial, policy: t.policy, tsaCertificateSha256: t.tsaCertificateSha256 })),
    },
  };
  return { statement, subjects };
}
