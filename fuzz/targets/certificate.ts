/** X.509 certificates in DER and PEM: every field and extension, names, keys, path building. */
import { parseCertificates, type Certificate } from '../../dist/core/pki/certificate.js';
import { buildPath, validatePath } from '../../dist/core/pki/chain.js';
import { seeds } from '../lib/corpus.ts';
import { derInputs } from '../lib/inputs.ts';
import { cert, VERIFY_NOW } from '../lib/oracle.ts';
import type { Target } from '../lib/target.ts';

let pool: Certificate[];

export const target: Target = {
  name: 'certificate',
  about: 'X.509 certificates (DER and PEM): fields, extensions, names, public keys, signature checks, path building and validation',
  seeds: () => seeds('certificate'),
  inputs: derInputs,
  setup() {
    pool = [cert('root-ca'), cert('intermediate-ca'), cert('holder-ca')];
  },
  run(input) {
    for (const c of parseCertificates(input, 'fuzz')) {
      void [c.subject, c.issuer, c.commonName, c.serialHex, c.sha256, c.isSelfIssued, c.publicKey, c.keyDescription, c.isCA, c.canIssue, c.unrecognisedCriticalExtensions, c.altDirectoryNames, c.signatureScheme, c.toPEM()];
      for (const p of pool) c.isSignedBy(p);
      c.isSignedBy(c);
      buildPath(c, pool, [pool[0]!], { at: VERIFY_NOW });
      validatePath([c, ...pool], VERIFY_NOW);
    }
  },
};
