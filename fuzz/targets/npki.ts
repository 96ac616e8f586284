/** Korean NPKI signPri.key (SEED-CBC, PKCS#5 v1 and PBES2) and signCert.der, as `identity import --npki` reads them. */
import { Certificate } from '../../dist/core/pki/certificate.js';
import { loadPrivateKey } from '../../dist/core/pki/keys.js';
import { KOREAN_PASSWORD, seeds } from '../lib/corpus.ts';
import { derInputs } from '../lib/inputs.ts';
import { tolerate, type Target } from '../lib/target.ts';

export const target: Target = {
  name: 'npki',
  about: 'Korean NPKI signPri.key (seedCBCWithSHA1, PBES2 with SEED-CBC) and signCert.der',
  seeds: () => seeds('npki'),
  inputs: derInputs,
  timeLimitMs: 5000,
  async run(input) {
    await tolerate(() => Certificate.fromDER(input, 'signCert.der'));
    await loadPrivateKey(input, KOREAN_PASSWORD, 'signPri.key');
  },
};
