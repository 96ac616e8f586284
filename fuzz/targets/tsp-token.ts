/**
 * RFC 3161 TimeStampToken verification (src/core/tsp/verify.ts): CMS structure, TSTInfo, imprint,
 * signature, ESS, path. A mutant that verifies must prove exactly what a seed proves.
 */
import { hash } from '../../dist/core/crypto/algorithms.js';
import { verifyTimestampToken } from '../../dist/core/tsp/verify.js';
import { FUZZ_IMPRINT_DATA, seeds } from '../lib/corpus.ts';
import { derInputs } from '../lib/inputs.ts';
import { cert, tokenFacts, VERIFY_NOW } from '../lib/oracle.ts';
import { Accepted, type Target } from '../lib/target.ts';

let o: Parameters<typeof verifyTimestampToken>[1];
let seedFacts: Set<string>;

export const target: Target = {
  name: 'tsp-token',
  about: 'TimeStampToken verification: CMS SignedData, TSTInfo, imprint, signature, ESS signing certificate, TSA path',
  seeds: () => seeds('tsp-token'),
  inputs: derInputs,
  setup() {
    o = {
      imprint: { algorithm: 'sha256', digest: hash('sha256', FUZZ_IMPRINT_DATA) },
      anchors: [cert('root-ca')],
      extraCertificates: [cert('tsa-ec'), cert('tsa-rsa'), cert('intermediate-ca')],
      now: VERIFY_NOW,
    };
    seedFacts = new Set(
      seeds('tsp-token').map((s) => {
        const v = verifyTimestampToken(s, o);
        if (!v.ok) throw new Error(`a seed token does not verify: ${JSON.stringify(v.checks.filter((c) => !c.ok))}`);
        return tokenFacts(v);
      }),
    );
  },
  run(input) {
    const v = verifyTimestampToken(input, o);
    if (v.ok && !seedFacts.has(tokenFacts(v))) throw new Accepted(`a mutated token verifies with facts no seed has: ${tokenFacts(v)}`);
  },
};
