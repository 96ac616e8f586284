/** Shared set-ups: a running bundled TSA, an unlocked holder identity from the fixtures, a CLI workspace. */
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LocalTimestampAuthority, timeOrderedSerials } from '../../src/core/tsa/authority.js';
import { createTsaServer, listen } from '../../src/core/tsa/server.js';
import { parseCertificates, type Certificate } from '../../src/core/pki/certificate.js';
import { party, PKI } from './fixtures.js';
import { runCli, type CliResult } from './cli.js';
import type { KeyObject } from 'node:crypto';
import type { UnlockedIdentity } from '../../src/core/identity/store.js';

/**
 * The bundled TSA on a loopback port, signing as fixture `name` (or `o.tsa`), on the real clock
 * unless `o.clock` says otherwise.
 */
export async function bundledTsa(name = 'tsa-ec', chain: string[] = [], o: { clock?: () => Date; tsa?: { key: KeyObject; cert: Certificate } } = {}): Promise<{ url: string; close: () => Promise<void> }> {
  const tsa = o.tsa ?? party(name);
  const clock = o.clock ?? (() => new Date());
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

export interface CliWorkspace {
  dir: string;
  home: string;
  /** Where the CLI runs (cwd). */
  work: string;
  run: (args: string[], env?: NodeJS.ProcessEnv) => Promise<CliResult>;
}

/** A temporary folder with its own $TSPROOF_HOME (trusting the fixture root CA unless told not to) and a work folder the CLI runs in. */
export function cliWorkspace(prefix: string, o: { trustRoot?: boolean; passphrase: string; onResult?: (r: CliResult) => void }): CliWorkspace {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  const home = path.join(dir, 'home');
  const work = path.join(dir, 'work');
  mkdirSync(path.join(home, 'trust'), { recursive: true });
  mkdirSync(work);
  if (o.trustRoot ?? true) copyFileSync(path.join(PKI, 'root-ca.pem'), path.join(home, 'trust', 'root.pem'));
  const run = async (args: string[], env: NodeJS.ProcessEnv = {}) => {
    const r = await runCli(args, { cwd: work, env: { TSPROOF_HOME: home, TSPROOF_PASSPHRASE: o.passphrase, ...env } });
    o.onResult?.(r);
    return r;
  };
  return { dir, home, work, run };
}

/** Imports the fixtures' CA-issued holder (CN=김영희) into a workspace's home. */
export async function importAlice(ws: CliWorkspace): Promise<void> {
  const r = await ws.run(['identity', 'import', path.join(PKI, 'holder-alice-chain.pem'), '--key', path.join(PKI, 'holder-alice.key')]);
  if (r.status !== 0) throw new Error(`importing alice failed: ${r.stderr}`);
}
