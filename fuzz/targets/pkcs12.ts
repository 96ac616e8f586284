/** PKCS#12 (.p12/.pfx) as `identity import` reads it: MAC, PBE schemes, bags, key and chain. */
import { looksLikePkcs12, readPkcs12 } from '../../dist/core/pki/pkcs12.js';
import { PASSPHRASE, seeds } from '../lib/corpus.ts';
import { derInputs } from '../lib/inputs.ts';
import type { Target } from '../lib/target.ts';

export const target: Target = {
  name: 'pkcs12',
  about: 'PKCS#12 files: PFX, MAC (HMAC and PBMAC1), PBES1/PBES2/RC2 bags, keys and certificates',
  seeds: () => seeds('pkcs12'),
  inputs: derInputs,
  timeLimitMs: 5000,
  async run(input) {
    looksLikePkcs12(input);
    await readPkcs12(input, PASSPHRASE, 'fuzz.p12');
  },
};
