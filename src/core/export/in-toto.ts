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

/** Only from a receipt that verified: a statement about an unproven registration would mislead. */
export function inTotoStatement(v: ReceiptVerification): InTotoStatement {
  if (!v.ok || !v.manifest || !v.holder || !v.time) throw new Error('inTotoStatement needs a verified receipt');
  return {
    _type: IN_TOTO_STATEMENT,
    subject: v.entries.map((e) => ({ name: e.name, digest: { ...e.digests } as Record<string, string> })),
    predicateType: TSPROOF_PREDICATE,
    predicate: {
      receipt: v.manifest.id,
      merkle: v.manifest.merkle,
      provenTime: v.time,
      holder: { subject: v.holder.subject, identity: v.holder.identity, certificateSha256: v.holder.certificateSha256 },
      timestamps: v.timestamps.map((t) => ({ genTime: t.genTime, tsa: t.tsa, serial: t.serial, policy: t.policy, tsaCertificateSha256: t.tsaCertificateSha256 })),
    },
  };
}
