/** Loads the committed test PKI (fixtures/pki, see fixtures/README.md). */
import { createPrivateKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCertificates, type Certificate } from '../../src/core/pki/certificate.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const PKI = path.join(ROOT, 'fixtures', 'pki');
export const PASSPHRASE = 'test-passphrase';
export const SHARED = path.resolve(ROOT, '..', 'shared');

export interface Party {
  cert: Certificate;
  key: KeyObject;
  pem: string;
}

const cache = new Map<string, Party>();
export function party(name: string): Party {
  let p = cache.get(name);
  if (!p) {
    const certPath = path.join(PKI, `${name}.pem`);
    p = {
      cert: parseCertificates(readFileSync(certPath), certPath)[0]!,
      key: createPrivateKey(readFileSync(path.join(PKI, `${name}.key`))),
      pem: certPath,
    };
    cache.set(name, p);
  }
  return p;
}
