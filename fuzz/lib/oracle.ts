/**
 * What a verification target compares an accepted mutant with: the facts the seeds prove. A
 * mutant may be accepted only when it proves exactly what one seed proves — the same signed
 * TSTInfo or manifest, the same times, serials, signer and files — so that a change to signed or
 * hashed bytes that still verifies (a signature checked over other bytes than those read, an
 * entry or a time taken from outside the signature) is a finding.
 */
import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseCertificates, type Certificate } from '../../dist/core/pki/certificate.js';
import type { TokenVerification } from '../../dist/core/tsp/verify.js';
import type { ReceiptVerification } from '../../dist/core/verify/receipt.js';
import { FUZZ_NOW, PKI } from './corpus.ts';
import { Accepted } from './target.ts';

export const cert = (name: string): Certificate => parseCertificates(readFileSync(path.join(PKI, `${name}.pem`)), name)[0]!;
export const key = (name: string) => createPrivateKey(readFileSync(path.join(PKI, `${name}.key`)));
/** The verifier's clock: a day after the corpus was made. */
export const VERIFY_NOW = new Date(FUZZ_NOW.getTime() + 86_400_000);

export function tokenFacts(v: TokenVerification): string {
  const i = v.info;
  const hex = v.signedData?.eContent ? Buffer.from(v.signedData.eContent).toString('hex') : '';
  return JSON.stringify([hex, i?.genTime, i?.genTimeText, i?.serial, i?.policy, i?.nonce, i?.imprintAlgorithm, i?.tsaCertificateSha256, i?.accuracyMicros]);
}

export function receiptFacts(v: ReceiptVerification): { manifest: string; entries: Set<string>; stamps: Set<string>; holder: string } {
  return {
    manifest: JSON.stringify(v.manifest ?? null),
    entries: new Set(v.entries.map((e) => JSON.stringify([e.index, e.name, e.size, e.digests, e.salt]))),
    stamps: new Set(v.timestamps.map((t) => JSON.stringify([t.genTime, t.serial, t.tsaCertificateSha256, t.nonce]))),
    holder: JSON.stringify([v.holder?.certificateSha256, v.holder?.subject, v.time]),
  };
}

/** Throws Accepted unless `got` proves no more than one of the seeds. */
export function mustMatchASeed(got: ReturnType<typeof receiptFacts>, seeds: readonly ReturnType<typeof receiptFacts>[], what: string): void {
  const within = (a: Set<string>, b: Set<string>) => [...a].every((x) => b.has(x));
  const ok = seeds.some((s) => s.manifest === got.manifest && s.holder === got.holder && within(got.entries, s.entries) && within(got.stamps, s.stamps));
  if (!ok) throw new Accepted(`a mutated ${what} verifies with facts no seed proves: ${JSON.stringify({ manifest: got.manifest.slice(0, 200), entries: [...got.entries].slice(0, 3), stamps: [...got.stamps], holder: got.holder })}`);
}
