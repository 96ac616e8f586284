/**
 * Hash-tree renewal (RFC 4998 §5.3, docs/long-term.md): `renew --files -a sha512` over one
 * registration of N files, against the reference — `sha256sum` and `sha512sum` over the same
 * files, in the same run (renew reads each file once, taking both). Also the cost the renewal adds
 * to `verify` of the receipt (rebuilding the files' tree). Run: npm run bench:hash-tree [N] [KiB].
 */
import { execFileSync } from 'node:child_process';
import { createPrivateKey, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { register } from '../dist/core/register.js';
import { collectFiles } from '../dist/core/io/files.js';
import { filesLeaf, rehashFiles, renewReceipts } from '../dist/core/longterm/renew.js';
import { verifyReceipt } from '../dist/core/verify/receipt.js';
import { parseCertificates } from '../dist/core/pki/certificate.js';
import { LocalTimestampAuthority, timeOrderedSerials } from '../dist/core/tsa/authority.js';
import { createTsaServer, listen } from '../dist/core/tsa/server.js';

const PKI = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'pki');
const pem = (n: string) => parseCertificates(readFileSync(path.join(PKI, `${n}.pem`)), n);
const key = (n: string) => createPrivateKey(readFileSync(path.join(PKI, `${n}.key`)));

const n = Number(process.argv[2] ?? 2000);
const kib = Number(process.argv[3] ?? 64);
const dir = mkdtempSync(path.join(os.tmpdir(), 'tsproof-bench-hashtree-'));
const files = path.join(dir, 'files');
mkdirSync(files);
for (let i = 0; i < n; i++) writeFileSync(path.join(files, `f${String(i).padStart(6, '0')}.bin`), randomBytes(kib * 1024));

const clock = () => new Date();
const server = createTsaServer(new LocalTimestampAuthority({ key: key('tsa-ec'), certificate: pem('tsa-ec')[0]!, chain: [], policy: '1.2.3.4.77', clock, serials: timeOrderedSerials(clock, randomBytes) }));
const { port } = await listen(server, '127.0.0.1', 0);
const tsa = { url: `http://127.0.0.1:${port}/` };
const anchors = pem('root-ca');
const ms = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;

try {
  const { files: collected } = await collectFiles(['.'], files);
  const reg = await register({ files: collected, algorithms: ['sha256'], identity: { chain: pem('holder-alice-chain'), key: key('holder-alice') }, tsas: [tsa], anchors, now: clock, random: randomBytes, revocation: false });
  if (reg.kind !== 'registered') throw new Error('expected a registration');
  const receipt = reg.receipt;

  let t = process.hrtime.bigint();
  execFileSync('sh', ['-c', 'sha256sum * > /dev/null && sha512sum * > /dev/null'], { cwd: files });
  const reference = ms(t);

  t = process.hrtime.bigint();
  const renewed = (await renewReceipts([{ receipt, name: 'bench' }], { tsa, anchors, now: clock, random: randomBytes, files: async (r, name) => filesLeaf(r, 'sha512', await rehashFiles(r, name, files, 'sha512')) })).receipts[0]!;
  const renew = ms(t);

  t = process.hrtime.bigint();
  verifyReceipt(receipt, { anchors, now: new Date() });
  const verifyBefore = ms(t);
  t = process.hrtime.bigint();
  const v = verifyReceipt(renewed, { anchors, now: new Date() });
  const verifyAfter = ms(t);
  if (!v.ok) throw new Error('the renewed receipt does not verify');

  console.log(`${n} files of ${kib} KiB (${((n * kib) / 1024).toFixed(0)} MiB)`);
  console.log(`renew --files -a sha512 (verify, read, SHA-256 + SHA-512, tree, one TSA request): ${renew.toFixed(0)} ms`);
  console.log(`reference sha256sum + sha512sum over the same files:                         ${reference.toFixed(0)} ms  (ratio ${(renew / reference).toFixed(2)})`);
  console.log(`verify of the receipt: ${verifyBefore.toFixed(0)} ms before, ${verifyAfter.toFixed(0)} ms after the hash-tree renewal`);
} finally {
  server.close();
  rmSync(dir, { recursive: true, force: true });
}
