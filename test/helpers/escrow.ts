/**
 * Escrow recipients for tests: an agent with RSA-2048 (key transport), an agent with EC P-256 and
 * a beneficiary with EC P-384 (key agreement), and an outsider, issued by the fixture holder CA
 * with fixed validity windows (2025-01-01 → 2045-01-01). Keys are fresh per test run, as the
 * fixture keys are per fixture run; certificates are written as PEM with their PKCS#8 keys.
 */
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildCertificate } from '../../src/core/pki/build.js';
import type { Certificate } from '../../src/core/pki/certificate.js';
import { party } from './fixtures.js';

export interface Recipient {
  name: string;
  cert: Certificate;
  key: KeyObject;
  /** PEM files: the certificate, the key, and the certificate followed by its CA (for identity import). */
  certPem: string;
  keyPem: string;
  chainPem: string;
}

const FROM = new Date('2025-01-01T00:00:00Z');
const UNTIL = new Date('2045-01-01T00:00:00Z');
let serial = 0x19000n;

export function makeRecipient(dir: string, name: string, cn: string, kind: 'rsa' | 'p256' | 'p384', o: { keyUsage?: ('digitalSignature' | 'keyEncipherment' | 'keyAgreement')[]; from?: Date; until?: Date } = {}): Recipient {
  const keys = kind === 'rsa' ? generateKeyPairSync('rsa', { modulusLength: 2048 }) : generateKeyPairSync('ec', { namedCurve: kind === 'p256' ? 'P-256' : 'P-384' });
  const ca = party('holder-ca');
  const cert = buildCertificate({
    subject: [
      ['C', 'KR'],
      ['O', '임치 시험'],
      ['CN', cn],
    ],
    publicKey: keys.publicKey,
    issuer: ca.cert,
    issuerKey: ca.key,
    serial: serial++,
    notBefore: o.from ?? FROM,
    notAfter: o.until ?? UNTIL,
    ca: false,
    keyUsage: o.keyUsage ?? (kind === 'rsa' ? ['digitalSignature', 'keyEncipherment'] : ['digitalSignature', 'keyAgreement']),
  });
  const certPem = path.join(dir, `${name}.pem`);
  const keyPem = path.join(dir, `${name}.key`);
  const chainPem = path.join(dir, `${name}-chain.pem`);
  writeFileSync(certPem, cert.toPEM());
  writeFileSync(keyPem, keys.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, { mode: 0o600 });
  writeFileSync(chainPem, cert.toPEM() + ca.cert.toPEM());
  return { name, cert, key: keys.privateKey, certPem, keyPem, chainPem };
}

/** The three recipient kinds of the issue, and an outsider no deposit is made for. */
export function makeRecipients(dir: string) {
  return {
    rsa: makeRecipient(dir, 'agent-rsa', '임치기관 RSA', 'rsa'),
    p256: makeRecipient(dir, 'agent-p256', '임치기관 P-256', 'p256'),
    p384: makeRecipient(dir, 'beneficiary-p384', '사용기업 P-384', 'p384'),
    outsider: makeRecipient(dir, 'outsider', 'Outsider', 'p256'),
  };
}
