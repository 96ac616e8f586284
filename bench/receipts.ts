/**
 * Benchmark: what large batch receipts and hostile inputs at the limits cost (docs/limits.md,
 * docs/performance.md).
 *
 *   npm run bench:receipts                       # 100,000 and 1,000,000 entries
 *   BENCH_ENTRIES=100000,200000 npm run bench:receipts
 *
 * For each size, in one run on the same receipt: the reference — `JSON.parse` of the whole
 * file in a bare Node process, the least any JavaScript tool pays to read it — then
 * `tsproof verify <file> --receipt`, `show --json` and `export --format in-toto`, each of which
 * must succeed. Then hostile inputs at the limits (docs/limits.md), each of which must finish
 * within seconds under 200 MB. Prints wall time and peak RSS (GNU time).
 */
import { spawnSync } from 'node:child_process';
import { closeSync, ftruncateSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { createHash, createPrivateKey, randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { envForLang } from '../dist/cli/i18n.js';
import { der, tlv } from '../dist/core/asn1/der.js';
import { OID } from '../dist/core/asn1/oids.js';
import { assembleSignedData, prepareSignature } from '../dist/core/cms/build.js';
import { LIMITS } from '../dist/core/limits.js';
import { parseCertificates } from '../dist/core/pki/certificate.js';
import { PKI, writeLargeReceipt } from './large-receipt.ts';

const BIN = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'tsproof.js');
const SIZES = (process.env.BENCH_ENTRIES ?? '100000,1000000').split(',').map(Number);
const dir = mkdtempSync(path.join(os.tmpdir(), 'tsproof-bench-receipts-'));
const home = path.join(dir, 'home');
mkdirSync(path.join(home, 'trust'), { recursive: true });
copyFileSync(path.join(PKI, 'root-ca.pem'), path.join(home, 'trust', 'root.pem'));
const env = { ...envForLang(process.env, 'en'), TSPROOF_HOME: home };

interface Run {
  seconds: number;
  rssMb: number;
  status: number | null;
  stderr: string;
}

/** One process under GNU time; `argv` starts with the program. */
function timed(argv: string[]): Run {
  const t0 = process.hrtime.bigint();
  const r = spawnSync('/usr/bin/time', ['-f', '%M', ...argv], { cwd: dir, env, encoding: 'utf8', maxBuffer: 1 << 30 });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const lines = r.stderr.trim().split('\n');
  return { seconds, rssMb: Number(lines.pop()) / 1024, status: r.status, stderr: lines.join('\n') };
}
// bin/tsproof.js itself, as users run it (its #! line sets V8's flags).
const tsproof = (args: string[]) => timed([BIN, ...args]);
const row = (label: string, r: Run, ref?: Run) =>
  console.log(`  ${label.padEnd(44)} ${r.seconds.toFixed(2).padStart(6)} s ${r.rssMb.toFixed(0).padStart(6)} MB${ref ? `   ×${(r.seconds / ref.seconds).toFixed(1)} time, ×${(r.rssMb / ref.rssMb).toFixed(1)} RSS` : ''}`);
const must = (label: string, r: Run, status: number) => {
  if (r.status !== status) throw new Error(`${label}: exit ${r.status}, expected ${status}\n${r.stderr}`);
};

try {
  const sample = { name: 'zz-sample.bin', data: randomBytes(4096) };
  writeFileSync(path.join(dir, sample.name), sample.data);
  console.log(`Large receipts (machine: ${os.cpus().length} cores, load ${os.loadavg()[0]!.toFixed(1)})`);
  for (const n of SIZES) {
    const file = `r${n}.tsproof.json`;
    const { bytes } = await writeLargeReceipt(path.join(dir, file), n, sample);
    console.log(`\n${n.toLocaleString('en-US')} entries, receipt of ${(bytes / 1e6).toFixed(0)} MB`);
    const ref = timed([process.execPath, '-e', `JSON.parse(require('fs').readFileSync(${JSON.stringify(file)}, 'utf8'))`]);
    must('reference', ref, 0);
    row('reference: JSON.parse of the file (node)', ref);
    const verify = tsproof(['verify', sample.name, '--receipt', file]);
    must('verify', verify, 0);
    row('tsproof verify <file> --receipt', verify, ref);
    const show = tsproof(['show', file, '--json']);
    must('show', show, 0);
    row('tsproof show --json', show, ref);
    const exp = tsproof(['export', file, '--format', 'in-toto', '--out', `${file}.intoto.json`]);
    must('export', exp, 0);
    row('tsproof export --format in-toto', exp, ref);
    rmSync(path.join(dir, file));
    rmSync(path.join(dir, `${file}.intoto.json`));
  }

  console.log('\nHostile inputs at the limits (each must finish within seconds under 200 MB)');
  const tsa = parseCertificates(readFileSync(path.join(PKI, 'tsa-ec.pem')), 'tsa')[0]!;
  const tsaKey = createPrivateKey(readFileSync(path.join(PKI, 'tsa-ec.key')));
  const imprint = createHash('sha256').update(sample.data).digest();
  /** A signed token for the sample, with `unsigned` attributes and TSTInfo fields as given. */
  const token = (o: { serial?: Uint8Array; policy?: Uint8Array; unsigned?: Uint8Array[] } = {}) => {
    const when = new Date();
    const tst = der.sequence(
      der.integer(1),
      o.policy ?? der.oid('1.2.3.4.77'),
      der.sequence(der.sequence(der.oid('2.16.840.1.101.3.4.2.1')), der.octetString(imprint)),
      o.serial ? der.integerRaw(o.serial) : der.integer(7),
      der.generalizedTime(when),
    );
    const p = prepareSignature({ key: tsaKey, certificate: tsa, certificates: [tsa], eContentType: OID.tstInfo, content: tst, encapsulate: true, signingTime: when, ess: 'v2' });
    return assembleSignedData(p, o.unsigned ?? []);
  };
  const nulls = (n: number) => {
    const v = new Uint8Array(2 * n);
    for (let i = 0; i < v.length; i += 2) v[i] = 5;
    return der.sequence(der.oid('1.2.3.4.5'), tlv(0x31, v));
  };
  const serial = randomBytes(LIMITS.integerBytes);
  serial[0] = 0x11;
  const hostile: [string, string, Uint8Array, number][] = [
    ['token of 199,000 values (within the limit)', 'values.tsr', token({ unsigned: [nulls(LIMITS.derValues - 1000)] }), 0],
    ['token of 200,001+ values', 'over.tsr', token({ unsigned: [nulls(LIMITS.derValues)] }), 2],
    ['token with a 128-byte serial (within the limit)', 'serial.tsr', token({ serial }), 0],
    ['token with a 256 KiB serial', 'serial-huge.tsr', token({ serial: Buffer.concat([Buffer.of(0x11), randomBytes(256 * 1024)]) }), 2],
    ['token with a 256 KiB policy OID', 'oid-huge.tsr', token({ policy: tlv(0x06, Buffer.concat([Buffer.of(0x2a), Buffer.alloc(256 * 1024, 0xff), Buffer.of(1)])) }), 2],
  ];
  for (const [label, name, bytes, status] of hostile) {
    writeFileSync(path.join(dir, name), bytes);
    const r = tsproof(['ts', 'verify', '--token', name, '--data', sample.name]);
    must(label, r, status);
    row(`ts verify: ${label}`, r);
  }
  const zeros = JSON.stringify({ format: 'tsproof.receipt', version: 1, entries: [] }).replace('"entries":[]', `"entries":[${'0,'.repeat(32 << 20)}0]`);
  writeFileSync(path.join(dir, 'zeros.json'), zeros);
  const z = tsproof(['show', 'zeros.json']);
  must('zeros', z, 2);
  row('show: receipt of 64 MB of zeros', z);
  const fd = openSync(path.join(dir, 'huge.json'), 'w');
  ftruncateSync(fd, LIMITS.receiptBytes + 1);
  closeSync(fd);
  const h = tsproof(['show', 'huge.json']);
  must('huge', h, 2);
  row('show: receipt over 512 MiB', h);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
