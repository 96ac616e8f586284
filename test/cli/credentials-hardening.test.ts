/**
 * Credentials through the CLI (issue 11): hostile key-derivation parameters and keys that do
 * not decode are exit 2 with one line (they were hangs, a 1 GB allocation, or exit 70); empty
 * passwords are distinct from unset ones; PBMAC1 and RC2-under-PBES2 containers import.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { der } from '../../src/core/asn1/der.js';
import { toPem } from '../../src/core/pki/certificate.js';
import { bmpPassword, encryptPrivateKeyInfo, PBE_OID } from '../../src/core/pki/pbe.js';
import { pkcs12Parts } from '../../src/core/pki/pkcs12.js';
import { runCli, type CliResult } from '../helpers/cli.js';
import { encryptedPrivateKeyInfo, javaPkcs12, pbes2Alg, pbes2Encrypt, scryptAlg, undecodablePrivateKeyInfo, unverifiableMacData } from '../helpers/credentials.js';
import { PKI, party } from '../helpers/fixtures.js';

const STORE = 'store passphrase 51d2';
const PW = 'container pw';
const work = mkdtempSync(path.join(os.tmpdir(), 'tsproof-cred-hard-'));
const CHAIN = path.join(PKI, 'holder-alice-chain.pem');
const alice = () => party('holder-alice');
const pkcs8 = () => new Uint8Array(alice().key.export({ type: 'pkcs8', format: 'der' }));
const put = (name: string, bytes: Uint8Array | string) => {
  const f = path.join(work, name);
  writeFileSync(f, bytes);
  return f;
};

function sandbox() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tsproof-cred-hard-s-'));
  const home = path.join(dir, 'home');
  mkdirSync(home);
  const run = (args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> => runCli(args, { cwd: dir, env: { TSPROOF_HOME: home, TSPROOF_PASSPHRASE: STORE, HOME: dir, ...env }, timeoutMs: 30_000 });
  return { dir, home, run };
}
const oneLine = (r: CliResult, code: number, re: RegExp) => {
  expect(r.status, r.stderr).toBe(code);
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  expect(r.stderr).toMatch(re);
};
const imports = (r: CliResult) => {
  expect(r.status, r.stderr).toBe(0);
  expect(JSON.parse(r.stdout).identity.subject).toBe('CN=김영희, O=테스트 주식회사, C=KR');
};
/** A PFX of alice whose MAC and key bag are as given (a correct MAC by default). */
function pfx(keyBag: Uint8Array, mac?: (authSafe: Uint8Array) => Uint8Array): Uint8Array {
  const authSafe = der.sequence(pkcs12Parts.data(der.sequence(keyBag, pkcs12Parts.certBag(alice().cert))));
  return pkcs12Parts.pfx(authSafe, (mac ?? ((a) => pkcs12Parts.macData(a, bmpPassword(PW))))(authSafe));
}

beforeAll(async () => {
  execFileSync('openssl', ['pkcs12', '-export', '-in', CHAIN, '-inkey', path.join(PKI, 'holder-alice.key'), '-out', 'empty.p12', '-passout', 'pass:'], { cwd: work });
  execFileSync('openssl', ['pkcs12', '-export', '-legacy', '-certpbe', 'RC2-CBC', '-keypbe', 'RC2-CBC', '-in', CHAIN, '-inkey', path.join(PKI, 'holder-alice.key'), '-out', 'rc2.p12', '-passout', `pass:${PW}`], { cwd: work });
  javaPkcs12(work, [
    { mode: 'bc-legacy', out: 'bc-empty.p12', password: '' },
    { mode: 'bc-pbmac1', out: 'pbmac1.p12', password: PW },
  ]);
  const goodKey = pkcs12Parts.shroudedKeyBag(await encryptPrivateKeyInfo(pkcs8(), PW, { kind: 'pbes2-pbkdf2', iterations: 2048, prf: 'sha256', cipher: 'aes-256-cbc' }));
  put(
    'mac-10m.p12',
    pfx(goodKey, () => unverifiableMacData(10_000_000n, 'sha1')),
  );
  put(
    'mac-max.p12',
    pfx(goodKey, () => unverifiableMacData(2n ** 31n - 1n, 'sha1')),
  );
  put('undecodable.p12', pfx(pkcs12Parts.shroudedKeyBag(pbes2Encrypt(undecodablePrivateKeyInfo(), PW))));
  put('scrypt-2-20.key', toPem('ENCRYPTED PRIVATE KEY', encryptedPrivateKeyInfo(pbes2Alg(scryptAlg({ N: 1 << 20, r: 8, p: 1 })))));
  put('scrypt-3.key', toPem('ENCRYPTED PRIVATE KEY', encryptedPrivateKeyInfo(pbes2Alg(scryptAlg({ N: 3, r: 8, p: 1 })))));
  put('scrypt-negative.key', toPem('ENCRYPTED PRIVATE KEY', encryptedPrivateKeyInfo(pbes2Alg(scryptAlg({ N: -16384, r: 8, p: 1 })))));
  put('undecodable.key', toPem('ENCRYPTED PRIVATE KEY', pbes2Encrypt(undecodablePrivateKeyInfo(), PW)));
  for (const [name, signPri] of [
    ['npki-undecodable', await encryptPrivateKeyInfo(undecodablePrivateKeyInfo(), PW, { kind: 'seed-cbc-sha1', iterations: 2048 })],
    ['npki-pbkdf1-max', encryptedPrivateKeyInfo(der.sequence(der.oid(PBE_OID.seedCbcWithSha1), der.sequence(der.octetString(randomBytes(8)), der.integer(2n ** 31n - 1n))))],
  ] as const) {
    mkdirSync(path.join(work, name));
    writeFileSync(path.join(work, name, 'signCert.der'), alice().cert.der);
    writeFileSync(path.join(work, name, 'signPri.key'), signPri);
  }
}, 120_000);

describe('hostile key-derivation parameters: exit 2 at once, one line, nothing stored', () => {
  const cases: [string, string[], RegExp][] = [
    ['a PKCS#12 MAC of 10,000,000 iterations', ['identity', 'import', 'mac-10m.p12'], /mac-10m\.p12: PKCS#12 MAC asks for 10000000 iterations; tsproof allows at most 6,000,000 hash iterations per file/],
    ['a PKCS#12 MAC of 2^31−1 iterations', ['identity', 'import', 'mac-max.p12'], /asks for 2147483647 iterations/],
    ['a PKCS#8 key asking scrypt for 1 GiB (N=2^20)', ['identity', 'import', CHAIN, '--key', 'scrypt-2-20.key'], /scrypt with N=1048576, r=8 needs 1024 MiB of memory; tsproof allows at most 64 MiB/],
    ['scrypt N=3 (not a power of two)', ['identity', 'import', CHAIN, '--key', 'scrypt-3.key'], /scrypt cost N=3 is not a power of two greater than 1/],
    ['scrypt N negative', ['identity', 'import', CHAIN, '--key', 'scrypt-negative.key'], /scrypt cost N=-16384 is not a power of two greater than 1/],
    ['an NPKI signPri.key asking PBKDF1 for 2^31−1 iterations', ['identity', 'import', '--npki', 'npki-pbkdf1-max'], /signPri\.key: PBKDF1 asks for 2147483647 iterations/],
    ['a PKCS#12 whose decrypted key does not decode', ['identity', 'import', 'undecodable.p12'], /undecodable\.p12: the decrypted private key does not decode/],
    ['a PKCS#8 key that decrypts but does not decode', ['identity', 'import', CHAIN, '--key', 'undecodable.key'], /undecodable\.key: the decrypted private key does not decode/],
    ['an NPKI key that decrypts but does not decode', ['identity', 'import', '--npki', 'npki-undecodable'], /signPri\.key: the decrypted private key does not decode/],
  ];
  for (const [what, args, re] of cases) {
    it(what, async () => {
      const s = sandbox();
      oneLine(await runCli(args, { cwd: work, env: { TSPROOF_HOME: s.home, TSPROOF_PASSPHRASE: STORE, TSPROOF_IMPORT_PASSPHRASE: PW, HOME: s.dir }, timeoutMs: 30_000 }), 2, re);
      expect(existsSync(path.join(s.home, 'identities'))).toBe(false);
    });
  }

  it('a stored key.pem (keys at rest) edited to ask scrypt for 1 GiB: exit 2 when it is unlocked', async () => {
    const s = sandbox();
    expect((await s.run(['identity', 'new', '--name', 'Rest', '--as', 'rest'])).status).toBe(0);
    copyFileSync(path.join(work, 'scrypt-2-20.key'), path.join(s.home, 'identities', 'rest', 'key.pem'));
    oneLine(await s.run(['identity', 'export', 'rest', '--p12', 'out.p12']), 2, /identity "rest": scrypt with N=1048576, r=8 needs 1024 MiB/);
    expect(existsSync(path.join(s.dir, 'out.p12'))).toBe(false);
  });
});

describe('empty passwords are not unset ones', () => {
  it('TSPROOF_IMPORT_PASSPHRASE="" opens a container exported without a password (OpenSSL; Bouncy Castle’s zero-byte form)', async () => {
    for (const f of ['empty.p12', 'bc-empty.p12']) {
      const s = sandbox();
      imports(await s.run(['identity', 'import', path.join(work, f), '--name', 'e', '--json'], { TSPROOF_IMPORT_PASSPHRASE: '' }));
    }
  });

  it('so does an empty --import-passphrase-file (a lone newline included); the store passphrase still protects the stored key', async () => {
    for (const content of ['', '\n']) {
      const s = sandbox();
      writeFileSync(path.join(s.dir, 'empty-pw'), content);
      imports(await s.run(['identity', 'import', path.join(work, 'empty.p12'), '--name', 'e', '--import-passphrase-file', 'empty-pw', '--json']));
      expect(readFileSync(path.join(s.home, 'identities', 'e', 'key.pem'), 'utf8')).toMatch(/BEGIN ENCRYPTED PRIVATE KEY/);
      expect((await s.run(['identity', 'export', 'e', '--p12', 'back.p12'], { TSPROOF_EXPORT_PASSPHRASE: 'export pw' })).status).toBe(0);
    }
  });

  it('an empty TSPROOF_PASSPHRASE is refused by name where a passphrase must protect or unlock a key (it counted as unset)', async () => {
    const s = sandbox();
    oneLine(await s.run(['identity', 'new', '--name', 'X'], { TSPROOF_PASSPHRASE: '' }), 2, /TSPROOF_PASSPHRASE is set but empty, and this passphrase may not be empty: set it, or unset it to be asked/);
    expect((await s.run(['identity', 'new', '--name', 'X', '--as', 'x'])).status).toBe(0);
    oneLine(await s.run(['identity', 'export', 'x', '--p12', 'x.p12'], { TSPROOF_PASSPHRASE: '' }), 2, /TSPROOF_PASSPHRASE is set but empty/);
    oneLine(await s.run(['identity', 'export', 'x', '--p12', 'x.p12'], { TSPROOF_EXPORT_PASSPHRASE: '' }), 2, /TSPROOF_EXPORT_PASSPHRASE is set but empty/);
    // Importing with an empty store passphrase and no container passphrase of its own: refused by name too.
    oneLine(await s.run(['identity', 'import', path.join(work, 'empty.p12'), '--name', 'y'], { TSPROOF_PASSPHRASE: '' }), 2, /TSPROOF_PASSPHRASE is set but empty/);
  });
});

describe('containers other writers make', () => {
  it('PBMAC1 (RFC 9579, written by Bouncy Castle) and RC2-CBC under PBES2 (OpenSSL -legacy) import', async () => {
    for (const f of ['pbmac1.p12', 'rc2.p12']) {
      const s = sandbox();
      imports(await s.run(['identity', 'import', path.join(work, f), '--name', 'c', '--json'], { TSPROOF_IMPORT_PASSPHRASE: PW }));
      oneLine(await sandbox().run(['identity', 'import', path.join(work, f)], { TSPROOF_IMPORT_PASSPHRASE: `${PW}!` }), 2, /wrong passphrase/);
    }
  });
});
