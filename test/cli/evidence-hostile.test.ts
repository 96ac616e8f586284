/**
 * The evidence pack against someone who controls it (issue 11). The reader keeps verify.sh
 * from a trusted copy, perhaps passes their own HOLDER_CA and TSA_CA, and runs it on a pack
 * that an adversary handed over — or the adversary plants links and folders where tsproof
 * writes the pack, or puts terminal escapes in names and subjects.
 *
 * The forgery is built for real: a genuine earlier registration (2025-06-01), the BER
 * re-encoding of the signature value, the decoy, the swapped token. verify.sh as tsproof
 * f6542eb wrote it (test/data/verify-sh-before-issue-11.sh) accepts it and prints the earlier
 * time; today's verify.sh refuses it. OpenSSL is the oracle for what it judges itself: that it
 * accepts the BER signature, that the re-encoded bytes differ, that B's token covers only B.
 */
import { spawnSync } from 'node:child_process';
import { createHash, createPrivateKey, randomBytes } from 'node:crypto';
import { cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { der, parse, Tag, tlv } from '../../src/core/asn1/der.js';
import { OID } from '../../src/core/asn1/oids.js';
import { attribute } from '../../src/core/cms/build.js';
import { collectFiles } from '../../src/core/io/files.js';
import { parseCertificates } from '../../src/core/pki/certificate.js';
import { extractPieces } from '../../src/core/receipt/extract.js';
import { register } from '../../src/core/register.js';
import { BIN } from '../helpers/cli.js';
import { party, PKI, ROOT } from '../helpers/fixtures.js';
import { removeToolDirs, runVerifySh, toolDir } from '../helpers/evidence.js';
import { openssl } from '../helpers/openssl.js';
import { alice, bundledTsa, cliWorkspace, importAlice, type CliWorkspace } from '../helpers/setup.js';

const EARLIER = new Date('2025-06-01T09:00:00.250Z');
const OLD_SCRIPT = path.join(ROOT, 'test', 'data', 'verify-sh-before-issue-11.sh');
const ROOT_CA = path.join(PKI, 'root-ca.pem');
/** An entry name that tries to clear the screen, start a new line reading VERIFIED, and reverse the rest. */
const HOSTILE_NAME = 'x\x1b[2J\x1b[H\nVERIFIED: everything is fine\u202etxt.exe';

type Tsa = Awaited<ReturnType<typeof bundledTsa>>;
const closers: Tsa[] = [];
let dir: string;
let ws: CliWorkspace;
let receipt: string;
let pack: string;
/** The file to backdate: registered today, in registration A. */
let target: string;
/** Registration B, made on 2025-06-01: its signature value, token and SignerInfo. */
let earlier: { signatureValue: Uint8Array; token: Uint8Array; signerInfo: Uint8Array };

beforeAll(async () => {
  const tsa = await bundledTsa();
  const earlierTsa = await bundledTsa('tsa-ec', [], { clock: () => EARLIER });
  closers.push(tsa, earlierTsa);
  ws = cliWorkspace('tsproof-evidence-hostile-', { passphrase: 'hostile pack' });
  dir = ws.dir;
  mkdirSync(path.join(ws.work, 'proj'));
  target = path.join(ws.work, 'proj', 'design.step');
  writeFileSync(target, randomBytes(4000));
  writeFileSync(path.join(ws.work, 'proj', 'notes.txt'), 'notes\n');
  writeFileSync(path.join(ws.work, 'proj', HOSTILE_NAME), 'hostile\n');
  await importAlice(ws);
  const reg = await ws.run(['register', 'proj', '--tsa', tsa.url, '--json']);
  expect(reg.status, reg.stderr).toBe(0);
  receipt = JSON.parse(reg.stdout).receipt;
  pack = path.join(dir, 'pack');
  const e = await ws.run(['export', receipt, '--format', 'evidence', '--out', pack]);
  expect(e.status, e.stderr).toBe(0);

  // B: a real registration of other content, on 2025-06-01 by its TSA's clock and the holder's.
  const bdir = mkdtempSync(path.join(dir, 'earlier-'));
  writeFileSync(path.join(bdir, 'old.txt'), 'something else, registered in 2025\n');
  const { files } = await collectFiles(['old.txt'], bdir);
  const b = await register({ files, algorithms: ['sha256'], identity: alice(), tsas: [{ url: earlierTsa.url }], anchors: [party('root-ca').cert], now: () => EARLIER, random: (n) => randomBytes(n) });
  if (b.kind !== 'registered') throw new Error('registration B registered nothing');
  const pieces = extractPieces(b.receipt);
  const si = parse(pieces.signature).children[1]!.children[0]!.children.at(-1)!.children[0]!;
  earlier = { signatureValue: pieces.signatureValue, token: pieces.tokens[0]!.token, signerInfo: si.raw };
});

afterAll(async () => {
  for (const c of closers) await c.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  removeToolDirs();
});

interface Forgery {
  /** A further digestAlgorithms entry whose parameters are this OCTET STRING: at depth 5, like the signature. */
  decoy?: Uint8Array;
  /** The SignerInfo's signature as a BER constructed OCTET STRING (two primitive pieces). */
  berSignature?: boolean;
  /** The SignerInfo's version INTEGER with a long-form length (BER, not DER). */
  longLength?: boolean;
  /** Replace the signature-time-stamp tokens in the unsigned attributes. */
  tokens?: Uint8Array[];
  /** A second SignerInfo. */
  extraSignerInfo?: Uint8Array;
}

/** signature.p7s rebuilt with the given changes; everything else byte for byte as it was. */
function forge(p7s: Uint8Array, f: Forgery): Uint8Array {
  const ci = parse(p7s);
  const sd = ci.children[1]!.children[0]!;
  const [version, digestAlgorithms, ...rest] = sd.children;
  const signerInfos = rest.pop()!;
  const si = signerInfos.children[0]!;
  const kids = si.children.map((k, i) => {
    if (i === 0 && f.longLength) return Uint8Array.of(0x02, 0x81, 0x01, ...k.content);
    if (k.isUniversal(Tag.OCTET_STRING) && f.berSignature) return tlv(0x24, der.raw(der.octetString(k.content.subarray(0, 16)), der.octetString(k.content.subarray(16))));
    if (k.isContext(1) && f.tokens) return der.implicitConstructed(1, der.raw(...f.tokens.map((t) => attribute(OID.signatureTimeStampToken, t)).sort(Buffer.compare)));
    return k.raw;
  });
  const algorithms = [...digestAlgorithms!.children.map((c) => c.raw), ...(f.decoy ? [der.sequence(der.oid(OID.sha256), der.octetString(f.decoy))] : [])];
  const signers = [der.sequence(...kids), ...(f.extraSignerInfo ? [f.extraSignerInfo] : [])];
  return der.sequence(ci.children[0]!.raw, der.explicit(0, der.sequence(version!.raw, der.setOf(...algorithms), ...rest.map((r) => r.raw), der.setOf(...signers))));
}

/** A copy of the pack with some files replaced (undefined: removed). */
function tampered(name: string, changes: Record<string, Uint8Array | undefined>): string {
  const out = path.join(dir, name);
  cpSync(pack, out, { recursive: true });
  for (const [f, data] of Object.entries(changes)) {
    if (data === undefined) rmSync(path.join(out, f));
    else writeFileSync(path.join(out, f), data);
  }
  return out;
}

const read = (f: string) => new Uint8Array(readFileSync(path.join(pack, f)));
const verify = (p: string, file: string, env: Record<string, string> = {}) => runVerifySh(dir, p, file, { env });
/** The same, with the verify.sh of tsproof f6542eb (it needs GNU coreutils: stat -c, date -d). */
const verifyOld = (p: string, file: string) => runVerifySh(dir, p, file, { script: OLD_SCRIPT, path: process.env.PATH! });

/** OpenSSL's own verdicts, run in a scratch folder. */
function ossl(args: string[]) {
  return openssl(args, dir);
}
function scratchFile(name: string, data: Uint8Array): string {
  const f = path.join(dir, name);
  writeFileSync(f, data);
  return f;
}
/** True when OpenSSL's DER re-encoding of a CMS object is the same bytes. */
function opensslKeepsBytes(p7s: Uint8Array, name: string): boolean {
  const f = scratchFile(name, p7s);
  const r = spawnSync('openssl', ['cms', '-cmsout', '-inform', 'DER', '-in', f, '-outform', 'DER'], { cwd: dir });
  expect(r.status).toBe(0);
  return Buffer.compare(r.stdout, Buffer.from(p7s)) === 0;
}

describe('the backdating forgery of issue 11', () => {
  it("main's verify.sh prints VERIFIED with the earlier registration's time; verify.sh now refuses the pack", () => {
    const forged = forge(read('signature.p7s'), { decoy: earlier.signatureValue, berSignature: true });
    const p = tampered('pack-backdated', { 'signature.p7s': forged, 'signature-value.bin': earlier.signatureValue, 'timestamps/1.tst': earlier.token });

    // OpenSSL: the BER re-encoding still verifies as the holder's signature over the manifest ...
    const f = scratchFile('forged.p7s', forged);
    expect(ossl(['cms', '-verify', '-binary', '-inform', 'DER', '-in', f, '-content', path.join(p, 'manifest.json'), '-CAfile', ROOT_CA, '-partial_chain', '-purpose', 'any', '-out', '/dev/null']).ok).toBe(true);
    // ... it is not DER ...
    expect(opensslKeepsBytes(forged, 'forged-rt.p7s')).toBe(false);
    // ... and B's token covers B's signature value, not A's.
    const svA = scratchFile('sv-a.bin', read('signature-value.bin'));
    const svB = scratchFile('sv-b.bin', earlier.signatureValue);
    const tokB = scratchFile('b.tst', earlier.token);
    const tsVerify = (data: string) => ossl(['ts', '-verify', '-token_in', '-in', tokB, '-data', data, '-CAfile', ROOT_CA, '-partial_chain', '-attime', String(Math.floor(EARLIER.getTime() / 1000))]);
    expect(tsVerify(svB).ok).toBe(true);
    expect(tsVerify(svA).ok).toBe(false);

    // verify.sh as it was: VERIFIED, a year and a half early, exit 0 — even with the reader's own anchors.
    const old = verifyOld(p, target);
    expect(old.status, old.stderr).toBe(0);
    expect(old.stdout).toMatch(/^VERIFIED: .* existed no later than 2025-06-01 09:00:00 UTC\.$/m);

    // verify.sh now: not DER, refused.
    const now = verify(p, target);
    expect(now.status).toBe(1);
    expect(now.stdout).not.toContain('VERIFIED');
    expect(now.stderr).toMatch(/^FAIL: signature\.p7s is not one DER object/m);
    expect(verify(p, target, { HOLDER_CA: ROOT_CA, TSA_CA: ROOT_CA }).status).toBe(1);
  });

  it('in DER, the decoy is ignored: the value is the SignerInfo signature, and the tokens are the embedded ones', () => {
    // Decoy, B's token in the unsigned attributes and loose, B's signature value: all DER.
    const forged = forge(read('signature.p7s'), { decoy: earlier.signatureValue, tokens: [earlier.token] });
    expect(opensslKeepsBytes(forged, 'forged-der.p7s')).toBe(true);
    const withValue = verify(tampered('pack-der-forgery', { 'signature.p7s': forged, 'signature-value.bin': earlier.signatureValue, 'timestamps/1.tst': earlier.token }), target);
    expect(withValue.status).toBe(1);
    expect(withValue.stderr).toMatch(/^FAIL: signature-value\.bin is not the signature value in signature\.p7s$/m);
    // Without the loose value, the embedded token B is judged against A's signature value: OpenSSL refuses it.
    const without = verify(tampered('pack-der-forgery-2', { 'signature.p7s': forged, 'signature-value.bin': undefined, 'timestamps/1.tst': earlier.token }), target);
    expect(without.status).toBe(1);
    expect(without.stderr).toMatch(/^FAIL: timestamp 1: openssl ts -verify: .*(imprint|mismatch)/im);
  });

  it('refuses two SignerInfos', () => {
    const forged = forge(read('signature.p7s'), { extraSignerInfo: earlier.signerInfo });
    expect(opensslKeepsBytes(forged, 'two-signers.p7s')).toBe(true); // DER: the count is what fails
    const r = verify(tampered('pack-two-signers', { 'signature.p7s': forged }), target);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^FAIL: signature\.p7s has 2 SignerInfos; a registration is signed by exactly one$/m);
  });

  it('refuses loose tokens that are not the embedded ones', () => {
    const swapped = verify(tampered('pack-loose-token', { 'timestamps/1.tst': earlier.token }), target);
    expect(swapped.status).toBe(1);
    expect(swapped.stderr).toMatch(/^FAIL: timestamps\/1\.tst differs from timestamp 1 in signature\.p7s$/m);
    const extra = verify(tampered('pack-extra-token', { 'timestamps/2.tst': earlier.token }), target);
    expect(extra.status).toBe(1);
    expect(extra.stderr).toMatch(/^FAIL: timestamps\/2\.tst is not in signature\.p7s$/m);
    // Without loose copies at all, the embedded tokens suffice.
    const none = verify(tampered('pack-no-loose', { 'timestamps/1.tst': undefined, 'signature-value.bin': undefined }), target);
    expect(none.status, none.stderr).toBe(0);
  });

  it('refuses BER forms and trailing bytes that OpenSSL itself accepts', () => {
    const cases: [string, Uint8Array][] = [
      ['constructed signature', forge(read('signature.p7s'), { berSignature: true })],
      ['long-form length', forge(read('signature.p7s'), { longLength: true })],
      ['trailing bytes', new Uint8Array(Buffer.concat([read('signature.p7s'), Buffer.from('trailing')]))],
    ];
    for (const [what, bytes] of cases) {
      const f = scratchFile(`ber-${what.replace(/ /g, '-')}.p7s`, bytes);
      expect(ossl(['cms', '-verify', '-binary', '-inform', 'DER', '-in', f, '-content', path.join(pack, 'manifest.json'), '-CAfile', ROOT_CA, '-partial_chain', '-purpose', 'any', '-out', '/dev/null']).ok, what).toBe(true);
      expect(opensslKeepsBytes(bytes, `rt-${what.replace(/ /g, '-')}.p7s`), what).toBe(false);
      const r = verify(tampered(`pack-ber-${what.replace(/ /g, '-')}`, { 'signature.p7s': bytes }), target);
      expect(r.status, what).toBe(1);
      expect(r.stderr, what).toMatch(/^FAIL: signature\.p7s is not one DER object/m);
    }
  });
});

/** The SHA-256 of a PEM certificate's DER, as verify.sh and the README print it. */
function fingerprint(pemFile: string): string {
  return parseCertificates(readFileSync(pemFile), pemFile)[0]!.sha256;
}

describe("verify.sh's VERIFIED line says whose anchors it relied on", () => {
  it('a real pack: the holder, the TSA and their anchors, from the pack or from HOLDER_CA / TSA_CA', () => {
    const rootFp = fingerprint(ROOT_CA);
    const tsaFp = fingerprint(path.join(PKI, 'tsa-ec.pem'));
    const aliceFp = fingerprint(path.join(PKI, 'holder-alice.pem'));
    const own = verify(pack, target);
    expect(own.status, own.stderr).toBe(0);
    const line = own.stdout.split('\n').find((l) => l.startsWith('VERIFIED: '))!;
    // Issue 12: "certified" names the CA that vouched and says that revocation was not checked.
    expect(line).toContain(
      `Holder "CN=김영희, O=테스트 주식회사, C=KR" (SHA-256 ${aliceFp}), certified by "CN=holder-ca, O=tsproof test, C=KR" through "CN=root-ca, O=tsproof test, C=KR" (SHA-256 ${rootFp}) from the pack's certs/holder-ca.pem, not an anchor of yours; revocation not checked.`,
    );
    expect(line).toContain(`Timestamp 1 by TSA "CN=Test TSA EC, O=tsproof test, C=KR" (SHA-256 ${tsaFp}), trusted through "CN=root-ca, O=tsproof test, C=KR" (SHA-256 ${rootFp}) from the pack's certs/tsa-1-ca.pem, not an anchor of yours.`);
    expect(own.stdout).toMatch(/^note {2}anchors from the pack are the pack writer's choice/m);

    // With the reader's anchors: a bundle holding an unrelated CA first, then the root.
    const other = path.join(dir, 'other-ca.pem');
    spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', '/dev/null', '-subj', '/CN=Some other CA', '-days', '2', '-out', other]);
    const bundle = path.join(dir, 'my anchors.pem');
    writeFileSync(bundle, readFileSync(other, 'utf8') + readFileSync(ROOT_CA, 'utf8'));
    const mine = verify(pack, target, { HOLDER_CA: bundle, TSA_CA: bundle });
    expect(mine.status, mine.stderr).toBe(0);
    const mineLine = mine.stdout.split('\n').find((l) => l.startsWith('VERIFIED: '))!;
    expect(mineLine).toContain(`certified by "CN=holder-ca, O=tsproof test, C=KR" through "CN=root-ca, O=tsproof test, C=KR" (SHA-256 ${rootFp}) from your HOLDER_CA (${bundle}); revocation not checked`);
    expect(mineLine).toContain(`trusted through "CN=root-ca, O=tsproof test, C=KR" (SHA-256 ${rootFp}) from your TSA_CA (${bundle})`);
    expect(mine.stdout).not.toMatch(/^note/m);
    // Times as the CLI prints them.
    expect(line).toMatch(/existed no later than \d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} UTC \(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d KST\)\./);
  });

  it('a pack forged with a home-made TSA and a self-asserted holder of the same names cannot say the same words', async () => {
    // The forger's PKI, made with OpenSSL: a "root-ca", a "Test TSA EC" under it, a self-signed "김영희".
    const home = mkdtempSync(path.join(dir, 'forger-pki-'));
    const o = (args: string[]) => expect(spawnSync('openssl', args, { cwd: home, encoding: 'utf8' }).status).toBe(0);
    const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
    o(['req', '-x509', ...ec, '-keyout', 'root.key', '-out', 'root.pem', '-days', '30', '-subj', '/C=KR/O=tsproof test/CN=root-ca', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
    o(['req', '-new', ...ec, '-keyout', 'tsa.key', '-out', 'tsa.csr', '-subj', '/C=KR/O=tsproof test/CN=Test TSA EC']);
    writeFileSync(path.join(home, 'tsa.ext'), 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=critical,timeStamping\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n');
    o(['x509', '-req', '-in', 'tsa.csr', '-CA', 'root.pem', '-CAkey', 'root.key', '-CAcreateserial', '-days', '30', '-extfile', 'tsa.ext', '-out', 'tsa.pem']);
    o(['req', '-x509', ...ec, '-utf8', '-keyout', 'holder.key', '-out', 'holder.pem', '-days', '30', '-subj', '/C=KR/O=테스트 주식회사/CN=김영희', '-addext', 'keyUsage=critical,digitalSignature,nonRepudiation']);
    const homeTsa = await bundledTsa('tsa-ec', [], { tsa: { key: createPrivateKey(readFileSync(path.join(home, 'tsa.key'))), cert: parseCertificates(readFileSync(path.join(home, 'tsa.pem')), 'tsa.pem')[0]! } });
    closers.push(homeTsa);
    const forger = cliWorkspace('tsproof-forger-', { passphrase: 'forger', trustRoot: false });
    cpSync(path.join(home, 'root.pem'), path.join(forger.home, 'trust', 'root.pem'));
    const copy = path.join(forger.work, 'design.step');
    cpSync(target, copy);
    expect((await forger.run(['identity', 'import', path.join(home, 'holder.pem'), '--key', path.join(home, 'holder.key')])).status).toBe(0);
    const reg = await forger.run(['register', 'design.step', '--tsa', homeTsa.url, '--json']);
    expect(reg.status, reg.stderr).toBe(0);
    const forgedPack = path.join(forger.dir, 'pack');
    expect((await forger.run(['export', JSON.parse(reg.stdout).receipt, '--format', 'evidence', '--out', forgedPack])).status).toBe(0);

    const real = verify(pack, target)
      .stdout.split('\n')
      .find((l) => l.startsWith('VERIFIED: '))!;
    const fake = verify(forgedPack, target);
    expect(fake.status, fake.stderr).toBe(0); // it is a valid pack — of a self-asserted holder and a home-made TSA
    const fakeLine = fake.stdout.split('\n').find((l) => l.startsWith('VERIFIED: '))!;
    // Same names, but other fingerprints, and the holder is shown as self-asserted.
    const words = (l: string) => l.replace(/^VERIFIED: .* existed no later than [^)]*\)\. /, '');
    expect(words(fakeLine)).not.toBe(words(real));
    expect(fakeLine).toContain(`Holder "CN=김영희, O=테스트 주식회사, C=KR" (SHA-256 ${fingerprint(path.join(home, 'holder.pem'))}), self-asserted: its own certificate is the anchor`);
    expect(fakeLine).toContain(`TSA "CN=Test TSA EC, O=tsproof test, C=KR" (SHA-256 ${fingerprint(path.join(home, 'tsa.pem'))}), trusted through "CN=root-ca, O=tsproof test, C=KR" (SHA-256 ${fingerprint(path.join(home, 'root.pem'))})`);
    for (const real of [ROOT_CA, path.join(PKI, 'tsa-ec.pem'), path.join(PKI, 'holder-alice.pem')]) expect(fakeLine).not.toContain(fingerprint(real));
    // Against the reader's anchors it fails, holder and TSA alike — as OpenSSL says.
    const h = verify(forgedPack, target, { HOLDER_CA: ROOT_CA });
    expect(h.status).toBe(1);
    expect(h.stderr).toMatch(/^FAIL: holder signature: openssl cms -verify/m);
    const t = verify(forgedPack, target, { TSA_CA: ROOT_CA });
    expect(t.status).toBe(1);
    expect(t.stderr).toMatch(/^FAIL: timestamp 1: openssl ts -verify/m);
    rmSync(forger.dir, { recursive: true, force: true });
  });
});

describe('verify.sh runs where bash, OpenSSL and BusyBox are all there is', () => {
  it('under sh it re-executes itself under bash, or says to run it with bash', () => {
    const sh = runVerifySh(dir, pack, target, { shell: 'sh' });
    expect(sh.status, sh.stderr).toBe(0);
    expect(sh.stdout).toMatch(/^VERIFIED: /m);
    // bash in POSIX mode (as /bin/sh on macOS) leaves it.
    const posix = runVerifySh(dir, pack, target, { env: { POSIXLY_CORRECT: '1' } });
    expect(posix.status, posix.stderr).toBe(0);
    const noBash = runVerifySh(dir, pack, target, { shell: 'sh', bash: false });
    expect(noBash.status).toBe(2);
    expect(noBash.stderr).toBe('verify.sh needs bash: run bash verify.sh <file>\n');
    expect(runVerifySh(dir, pack, target, { shell: 'sh', bash: false, env: { LANG: 'ko_KR.UTF-8' } }).stderr).toContain('bash verify.sh <파일>');
    // A missing tool is named (exit 2), not a cryptic failure.
    const bin = toolDir('busybox');
    const partial = mkdtempSync(path.join(dir, 'no-od-'));
    for (const t of readdirSync(bin)) if (t !== 'od') symlinkSync(readlinkSync(path.join(bin, t)), path.join(partial, t));
    const noOd = runVerifySh(dir, pack, target, { path: partial });
    expect(noOd.status).toBe(2);
    expect(noOd.stderr).toBe('verify.sh needs od on the PATH\n');
  });

  it('is the same script in every pack', async () => {
    const one = path.join(dir, 'one.tsproof.json');
    expect((await ws.run(['receipt', 'extract', receipt, '--file', 'proj/notes.txt', '--out', one])).status).toBe(0);
    const p1 = path.join(dir, 'pack-one');
    expect((await ws.run(['export', one, '--format', 'evidence', '--out', p1])).status).toBe(0);
    expect(readFileSync(path.join(p1, 'verify.sh')).equals(readFileSync(path.join(pack, 'verify.sh')))).toBe(true);
    expect(readFileSync(path.join(pack, 'verify.sh')).equals(readFileSync(path.join(ROOT, 'assets', 'evidence', 'verify.sh')))).toBe(true);
  });
});

describe('names and subjects cannot drive the terminal or fake a line', () => {
  const ESC = '\x1b';
  const RLO = '\u202e';

  it('an entry name with escape sequences, a newline and U+202E is shown escaped by verify.sh and the README', () => {
    const file = path.join(ws.work, 'proj', HOSTILE_NAME);
    const r = verify(pack, file);
    expect(r.status, r.stderr).toBe(0);
    for (const out of [r.stdout, r.stderr]) {
      expect(out).not.toContain(ESC);
      expect(out).not.toContain(RLO);
    }
    // One VERIFIED line — the real one, about this file, with the name's escapes visible.
    const verified = r.stdout.split('\n').filter((l) => l.startsWith('VERIFIED'));
    expect(verified).toHaveLength(1);
    expect(verified[0]).toMatch(/^VERIFIED: .*proj\/x\\x1b\[2J\\x1b\[H\\x0aVERIFIED: everything is fine\\u202etxt\.exe was registered as "proj\/x\\u001b\[2J\\u001b\[H\\nVERIFIED: everything is fine\\u202etxt\.exe" and existed/);
    const readme = readFileSync(path.join(pack, 'README.md'), 'utf8');
    expect(readme).not.toContain(ESC);
    expect(readme).not.toContain(RLO);
    expect(readme).toContain('| proj/x\\x1b[2J\\x1b[H\\x0aVERIFIED: everything is fine\\u202etxt.exe |');
    const tsv = readFileSync(path.join(pack, 'entries.tsv'), 'utf8');
    expect(tsv).not.toContain(ESC);
    expect(tsv).toContain('\tproj/x\\x1b[2J\\x1b[H\\x0aVERIFIED: everything is fine\\u202etxt.exe\n');
  });

  it('a holder subject with escape sequences and U+202E is shown escaped by verify.sh and the README', async () => {
    const tsa = await bundledTsa();
    closers.push(tsa);
    const m = cliWorkspace('tsproof-mallory-', { passphrase: 'mallory' });
    const o = (args: string[]) => expect(spawnSync('openssl', args, { cwd: m.dir, encoding: 'utf8' }).status).toBe(0);
    o(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-utf8', '-keyout', 'm.key', '-out', 'm.pem', '-days', '30', '-subj', `/O=x${ESC}[2J${ESC}[1;1H/CN=Mallory${RLO}DEIFIREV${ESC}]0;title\x07`]);
    expect((await m.run(['identity', 'import', path.join(m.dir, 'm.pem'), '--key', path.join(m.dir, 'm.key')])).status).toBe(0);
    writeFileSync(path.join(m.work, 'a.txt'), 'a\n');
    const reg = await m.run(['register', 'a.txt', '--tsa', tsa.url, '--json']);
    expect(reg.status, reg.stderr).toBe(0);
    const p = path.join(m.dir, 'pack');
    expect((await m.run(['export', JSON.parse(reg.stdout).receipt, '--format', 'evidence', '--out', p])).status).toBe(0);
    const r = runVerifySh(m.dir, p, path.join(m.work, 'a.txt'), {});
    expect(r.status, r.stderr).toBe(0);
    for (const out of [r.stdout, r.stderr, readFileSync(path.join(p, 'README.md'), 'utf8')]) {
      expect(out).not.toContain(ESC);
      expect(out).not.toContain(RLO);
      expect(out).not.toContain('\x07');
    }
    // The subject as tsproof writes it (RFC 4514: ; escaped), in verify.sh and in the README alike.
    expect(r.stdout).toContain('Holder "CN=Mallory\\u202eDEIFIREV\\x1b]0\\;title\\x07, O=x\\x1b[2J\\x1b[1\\;1H"');
    expect(readFileSync(path.join(p, 'README.md'), 'utf8')).toContain('Holder / 보유자: CN=Mallory\\u202eDEIFIREV\\x1b]0\\;title\\x07, O=x\\x1b[2J\\x1b[1\\;1H\n  - SELF-ASSERTED');
    rmSync(m.dir, { recursive: true, force: true });
  });
});

describe('the pack folder is made where nobody else can reach it', () => {
  /**
   * Runs `tsproof export` as a process whose pid is known before it starts (bash plants, then
   * execs node in its own place), so a test can plant what an attacker would at
   * `<out>.tmp-<pid>`, the name tsproof f6542eb built the pack under.
   */
  function exportWithPlant(out: string, plant: string) {
    const r = spawnSync('bash', ['-c', `${plant}\nexec "$NODE" "$BIN" export "$RECEIPT" --format evidence --out "$OUT"`], {
      cwd: ws.work,
      encoding: 'utf8',
      env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', LANG: 'C.UTF-8', TSPROOF_HOME: ws.home, TSPROOF_PASSPHRASE: 'hostile pack', NODE: process.execPath, BIN, RECEIPT: receipt, OUT: out },
    });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  }
  const packFiles = (p: string) => readdirSync(p, { recursive: true }).map(String).sort();

  it('a link planted at the old temporary name is not followed', () => {
    const victim = mkdtempSync(path.join(dir, 'victim-'));
    const out = path.join(dir, 'pack-link');
    const r = exportWithPlant(out, 'ln -s "$VICTIM" "$OUT.tmp-$$"'.replace('$VICTIM', victim));
    expect(r.status, r.stderr).toBe(0);
    expect(readdirSync(victim)).toEqual([]);
    expect(lstatSync(out).isDirectory()).toBe(true);
    expect(packFiles(out)).toEqual(packFiles(pack));
    expect(verify(out, target).status).toBe(0);
  });

  it('a folder planted at the old temporary name is not adopted', () => {
    const out = path.join(dir, 'pack-planted');
    const r = exportWithPlant(out, 'mkdir "$OUT.tmp-$$" && echo planted > "$OUT.tmp-$$/certs-extra.pem"');
    expect(r.status, r.stderr).toBe(0);
    expect(existsSync(path.join(out, 'certs-extra.pem'))).toBe(false);
    expect(packFiles(out)).toEqual(packFiles(pack));
    // The planted folder is left as it was: not ours to touch.
    const planted = readdirSync(dir).filter((f) => f.startsWith('pack-planted.tmp-'));
    expect(planted).toHaveLength(1);
    expect(readdirSync(path.join(dir, planted[0]!))).toEqual(['certs-extra.pem']);
  });

  it('refuses an existing target of any kind — folder, file, link, dangling link — and leaves it as it was', () => {
    const victim = mkdtempSync(path.join(dir, 'victim2-'));
    const targets: [string, (p: string) => void][] = [
      ['folder', (p) => mkdirSync(p)],
      ['file', (p) => writeFileSync(p, 'mine')],
      ['link', (p) => symlinkSync(victim, p)],
      ['dangling link', (p) => symlinkSync(path.join(dir, 'nowhere'), p)],
    ];
    for (const [what, make] of targets) {
      const out = path.join(dir, `existing-${what.replace(/ /g, '-')}`);
      make(out);
      const r = exportWithPlant(out, ':');
      expect(r.status, `${what}: ${r.stderr}`).toBe(2);
      expect(r.stderr, what).toMatch(/^tsproof: error: .* already exists$/m);
      expect(readdirSync(victim), what).toEqual([]);
    }
    expect(readdirSync(dir).filter((f) => f.startsWith('.existing-'))).toEqual([]);
  });
});

// Keep the fingerprint helper honest against OpenSSL's own.
it('fingerprints agree with openssl x509 -fingerprint -sha256', () => {
  const r = ossl(['x509', '-in', ROOT_CA, '-noout', '-fingerprint', '-sha256']);
  expect(r.stdout.split('=')[1]!.trim().replace(/:/g, '').toLowerCase()).toBe(fingerprint(ROOT_CA));
  expect(
    createHash('sha256')
      .update(parseCertificates(readFileSync(ROOT_CA), 'root')[0]!.der)
      .digest('hex'),
  ).toBe(fingerprint(ROOT_CA));
});
