/**
 * Several TSAs as a policy (docs/long-term.md#several-tsas-as-a-policy): a registration needs
 * valid timestamps from at least `require` distinct TSA **operators**, the policy is signed in the
 * manifest (`timestampPolicy`), and `verify` judges it again from the tokens the receipt holds
 * (`timestamps.policy`), so that deleting a token cannot go unnoticed.
 *
 * The operator of a timestamp is who its TSA certificate's CA says runs it: the certificate's
 * subject organisation (O), compared without case, width or spacing differences. A TSA
 * certificate without an O counts as operated by the trust anchor its path ends at (the root):
 * two such TSAs are distinct only under distinct roots. Two TSAs of one organisation under two
 * roots are one operator; two organisations under one root (Korea's accredited TSAs under KISA's
 * root) are two.
 */
import type { Certificate } from '../pki/certificate.js';
import { t, type Text } from '../text.js';

/** The policy as the manifest signs it and config.json's `timestamps.require` gives it. */
export interface TimestampPolicy {
  /** Valid timestamps from at least this many distinct TSA operators. */
  require: number;
}

/** Who runs a TSA: `key` compares, `label` is shown (`O=Acme TSA`, or `root "CN=…"`). */
export interface Operator {
  key: string;
  label: string;
}

const norm = (s: string) => s.normalize('NFKC').trim().replace(/\s+/g, ' ').toLowerCase();

/** The operator of a TSA certificate; `anchor` is the trust anchor its path ended at (if any). */
export function operatorOf(tsa: Certificate | undefined, anchor: { subject: string; sha256: string } | undefined, fallback: string): Operator {
  const orgs = (tsa?.subjectAttrs ?? []).filter((a) => a.shortName === 'O').map((a) => a.value);
  if (orgs.length) return { key: `O=${orgs.map(norm).sort().join('+')}`, label: `O=${orgs.join(' + ')}` };
  if (anchor) return { key: `root:${anchor.sha256}`, label: `root "${anchor.subject}"` };
  return { key: `tsa:${tsa?.sha256 ?? fallback}`, label: tsa?.subject ?? fallback };
}

/** Problems with a policy as given (config.json, a flag, or a manifest): a positive integer `require`, nothing else. */
export function policyProblems(v: unknown, max?: number): Text[] {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return [t`expected {"require": <n>}`];
  const o = v as Record<string, unknown>;
  const out: Text[] = [];
  for (const k of Object.keys(o)) if (k !== 'require') out.push(t`${k}: unexpected field`);
  if (!Number.isSafeInteger(o.require) || (o.require as number) < 1 || (o.require as number) > 16) out.push(t`require: expected an integer from 1 to 16`);
  else if (max !== undefined && (o.require as number) > max) out.push(t`require: ${o.require as number} distinct TSA operators required, but only ${max} TSA(s) are asked`);
  return out;
}

/** How many distinct operators a list of timestamps has, and which duplicate an earlier one. */
export function distinct<T extends { operator: Operator }>(list: readonly T[]): { operators: Operator[]; duplicates: { item: T; same: T }[] } {
  const seen = new Map<string, T>();
  const duplicates: { item: T; same: T }[] = [];
  for (const x of list) {
    const first = seen.get(x.operator.key);
    if (first) duplicates.push({ item: x, same: first });
    else seen.set(x.operator.key, x);
  }
  return { operators: [...seen.values()].map((x) => x.operator), duplicates };
}
