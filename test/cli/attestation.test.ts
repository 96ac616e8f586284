/**
 * Issue 15: signed in-toto attestations. `export --format in-toto --sign` wraps the Statement in a
 * DSSE envelope signed by the holder (with the holder's certificate); `verify --attestation`
 * checks it against files. Independent oracles: sigstore's DSSE library (@sigstore/core: its
 * pre-authentication encoding and signature check) and OpenSSL (`openssl dgst -verify` over PAE).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { crypto as sigstoreCrypto, dsse, X509Certificate } from '@sigstore/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSPHRASE, party } from '../helpers/fixtures.js';
import { bundledTsa, cliWorkspace, importAlice, type CliWorkspace } from '../helpers/setup.js';

let tsa: { url: string; close: () => Promise<void> };
let ws: CliWorkspace;
let envelope: { payloadType: string; payload: string; signatures: { keyid: string; sig: string; certificate: string; intermediates?: string[] }[] };

beforeAll(async () => {
  tsa = await bundledTsa();
  ws = cliWorkspace('tsproof-dsse-', { passphrase: PASSPHRASE });
  await importAlice(ws);
  writeFileSync(path.join(ws.work, 'app.tgz'), 'app');
  writeFileSync(path.join(ws.work, 'lib.tgz'), 'lib');
  const r = await ws.run(['register', 'app.tgz', 'lib.tgz', '--tsa', tsa.url, '--out', 'r', '--json']);
  expect(r.status, r.stderr).toBe(0);
  const receipt = JSON.parse(r.stdout).receipt;
  const e = await ws.run(['export', receipt, '--format', 'in-toto', '--sign', '--out', 'att.dsse.json', '--json']);
  expect(e.status, e.stderr).toBe(0);
  expect(JSON.parse(e.stdout)).toMatchObject({ ok: true, format: 'in-toto', signed: true, subjects: 2 });
  envelope = JSON.parse(readFileSync(path.join(ws.work, 'att.dsse.json'), 'utf8'));
});
afterAll(async () => tsa?.close());

describe('export --format in-toto --sign', () => {
  it('is a DSSE envelope around the in-toto Statement, with the holder certificate', () => {
    expect(envelope.payloadType).toBe('application/vnd.in-toto+json');
    const statement = JSON.parse(Buffer.from(envelope.payload, 'base64').toString('utf8'));
    expect(statement._type).toBe('https://in-toto.io/Statement/v1');
    expect(statement.subject.map((s: { name: string }) => s.name).sort()).toEqual(['app.tgz', 'lib.tgz']);
    expect(envelope.signatures).toHaveLength(1);
    const alice = party('holder-alice').cert;
    expect(envelope.signatures[0]!.keyid).toBe(alice.sha256);
    expect(envelope.signatures[0]!.certificate).toBe(alice.toPEM());
    expect(envelope.signatures[0]!.intermediates?.length).toBeGreaterThan(0);
  });

  it("sigstore's DSSE library accepts the signature (its own PAE, its own verify)", () => {
    const body = Buffer.from(envelope.payload, 'base64');
    const pae = dsse.preAuthEncoding(envelope.payloadType, body);
    const cert = X509Certificate.parse(envelope.signatures[0]!.certificate);
    const key = sigstoreCrypto.createPublicKey(cert.publicKey);
    expect(sigstoreCrypto.verify(pae, key, Buffer.from(envelope.signatures[0]!.sig, 'base64'))).toBe(true);
    // And rejects a changed payload.
    const other = dsse.preAuthEncoding(envelope.payloadType, Buffer.concat([body, Buffer.from(' ')]));
    expect(sigstoreCrypto.verify(other, key, Buffer.from(envelope.signatures[0]!.sig, 'base64'))).toBe(false);
  });

  it('OpenSSL verifies the signature over the DSSE pre-authentication encoding', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'tsproof-dsse-openssl-'));
    const body = Buffer.from(envelope.payload, 'base64');
    const type = Buffer.from(envelope.payloadType);
    // PAE written out independently of both libraries, from the DSSE spec.
    const pae = Buffer.concat([Buffer.from(`DSSEv1 ${type.length} `), type, Buffer.from(` ${body.length} `), body]);
    writeFileSync(path.join(dir, 'pae.bin'), pae);
    writeFileSync(path.join(dir, 'sig.bin'), Buffer.from(envelope.signatures[0]!.sig, 'base64'));
    writeFileSync(path.join(dir, 'cert.pem'), envelope.signatures[0]!.certificate);
    execFileSync('openssl', ['x509', '-in', 'cert.pem', '-pubkey', '-noout', '-out', 'pub.pem'], { cwd: dir });
    const ok = execFileSync('openssl', ['dgst', '-sha256', '-verify', 'pub.pem', '-signature', 'sig.bin', 'pae.bin'], { cwd: dir, encoding: 'utf8' });
    expect(ok.trim()).toBe('Verified OK');
    writeFileSync(path.join(dir, 'pae.bin'), Buffer.concat([pae, Buffer.from('x')]));
    expect(() => execFileSync('openssl', ['dgst', '-sha256', '-verify', 'pub.pem', '-signature', 'sig.bin', 'pae.bin'], { cwd: dir, stdio: 'pipe' })).toThrow();
  });

  it('only the holder the statement names may sign it (exit 2, nothing written)', async () => {
    const other = cliWorkspace('tsproof-dsse-other-', { passphrase: PASSPHRASE });
    const n = await other.run(['identity', 'new', '--name', 'Mallory']);
    expect(n.status, n.stderr).toBe(0);
    const receipt = readFileSync(path.join(ws.work, 'r', batchReceipt()), 'utf8');
    writeFileSync(path.join(other.work, 'r.tsproof.json'), receipt);
    const r = await other.run(['export', 'r.tsproof.json', '--format', 'in-toto', '--sign', '--out', 'x.json', '--trust', path.join(ws.home, 'trust', 'root.pem')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/sign it with that identity/);
  });
});

/** The batch receipt's file name in ws/r. */
function batchReceipt(): string {
  return execFileSync('ls', [path.join(ws.work, 'r')], { encoding: 'utf8' })
    .trim()
    .split('\n')[0]!;
}

describe('verify --attestation', () => {
  it('verifies the files against the signed statement; a changed file or payload fails (exit 1)', async () => {
    const ok = await ws.run(['verify', '--attestation', 'att.dsse.json', 'app.tgz', 'lib.tgz', '--json']);
    expect(ok.status, ok.stdout + ok.stderr).toBe(0);
    const doc = JSON.parse(ok.stdout);
    expect(doc.attestation.signer).toMatchObject({ certificateSha256: party('holder-alice').cert.sha256, identity: 'ca-verified' });
    expect(doc.attestation.checks.map((c: { id: string }) => c.id)).toEqual(expect.arrayContaining(['attestation.signature', 'attestation.statement', 'attestation.signer', 'attestation.holder']));
    expect(doc.results.map((r: { subject: string }) => r.subject)).toEqual(['app.tgz', 'lib.tgz']);

    writeFileSync(path.join(ws.work, 'changed.tgz'), 'not app');
    const changed = await ws.run(['verify', '--attestation', 'att.dsse.json', 'changed.tgz']);
    expect(changed.status).toBe(1);
    expect(changed.stdout).toMatch(/no subject of the statement has this file's digest/);

    // A payload changed after signing: the signature no longer verifies.
    const forged = { ...envelope, payload: Buffer.from(Buffer.from(envelope.payload, 'base64').toString('utf8').replace('lib.tgz', 'evil.tgz')).toString('base64') };
    writeFileSync(path.join(ws.work, 'forged.json'), JSON.stringify(forged));
    const f = await ws.run(['verify', '--attestation', 'forged.json', 'app.tgz', '--json']);
    expect(f.status).toBe(1);
    const fc = JSON.parse(f.stdout).attestation.checks.find((c: { id: string }) => c.id === 'attestation.signature');
    expect(fc.ok).toBe(false);
  });

  it('pins from flags or the environment apply; a malformed envelope is exit 2', async () => {
    const pinned = await ws.run(['verify', '--attestation', 'att.dsse.json', 'app.tgz', '--quiet'], { TSPROOF_HOLDER_CERT: 'ab'.repeat(32) });
    expect([pinned.status, pinned.stdout]).toEqual([1, '']);
    const right = await ws.run(['verify', '--attestation', 'att.dsse.json', 'app.tgz', '--holder-cert', party('holder-alice').cert.sha256, '--require-certified', '--quiet']);
    expect(right.status, right.stderr).toBe(0);
    writeFileSync(path.join(ws.work, 'junk.json'), '{"payload": 1}');
    const junk = await ws.run(['verify', '--attestation', 'junk.json', 'app.tgz']);
    expect(junk.status).toBe(2);
    expect(junk.stderr).toMatch(/not a DSSE envelope/);
  });
});
