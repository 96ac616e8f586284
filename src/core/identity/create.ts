/** Self-asserted holder identities and CSRs for a real CA. */
import { generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { TSPROOF_SELF_ASSERTED_POLICY } from '../asn1/oids.js';
import { buildCertificate, buildCsr, randomSerial, type NameSpec } from '../pki/build.js';
import type { Certificate } from '../pki/certificate.js';

export interface NewIdentity {
  key: KeyObject;
  certificate: Certificate;
  subject: NameSpec;
}

export function holderName(o: { name: string; org?: string; email?: string }): NameSpec {
  const n: [string, string][] = [];
  if (o.org) n.push(['O', o.org]);
  n.push(['CN', o.name]);
  if (o.email) n.push(['E', o.email]);
  return n;
}

/**
 * A self-signed certificate marked self-asserted: it carries tsproof's self-asserted
 * certificate policy, so every verifier can tell nobody vouched for the name.
 */
export function createSelfAssertedIdentity(o: { name: string; org?: string; email?: string; rsa?: boolean; now: Date; years?: number }): NewIdentity {
  const keys = o.rsa ? generateKeyPairSync('rsa', { modulusLength: 3072 }) : generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const subject = holderName(o);
  const nb = new Date(o.now.getTime() - 60_000);
  const na = new Date(o.now);
  na.setUTCFullYear(na.getUTCFullYear() + (o.years ?? 5));
  const certificate = buildCertificate({
    subject,
    publicKey: keys.publicKey,
    issuerKey: keys.privateKey,
    serial: randomSerial(randomBytes),
    notBefore: nb,
    notAfter: na,
    ca: false,
    keyUsage: ['digitalSignature', 'nonRepudiation'],
    policies: [TSPROOF_SELF_ASSERTED_POLICY],
    ...(o.email ? { emails: [o.email] } : {}),
  });
  return { key: keys.privateKey, certificate, subject };
}

export function createCsr(id: NewIdentity): Uint8Array {
  return buildCsr(id.subject, id.key, id.certificate.publicKey!);
}
