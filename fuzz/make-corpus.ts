/**
 * Makes the seed corpora of the fuzz targets (fuzz/corpus/<target>/), from the committed test PKI
 * (fixtures/pki, fixtures/npki) and from tsproof's own writers: tokens and responses of the local
 * TSA, receipts registered against it on loopback, an extracted receipt, an evidence pack as a zip,
 * TimeStampReqs, .tsproofignore and config files. The clock is fixed (2026-06-01); ECDSA
 * signatures and salts are fresh on each run, so the files differ run to run but not in form.
 *
 *   npm run build && node fuzz/make-corpus.ts
 *
 * The real-world corpus in ../shared/interop is used in place by the targets when present
 * (fuzz/lib/corpus.ts), never copied here.
 */
import { createPrivateKey, createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCertificates, pemBlocks } from '../dist/core/pki/certificate.js';
import { LocalTimestampAuthority } from '../dist/core/tsa/authority.js';
import { createTsaServer, listen } from '../dist/core/tsa/server.js';
import { encodeTimeStampReq, parseTimeStampResp } from '../dist/core/tsp/messages.js';
import { register } from '../dist/core/register.js';
import { collectFiles } from '../dist/core/io/files.js';
import { serializeReceipt } from '../dist/core/receipt/receipt.js';
import { extractEntry } from '../dist/core/receipt/extract.js';
import { buildEvidencePack } from '../dist/core/export/evidence.js';
import { zip } from '../dist/core/io/zip.js';
import { hash } from '../dist/core/crypto/algorithms.js';
import { FUZZ_IMPRINT_DATA, FUZZ_NOW, PKI, NPKI } from './lib/corpus.ts';
import { httpSeeds } from './lib/http.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const out = path.join(here, 'corpus');
rmSync(out, { recursive: true, force: true });
const put = (target: string, name: string, data: Uint8Array | string) => {
  mkdirSync(path.join(out, target), { recursive: true });
  writeFileSync(path.join(out, target, name), data);
};
const pki = (f: string) => readFileSync(path.join(PKI, f));
const party = (name: string) => ({ cert: parseCertificates(pki(`${name}.pem`), name)[0]!, key: createPrivateKey(pki(`${name}.key`)) });
const clock = () => FUZZ_NOW;
let serial = 1000n;
const serials = () => serial++;

// Certificates: PEM as committed and each as DER.
for (const f of readdirSync(PKI).filter((f) => f.endsWith('.pem'))) {
  put('certificate', f, pki(f));
  for (const [i, d] of pemBlocks(pki(f).toString('latin1'), 'CERTIFICATE').entries()) {
    put('certificate', `${f.replace('.pem', '')}-${i}.der`, d);
    put('der', `cert-${f.replace('.pem', '')}-${i}.der`, d);
  }
}

// Private keys: PEM (plain PKCS#8, encrypted PKCS#8, traditional encrypted) and DER.
for (const f of ['holder-alice.key', 'holder-alice-encrypted.key', 'holder-alice-traditional.key', 'tsa-rsa.key', 'root-ca.key']) put('pkcs8-pem', f, pki(f));
for (const f of ['holder-alice.key', 'tsa-rsa.key']) put('pkcs8-pem', f.replace('.key', '.der'), pemBlocks(pki(f).toString('latin1'), 'PRIVATE KEY')[0]!);
put('pkcs8-pem', 'holder-alice-encrypted.der', pemBlocks(pki('holder-alice-encrypted.key').toString('latin1'), 'ENCRYPTED PRIVATE KEY')[0]!);
put('der', 'encrypted-pkcs8.der', pemBlocks(pki('holder-alice-encrypted.key').toString('latin1'), 'ENCRYPTED PRIVATE KEY')[0]!);

// PKCS#12: the fixtures whose password is the test passphrase.
for (const f of ['holder-alice.p12', 'holder-alice-legacy.p12', 'holder-alice-windows.p12', 'holder-alice-keytool.p12', 'holder-alice-tsproof.p12', 'keytool-generated.p12']) {
  put('pkcs12', f, pki(f));
  put('der', f, pki(f));
}

// NPKI: signPri.key of each form (password 한글-비밀번호-7) and signCert.der.
for (const d of readdirSync(NPKI)) {
  put('npki', `${d}-signPri.key`, readFileSync(path.join(NPKI, d, 'signPri.key')));
  put('der', `npki-${d}-signPri.key`, readFileSync(path.join(NPKI, d, 'signPri.key')));
}
put('npki', 'signCert.der', readFileSync(path.join(NPKI, 'seed-cbc-sha1', 'signCert.der')));

// TSP: requests, responses and tokens of the local TSA (EC under the root, RSA under an intermediate).
const imprint = hash('sha256', FUZZ_IMPRINT_DATA);
const requests = [
  { name: 'sha256-nonce-certreq', r: { digestAlgorithm: 'sha256', digest: imprint, nonce: 0x1234567890abcdefn, certReq: true } },
  { name: 'sha256-plain', r: { digestAlgorithm: 'sha256', digest: imprint, certReq: false } },
  { name: 'sha512-policy', r: { digestAlgorithm: 'sha512', digest: hash('sha512', FUZZ_IMPRINT_DATA), policy: '1.2.3.4.77', nonce: 1n, certReq: true } },
  { name: 'sha1', r: { digestAlgorithm: 'sha1', digest: hash('sha1', FUZZ_IMPRINT_DATA), certReq: true } },
] as const;
const ec = party('tsa-ec');
const rsa = party('tsa-rsa');
const authorities = {
  ec: new LocalTimestampAuthority({ key: ec.key, certificate: ec.cert, chain: [], policy: '1.2.3.4.77', clock, serials }),
  rsa: new LocalTimestampAuthority({
    key: rsa.key,
    certificate: rsa.cert,
    chain: [party('intermediate-ca').cert],
    policy: '1.2.3.4.77',
    clock,
    serials,
    ess: 'both',
    includeTsaName: true,
    ordering: true,
  }),
};
for (const { name, r } of requests) {
  const req = encodeTimeStampReq(r);
  put('tsa-request', `${name}.tsq`, req);
  put('der', `${name}.tsq`, req);
  for (const [who, a] of Object.entries(authorities)) {
    const resp = a.respond(req);
    put('tsp-response', `${who}-${name}.tsr`, resp);
    const token = parseTimeStampResp(resp).token;
    if (token && name !== 'sha1' && name !== 'sha512-policy') put('tsp-token', `${who}-${name}.tst`, token);
    if (token) put('der', `token-${who}-${name}.tst`, token);
  }
}

// HTTP request streams for `tsa serve` (a control byte, then the bytes sent: fuzz/lib/http.ts).
for (const [name, bytes] of Object.entries(httpSeeds(requests.map(({ r }) => encodeTimeStampReq(r))))) put('tsa-http', name, bytes);

// Receipts: registered against the local TSA on loopback, signed by the fixture holder alice.
const work = mkdtempSync(path.join(os.tmpdir(), 'tsproof-fuzz-corpus-'));
try {
  mkdirSync(path.join(work, 'files', '도면'), { recursive: true });
  writeFileSync(path.join(work, 'files', 'a.txt'), 'first file\n');
  writeFileSync(path.join(work, 'files', 'empty'), '');
  writeFileSync(path.join(work, 'files', '도면', '설계.dwg'), createHash('sha256').update('fixed').digest());
  const servers = await Promise.all(
    Object.values(authorities).map(async (a) => {
      const s = createTsaServer(a);
      const { port } = await listen(s, '127.0.0.1', 0);
      return { s, url: `http://127.0.0.1:${port}/` };
    }),
  );
  const alice = { chain: parseCertificates(pki('holder-alice-chain.pem'), 'alice'), key: createPrivateKey(pki('holder-alice.key')) };
  const anchors = [party('root-ca').cert];
  const receipts: Record<string, Awaited<ReturnType<typeof register>>> = {};
  for (const [name, files, tsas] of [
    ['three-files-two-tsas', ['files'], servers],
    ['one-file-one-tsa', ['files/a.txt'], servers.slice(0, 1)],
  ] as const) {
    const { files: refs } = await collectFiles(files, work);
    receipts[name] = await register({
      files: refs,
      algorithms: ['sha256', 'sha512'],
      identity: alice,
      tsas: tsas.map((s) => ({ url: s.url })),
      anchors,
      now: clock,
      random: randomBytes,
      client: { retries: 0, timeoutMs: 5000 },
    });
  }
  for (const s of servers) s.s.close();
  for (const [name, r] of Object.entries(receipts)) {
    if (r.kind !== 'registered') throw new Error('expected a registration');
    const text = serializeReceipt(r.receipt);
    put('receipt', `${name}.tsproof.json`, text);
    put('cms', `${name}.p7s`, Buffer.from(r.receipt.signature, 'base64'));
    put('der', `cms-${name}.p7s`, Buffer.from(r.receipt.signature, 'base64'));
    for (const e of r.receipt.entries) put('receipt-extract', `${name}-${e.index}.tsproof.json`, serializeReceipt(extractEntry(r.receipt, e)));
    const pack = buildEvidencePack(r.receipt, { anchors, now: FUZZ_NOW, tool: 'tsproof fuzz corpus' });
    if (!pack.files) throw new Error(`the receipt ${name} does not verify`);
    put(
      'pack',
      `${name}.zip`,
      zip(
        pack.files.map((f) => ({ ...f, path: `pack/${f.path}` })),
        FUZZ_NOW,
      ),
    );
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

// .tsproofignore files.
put('ignore', 'basic', '# build output\nnode_modules/\ndist/\n*.log\n!keep.log\n/top-only\n');
put('ignore', 'globs', '**/cache/**\nsrc/**/*.tmp\n[abc]?.txt\n[!x-z]*.bak\n\\#literal\n\\!bang\ntrailing\\ \n*.{a,b}\n');
put('ignore', 'korean', '도면/*.bak\n임시/\n!도면/최종.dwg\n');

// Config files: $TSPROOF_HOME/config.json and the TSA's tsa.json.
put(
  'config',
  'config.json',
  JSON.stringify(
    {
      tsa: ['http://127.0.0.1:3161/', { url: 'https://tsa.example/', policy: '1.2.3', username: 'u', passwordEnv: 'TSA_PW', minIntervalMs: 1000 }],
      defaultIdentity: 'alice',
      acceptedPolicies: ['1.2.3.4.77'],
      pins: { tsaCert: [`sha256:${'00'.repeat(32)}`], holderSubject: 'CN=김영희*' },
    },
    null,
    2,
  ),
);
put(
  'config',
  'tsa.json',
  JSON.stringify(
    {
      policy: '1.2.3.4.77',
      acceptedPolicies: ['1.2.3'],
      accuracyMicros: 500000,
      ordering: true,
      includeTsaName: false,
      ess: 'both',
      pkcs12: 'tsa.p12',
      clock: { notBeforeFile: 'nb', peer: 'http://127.0.0.1/', maxDriftMs: 1000, checkIntervalMs: 60000 },
      limits: { maxConnections: 100 },
    },
    null,
    2,
  ),
);
console.log(`corpus written to ${path.relative(process.cwd(), out)}/`);
