/**
 * Certificates that are cut short or carry a malformed extension: bad input (exit 2, one line)
 * when given to a command, a failed named check (exit 1) when carried by evidence — never a
 * crash (exit 70).
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createPrivateKey } from 'node:crypto';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { hash } from '../../src/core/crypto/algorithms.js';
import { parse, seq } from '../../src/core/asn1/der.js';
import type { Certificate } from '../../src/core/pki/certificate.js';
import { party, PKI } from '../helpers/fixtures.js';
import { forgeToken } from '../helpers/forge.js';
import { CA_EXT, OpensslPki } from '../helpers/openssl-pki.js';
import { cliWorkspace } from '../helpers/setup.js';
import type { CliResult } from '../helpers/cli.js';

const d = (s: string) => new Date(`${s}T00:00:00Z`);
const FROM = d('2020-01-01');
const UNTIL = d('2045-01-01');

function workspace() {
  return cliWorkspace('tsproof-malformed-', { trustRoot: false, passphrase: 'malformed tests' });
}

function expectOneLine(r: CliResult, status: number, pattern: RegExp) {
  expect(r.status, r.stderr).toBe(status);
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  expect(r.stderr).toMatch(pattern);
  expect(r.stderr).not.toMatch(/internal error|at .*\.js:\d+/);
}

describe('certificates that are cut short or malformed', () => {
  /** The fixture TSA certificate with its tbsCertificate cut after the signature algorithm (version, serial, signature). */
  function cutAfterSignatureAlgorithm(): Buffer {
    const der = Buffer.from(readFileSync(path.join(PKI, 'tsa-ec.pem'), 'utf8').replace(/-----[^-]+-----|\s/g, ''), 'base64');
    const tlvEnd = (b: Buffer, at: number) => {
      const l = b[at + 1]!;
      const n = l & 0x80 ? l & 0x7f : 0;
      const len = n ? b.subarray(at + 2, at + 2 + n).reduce((a, x) => a * 256 + x, 0) : l;
      return { header: 2 + n, end: at + 2 + n + len };
    };
    const top = tlvEnd(der, 0);
    const tbs = tlvEnd(der, top.header);
    let p = top.header + tbs.header;
    for (let i = 0; i < 3; i++) p = tlvEnd(der, p).end; // [0] version, serialNumber, signature
    const tbsContent = der.subarray(top.header + tbs.header, p);
    const rest = der.subarray(tbs.end, top.end); // signatureAlgorithm, signatureValue
    const wrap = (tag: number, body: Buffer) => Buffer.concat([Buffer.from([tag, 0x82, body.length >> 8, body.length & 0xff]), body]);
    return wrap(0x30, Buffer.concat([wrap(0x30, tbsContent), rest]));
  }

  it('trust add, ts verify --tsa-cert and identity import --npki: exit 2 with one line', async () => {
    const ws = workspace();
    const cut = path.join(ws.work, 'cut.der');
    writeFileSync(cut, cutAfterSignatureAlgorithm());
    expectOneLine(await ws.run(['trust', 'add', cut, '--for', 'tsa']), 2, /cut\.der: certificate\.issuer: missing/);
    const data = Buffer.from('data');
    writeFileSync(path.join(ws.work, 'd.bin'), data);
    writeFileSync(path.join(ws.work, 't.tst'), forgeToken({ cert: party('tsa-ec').cert, key: party('tsa-ec').key, certificates: [], imprintAlgorithm: 'sha256', imprint: hash('sha256', data) }));
    expectOneLine(await ws.run(['ts', 'verify', '--token', 't.tst', '--data', 'd.bin', '--tsa-cert', cut]), 2, /cut\.der: certificate\.issuer: missing/);
    const npki = path.join(ws.work, 'npki');
    mkdirSync(npki);
    copyFileSync(cut, path.join(npki, 'signCert.der'));
    copyFileSync(path.join(PKI, '..', 'npki', 'seed-cbc-sha1', 'signPri.key'), path.join(npki, 'signPri.key'));
    expectOneLine(await ws.run(['identity', 'import', '--npki', npki], { TSPROOF_IMPORT_PASSPHRASE: '한글-비밀번호-7' }), 2, /signCert\.der: certificate\.issuer: missing/);
  });

  it('a token whose embedded TSA certificate has a malformed extension fails a named check (exit 1)', async () => {
    const ws = workspace();
    const pki = new OpensslPki('tsproof-malformed-');
    const root = pki.issue('root', { subject: '/C=KR/O=Some TSA/CN=Root', from: FROM, to: UNTIL, ext: CA_EXT });
    const bad = pki.issueFiles('tsa-bad-ku', {
      subject: '/C=KR/O=Some TSA/CN=TSA with a malformed key usage',
      issuer: root,
      from: FROM,
      to: UNTIL,
      ext: ['basicConstraints=critical,CA:FALSE', 'extendedKeyUsage=critical,timeStamping', 'keyUsage=critical,DER:0300'],
    });
    // tsproof will not parse this certificate, so the token is signed with a stand-in holding just its bytes, issuer and serial.
    const certDer = new Uint8Array(Buffer.from(readFileSync(bad.pem, 'utf8').replace(/-----[^-]+-----|\s/g, ''), 'base64'));
    const tbs = seq(seq(parse(certDer), 'certificate')[0], 'tbsCertificate');
    const standIn = { der: certDer, serialBytes: tbs[1]!.content, issuerRaw: tbs[3]!.raw } as unknown as Certificate;
    const data = Buffer.from('data');
    writeFileSync(path.join(ws.work, 'd.bin'), data);
    writeFileSync(path.join(ws.work, 't.tst'), forgeToken({ cert: standIn, key: createPrivateKey(readFileSync(bad.keyFile)), imprintAlgorithm: 'sha256', imprint: hash('sha256', data) }));
    const r = await ws.run(['ts', 'verify', '--token', 't.tst', '--data', 'd.bin', '--trust', root.pem, '--json']);
    expect(r.status, r.stderr).toBe(1);
    expect(JSON.parse(r.stdout).results[0].checks.find((x: { id: string }) => x.id === 'timestamp.structure')).toMatchObject({ ok: false, detail: expect.stringMatching(/keyUsage: bad BIT STRING/) });
  });
});
