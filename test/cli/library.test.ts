/**
 * Issue 15: the library API. The packed package is installed into a temporary project and
 * imported by name (`import … from 'tsproof'`), which registers and verifies in-process; its
 * types resolve the way TypeScript resolves a package for Node (`moduleResolution: nodenext`,
 * through `exports`: the check "Are the types wrong?" makes), and nothing but the documented
 * entry points is reachable.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { PASSPHRASE, PKI, ROOT } from '../helpers/fixtures.js';
import { bundledTsa } from '../helpers/setup.js';
import { BUNDLED_NODE, cleanEnv, npm, packProject, pathWithNode, run, tempProject } from '../helpers/package.js';

let tsa: { url: string; close: () => Promise<void> };
let proj = '';
beforeAll(async () => {
  tsa = await bundledTsa();
  const tgz = await packProject();
  proj = tempProject('tsproof-lib-');
  const i = await npm(BUNDLED_NODE, ['install', '--prefer-offline', tgz], { cwd: proj });
  expect(i.status, i.stderr).toBe(0);
}, 600_000);
afterAll(async () => tsa?.close());

it('imported by name, it registers and verifies in-process', async () => {
  writeFileSync(path.join(proj, 'a.txt'), 'artifact a');
  writeFileSync(path.join(proj, 'b.txt'), 'artifact b');
  writeFileSync(
    path.join(proj, 'use.mjs'),
    `import { writeFileSync } from 'node:fs';
import { hashFiles, register, verifyFile, verifyReceipt, pinsFromEnv, InputError } from 'tsproof';
const trust = [process.env.ROOT_PEM];
const hashes = await hashFiles(['a.txt', 'b.txt']);
const reg = await register({ files: ['a.txt', 'b.txt'], tsa: [process.env.TSA_URL], trust, env: process.env });
writeFileSync('r.tsproof.json', reg.receiptJson);
const receipt = await verifyReceipt('r.tsproof.json', { trust, pins: pinsFromEnv(process.env) });
const file = await verifyFile('a.txt', { receipts: ['r.tsproof.json'], trust });
writeFileSync('b.txt', 'changed');
const changed = await verifyFile('b.txt', { receipts: ['r.tsproof.json'], trust });
let bad;
try { await verifyReceipt('a.txt'); } catch (e) { bad = { input: e instanceof InputError, code: e.code }; }
console.log(JSON.stringify({ hashes, root: reg.merkleRoot, holder: reg.verification.holder.certificateSha256, receiptOk: receipt.ok, fileOk: file.ok, changed: [changed.ok, changed.reason], bad }));
`,
  );
  const env = cleanEnv({
    PATH: pathWithNode(BUNDLED_NODE),
    TSA_URL: tsa.url,
    ROOT_PEM: readFileSync(path.join(PKI, 'root-ca.pem'), 'utf8'),
    TSPROOF_IDENTITY: readFileSync(path.join(PKI, 'holder-alice.p12')).toString('base64'),
    TSPROOF_IDENTITY_PASSPHRASE: PASSPHRASE,
    TSPROOF_HOLDER_CERT: '',
  });
  const r = await run(BUNDLED_NODE, ['use.mjs'], { cwd: proj, env });
  expect(r.status, r.stderr).toBe(0);
  const out = JSON.parse(r.stdout);
  expect(out.hashes).toEqual([{ file: 'a.txt', size: 10, digests: { sha256: execFileSync('sha256sum', ['a.txt'], { cwd: proj, encoding: 'utf8' }).split(' ')[0] } }, expect.objectContaining({ file: 'b.txt', size: 10 })]);
  expect(out.root).toMatch(/^[0-9a-f]{64}$/);
  expect(out).toMatchObject({ receiptOk: true, fileOk: true, changed: [false, 'modified'], bad: { input: true, code: 'MALFORMED_RECEIPT' } });
  // The receipt it wrote is one the CLI verifies.
  const cli = await run(BUNDLED_NODE, [path.join(proj, 'node_modules', 'tsproof', 'bin', 'tsproof.js'), 'verify', 'a.txt', '--receipt', 'r.tsproof.json', '--quiet'], {
    cwd: proj,
    env: { ...env, TSPROOF_HOME: path.join(proj, 'home'), TSPROOF_TRUST: env.ROOT_PEM },
  });
  expect(cli.status, cli.stderr).toBe(0);
}, 120_000);

it('only the documented entry points are reachable', async () => {
  const r = await run(BUNDLED_NODE, ['-e', "import('tsproof/dist/core/register.js').then(() => console.log('reachable'), (e) => console.log(e.code))"], { cwd: proj, env: cleanEnv({ PATH: pathWithNode(BUNDLED_NODE) }) });
  expect(r.stdout.trim()).toBe('ERR_PACKAGE_PATH_NOT_EXPORTED');
  const pkg = await run(BUNDLED_NODE, ['-e', "import('tsproof/package.json', { with: { type: 'json' } }).then((m) => console.log(m.default.name))"], { cwd: proj, env: cleanEnv({ PATH: pathWithNode(BUNDLED_NODE) }) });
  expect(pkg.stdout.trim()).toBe('tsproof');
});

it('its types resolve under moduleResolution nodenext (and node16), as attw checks', () => {
  writeFileSync(
    path.join(proj, 'use.ts'),
    `import { register, verifyFile, verifyReceipt, hashFiles, verifyTimestampToken, type ReceiptVerification, type FileVerification } from 'tsproof';
export async function f(): Promise<[ReceiptVerification, FileVerification, number]> {
  const r = await register({ files: ['a'], tsa: ['http://127.0.0.1/'] });
  const v: ReceiptVerification = await verifyReceipt('r.tsproof.json');
  const file = await verifyFile('a', { receipts: ['r.tsproof.json'] });
  const h = await hashFiles(['a']);
  void verifyTimestampToken;
  const root: string = r.merkleRoot;
  return [v, file, h.length + root.length];
}
`,
  );
  for (const resolution of ['nodenext', 'node16']) {
    writeFileSync(
      path.join(proj, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { module: resolution, moduleResolution: resolution, strict: true, noEmit: true, skipLibCheck: false, types: ['node'], typeRoots: [path.join(ROOT, 'node_modules', '@types')] }, files: ['use.ts'] }),
    );
    // An ES module project, as `import` of tsproof needs.
    const pj = JSON.parse(readFileSync(path.join(proj, 'package.json'), 'utf8'));
    writeFileSync(path.join(proj, 'package.json'), JSON.stringify({ ...pj, type: 'module' }, null, 2));
    const tsc = path.join(ROOT, 'node_modules', '.bin', 'tsc');
    let out = '';
    try {
      execFileSync(tsc, ['-p', 'tsconfig.json'], { cwd: proj, encoding: 'utf8', stdio: 'pipe' });
    } catch (e) {
      out = String((e as { stdout?: string }).stdout ?? e);
    }
    expect(out, resolution).toBe('');
  }
});
