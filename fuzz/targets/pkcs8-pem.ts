/** Private keys in PEM and DER: PKCS#8 plain and encrypted (PBES2), PKCS#1/SEC1, traditional encrypted PEM. */
import { loadPrivateKey } from '../../dist/core/pki/keys.js';
import { PASSPHRASE, seeds } from '../lib/corpus.ts';
import { derInputs, textInputs } from '../lib/inputs.ts';
import fc from 'fast-check';
import { tolerate, type Target } from '../lib/target.ts';

const HOSTILE = [
  '-----BEGIN ENCRYPTED PRIVATE KEY-----',
  '-----END ENCRYPTED PRIVATE KEY-----',
  '-----BEGIN PRIVATE KEY-----',
  'Proc-Type: 4,ENCRYPTED',
  'DEK-Info: AES-256-CBC,00',
  'DEK-Info: DES-EDE3-CBC,',
  '====',
  'MIIB',
  '-----BEGIN CERTIFICATE-----',
  '\r',
];

export const target: Target = {
  name: 'pkcs8-pem',
  about: 'private keys: PEM and DER PKCS#8 (plain and PBES2-encrypted), PKCS#1, SEC1, traditional Proc-Type encrypted PEM',
  seeds: () => seeds('pkcs8-pem'),
  inputs: (s) =>
    fc.oneof(
      derInputs(s.filter((b) => b[0] === 0x30)),
      textInputs(
        s.filter((b) => b[0] === 0x2d),
        HOSTILE,
      ),
    ),
  timeLimitMs: 5000,
  async run(input) {
    await tolerate(() => loadPrivateKey(input, PASSPHRASE, 'fuzz.key'));
    await loadPrivateKey(input, undefined, 'fuzz.key');
  },
};
