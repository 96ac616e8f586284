/** Shared set-ups: a running bundled TSA, an unlocked holder identity from the fixtures. */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { LocalTimestampAuthority, timeOrderedSerials } from '../../src/core/tsa/authority.js';
import { createTsaServer, listen } from '../../src/core/tsa/server.js';
import { parseCertificates } from '../../src/core/pki/certificate.js';
import type { UnlockedIdentity } from '../../src/core/identity/store.js';
import { party, PKI } from './fixtures.js';

export async function bundledTsa(name = 'tsa-ec', chain: string[] = []): Promise<{ url: string; close: () => Promise<void> }> {
  const tsa = party(name);
  const clock = () => new Date();
  const server = createTsaServer(new LocalTimestampAuthority({ key: tsa.key, certificate: tsa.cert, chain: chain.map((c) => party(c).cert), policy: '1.2.3.4.77', clock, serials: timeOrderedSerials(clock, randomBytes) }));
  const { port } = await listen(server, '127.0.0.1', 0);
  return { url: `http://127.0.0.1:${port}/`, close: () => new Promise((r) => server.close(() => r())) };
}

export function alice(): UnlockedIdentity {
  const chain = parseCertificates(readFileSync(path.join(PKI, 'holder-alice-chain.pem')), 'alice');
  return {
    record: { format: 'tsproof.identity', version: 1, name: 'alice', created: '', selfAsserted: false, source: 'pem', subject: chain[0]!.subject, issuer: '', serial: '', notBefore: '', notAfter: '', key: '', certificateSha256: '' },
    key: party('holder-alice').key,
    chain,
  };
}
