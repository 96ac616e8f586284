/**
 * Escrow's core pieces: the tar writer and streaming reader (against GNU tar and busybox), the
 * CMS envelope reader on hostile input, recipients that cannot receive, tampering caught by the
 * GCM tag and the GMAC, and the archive check's findings. End-to-end runs and the OpenSSL and
 * Bouncy Castle oracles are in test/cli/escrow.test.ts.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { END_OF_ARCHIVE, fileHeader, padding } from '../../src/core/escrow/tar-write.js';
import { safeRelativeName, TarError, TarReader, type TarMember } from '../../src/core/escrow/tar-read.js';
import { decryptContent, envelopeHead, envelopeTail, macAttributeValue, readLayout } from '../../src/core/escrow/envelope.js';
import { openContentKey, recipientInfo, recipientOf } from '../../src/core/escrow/recipients.js';
import { SEGMENT, sealFiles, type ContentCipherName, type SealFile } from '../../src/core/escrow/seal-stream.js';
import { SealFailed, sealInWorker } from '../../src/core/escrow/seal.js';
import { ArchiveCheck } from '../../src/core/escrow/archive.js';
import { problemText } from '../../src/core/escrow/unseal.js';
import { displaySafe } from '../../src/core/display.js';
import { attribute } from '../../src/core/cms/build.js';
import { der } from '../../src/core/asn1/der.js';
import { ESCROW_MAC_ATTRIBUTE } from '../../src/core/asn1/oids.js';
import { InputError, VerificationError } from '../../src/core/errors.js';
import { buildCertificate } from '../../src/core/pki/build.js';
import { makeRecipient, makeRecipients } from '../helpers/escrow.js';
import { party } from '../helpers/fixtures.js';

let dir: string;
let r: ReturnType<typeof makeRecipients>;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'tsproof-escrow-unit-'));
  r = makeRecipients(dir);
});

/** A tar archive of (name, content) pairs, as the deposit writer lays it out. */
function tarOf(files: [string, Buffer][]): Buffer {
  const parts: Buffer[] = [];
  for (const [name, b] of files) parts.push(fileHeader({ name, size: b.length, mode: 0o644, mtime: 1_700_000_000 }), b, Buffer.alloc(padding(b.length)));
  parts.push(Buffer.alloc(END_OF_ARCHIVE));
  return Buffer.concat(parts);
}

/** Reads an archive in pieces of `piece` bytes; returns members and their contents. */
async function readTar(bytes: Buffer, piece = 777): Promise<{ member: TarMember; content: Buffer }[]> {
  const out: { member: TarMember; content: Buffer }[] = [];
  let parts: Buffer[] = [];
  const reader = new TarReader({
    begin: () => void (parts = []),
    data: (c) => void parts.push(Buffer.from(c)),
    end: (m) => void out.push({ member: m, content: Buffer.concat(parts) }),
  });
  for (let i = 0; i < bytes.length; i += piece) await reader.push(bytes.subarray(i, i + piece));
  reader.finish();
  return out;
}

const LONG = `${'폴더/'.repeat(20)}${'x'.repeat(120)}.bin`;
const NAMES = ['a.txt', '설계/도면 1.step', LONG, `${'d'.repeat(99)}`, 'empty'];

describe('tar', () => {
  it('writes what GNU tar and busybox list, and reads it back in any piece size', async () => {
    const files = NAMES.map((n, i): [string, Buffer] => [n, n === 'empty' ? Buffer.alloc(0) : randomBytes(100 + i * 600)]);
    const tar = tarOf(files);
    const p = path.join(dir, 'ours.tar');
    writeFileSync(p, tar);
    expect(execFileSync('tar', ['-tf', p], { encoding: 'utf8' }).trim().split('\n')).toEqual(NAMES);
    expect(execFileSync('busybox', ['tar', '-tf', p], { encoding: 'utf8' }).trim().split('\n')).toEqual(NAMES);
    for (const piece of [1, 511, 512, 4096, 1 << 20]) {
      const got = await readTar(tar, piece);
      expect(got.map((g) => g.member.name)).toEqual(NAMES);
      got.forEach((g, i) => expect(g.content.equals(files[i]![1])).toBe(true));
    }
  });

  it("carries sizes beyond ustar's 8 GiB in a pax header", async () => {
    const size = 9 * 1024 ** 3 + 7;
    const header = fileHeader({ name: 'huge.bin', size, mode: 0o644, mtime: 0 });
    const seen: TarMember[] = [];
    const reader = new TarReader({ begin: (m) => void seen.push(m), data: () => undefined, end: () => undefined });
    await reader.push(header);
    expect(seen[0]).toMatchObject({ name: 'huge.bin', size, kind: 'file' });
  });

  it.each(['gnu', 'ustar', 'pax', 'busybox'])('reads what %s writes: long names, folders, links', async (format) => {
    const src = mkdtempSync(path.join(dir, `src-${format}-`));
    const deep = format === 'ustar' ? `${'p'.repeat(60)}/${'q'.repeat(60)}/file.txt` : LONG;
    mkdirSync(path.join(src, path.dirname(deep)), { recursive: true });
    writeFileSync(path.join(src, deep), 'deep');
    writeFileSync(path.join(src, 'plain.txt'), 'plain');
    execFileSync('ln', ['-s', 'plain.txt', path.join(src, 'link')]);
    const out = path.join(dir, `${format}.tar`);
    if (format === 'busybox') execFileSync('busybox', ['tar', '-cf', out, '-C', src, '.']);
    else execFileSync('tar', [`--format=${format}`, '-cf', out, '-C', src, '.']);
    const got = await readTar(readFileSync(out));
    const names = got.map((g) => `${g.member.kind} ${safeRelativeName(g.member.name) ?? '(escapes)'}`);
    expect(names).toContain(`file ${deep}`);
    expect(names).toContain('file plain.txt');
    expect(names).toContain('symlink link');
    expect(got.find((g) => safeRelativeName(g.member.name) === deep)!.content.toString()).toBe('deep');
  });

  it('refuses damaged and hostile archives', async () => {
    const good = tarOf([['a.txt', Buffer.from('hello')]]);
    const bad = Buffer.from(good);
    bad[0] ^= 1;
    await expect(readTar(bad)).rejects.toThrow(/checksum does not match/);
    await expect(readTar(good.subarray(0, 512 + 3))).rejects.toThrow(/truncated \(it ends inside "a\.txt"\)/);
    await expect(readTar(Buffer.concat([good, Buffer.from('x')]))).rejects.toThrow(/data after the end of the archive/);
    const huge = fileHeader({ name: 'x', size: 0, mode: 0o644, mtime: 0 });
    huge[156] = 'x'.charCodeAt(0); // a pax header claiming 2 MiB
    huge.write('00010000000\0', 124, 'latin1');
    huge.fill(0x20, 148, 156);
    let sum = 0;
    for (const b of huge) sum += b;
    huge.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
    await expect(readTar(huge)).rejects.toThrow(TarError);
    await expect(readTar(huge)).rejects.toThrow(/extended tar header of 2097152 bytes/);
  });

  it('judges names: absolute and ".." escape; "." and empty parts are dropped', () => {
    expect(safeRelativeName('/etc/passwd')).toBeUndefined();
    expect(safeRelativeName('a/../../b')).toBeUndefined();
    expect(safeRelativeName('..')).toBeUndefined();
    expect(safeRelativeName('')).toBeUndefined();
    expect(safeRelativeName('./')).toBeUndefined();
    expect(safeRelativeName('./a//b/')).toBe('a/b');
    expect(safeRelativeName('a/./b')).toBe('a/b');
    expect(safeRelativeName('..a/b..')).toBe('..a/b..');
  });
});

describe('the archive check', () => {
  it('finds changed, missing, extra, duplicate and refused members, naming each', async () => {
    const entry = (name: string, b: Buffer) => ({ index: 0, name, size: b.length, salt: '00'.repeat(32), digests: { sha256: createHash('sha256').update(b).digest('hex') } });
    const a = Buffer.from('a'),
      b = Buffer.from('b'),
      c = Buffer.from('c');
    const check = new ArchiveCheck([entry('a', a), entry('b', b), entry('gone', c)], ['sha256']);
    const reader = new TarReader(check);
    await reader.push(
      tarOf([
        ['a', a],
        ['b', Buffer.from('B')],
        ['a', a],
        ['new', c],
        ['../up', c],
      ]),
    );
    reader.finish();
    check.finish();
    expect(check.results.map((x) => [x.name, x.status])).toEqual([
      ['a', 'matched'],
      ['b', 'modified'],
      ['a', 'extra'],
      ['new', 'extra'],
      ['../up', 'refused'],
      ['gone', 'missing'],
    ]);
  });

  it('names a hostile member safely when shown: control characters and bidi marks become escapes', async () => {
    const check = new ArchiveCheck([], ['sha256']);
    const reader = new TarReader(check);
    await reader.push(tarOf([['\u001b[2Jevil\u202etxt.exe', Buffer.from('x')]]));
    expect(problemText(check.results[0]!).render(undefined, displaySafe)).toBe('"\\x1b[2Jevil\\u202etxt.exe" is in the deposit but not registered (in the archive but not registered)');
  });
});

describe('recipients', () => {
  const now = new Date('2026-06-01T00:00:00Z');
  it('accept RSA, P-256 and P-384 certificates whose key usage allows the scheme', () => {
    expect(recipientOf(r.rsa.cert, now, 'rsa').kind).toBe('rsa-oaep');
    expect(recipientOf(r.p256.cert, now, 'p256').kind).toBe('ecdh-p256');
    expect(recipientOf(r.p384.cert, now, 'p384').kind).toBe('ecdh-p384');
  });

  it('refuse what cannot receive a deposit, with the reason', () => {
    const rsaSign = makeRecipient(dir, 'rsa-sign', 'RSA sign only', 'rsa', { keyUsage: ['digitalSignature'] });
    expect(() => recipientOf(rsaSign.cert, now, 'x')).toThrow(/keyEncipherment/);
    const expired = makeRecipient(dir, 'expired', 'Expired', 'p256', { from: new Date('2025-01-01T00:00:00Z'), until: new Date('2025-12-31T00:00:00Z') });
    expect(() => recipientOf(expired.cert, now, 'x')).toThrow(/expired on 2025-12-31/);
    const ca = party('holder-ca');
    const cert = (publicKey: ReturnType<typeof generateKeyPairSync>['publicKey']) =>
      buildCertificate({ subject: [['CN', 'odd']], publicKey, issuer: ca.cert, issuerKey: ca.key, serial: 77n, notBefore: new Date('2025-01-01T00:00:00Z'), notAfter: new Date('2030-01-01T00:00:00Z') });
    expect(() => recipientOf(cert(generateKeyPairSync('ed25519').publicKey), now, 'x')).toThrow(/cannot receive a deposit/);
    expect(() => recipientOf(cert(generateKeyPairSync('ec', { namedCurve: 'P-521' }).publicKey), now, 'x')).toThrow(/curve secp521r1 is not supported/);
    expect(() => recipientOf(cert(generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey), now, 'x')).toThrow(/1024 bits is too small/);
  });
});

/** A deposit-shaped envelope (no receipt) of one file for the given recipients, written on this thread. */
function envelope(name: string, cipher: ContentCipherName, content: Buffer, recipients = [r.rsa, r.p384]): string {
  const data = path.join(dir, `${name}.data`);
  writeFileSync(data, content);
  const st = statSync(data);
  const keys = { cipher, key: randomBytes(32), iv: randomBytes(cipher === 'aes-256-gcm' ? 12 : 16), macNonce: randomBytes(12) };
  const file = path.join(dir, `${name}.p7m`);
  writeFileSync(
    file,
    envelopeHead(
      cipher,
      recipients.map((x) => recipientInfo(recipientOf(x.cert, new Date(), x.name), keys.key)),
      keys.iv,
    ),
  );
  const fd = openSync(file, 'a');
  const f: SealFile = { path: data, name: 'file.bin', size: st.size, mode: 0o644, mtime: 0, ino: st.ino, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs };
  const sealed = sealFiles([f], fd, keys);
  closeSync(fd);
  writeFileSync(file, envelopeTail(cipher, sealed.tag, cipher === 'aes-256-cbc' ? [attribute(ESCROW_MAC_ATTRIBUTE, macAttributeValue(keys.macNonce, sealed.tag))] : []), { flag: 'a' });
  return file;
}

async function decrypt(file: string, who = r.p384): Promise<Buffer> {
  const fh = await open(file);
  try {
    const layout = await readLayout(fh, (await fh.stat()).size, path.basename(file));
    const parts: Buffer[] = [];
    await decryptContent(fh, layout, openContentKey(layout.recipientInfos, who.key, who.cert), (p) => void parts.push(Buffer.from(p)), createHash('sha256'), 'd');
    return Buffer.concat(parts);
  } finally {
    await fh.close();
  }
}

const flip = (file: string, at: (size: number) => number, out: string) => {
  const b = readFileSync(file);
  b[at(b.length)]! ^= 0x80;
  const p = path.join(dir, out);
  writeFileSync(p, b);
  return p;
};

describe('the envelope', () => {
  it.each(['aes-256-cbc', 'aes-256-gcm'] as const)('%s: round trip for each recipient, across segment boundaries', async (cipher) => {
    const content = randomBytes(2 * (1 << 20) + 4321);
    const file = envelope(`rt-${cipher}`, cipher, content, [r.rsa, r.p256, r.p384]);
    for (const who of [r.rsa, r.p256, r.p384]) {
      const tar = await decrypt(file, who);
      const got = await readTar(tar, 1 << 16);
      expect(got[0]!.content.equals(content)).toBe(true);
    }
  });

  it('a flipped ciphertext bit fails the GMAC (CBC) or the tag (GCM): VerificationError', async () => {
    const content = randomBytes(100_000);
    const cbc = envelope('tamper-cbc', 'aes-256-cbc', content);
    await expect(decrypt(flip(cbc, (n) => Math.floor(n / 2), 'tampered-cbc.p7m'))).rejects.toThrow(/MAC \(AES-256-GMAC\) does not match/);
    const gcm = envelope('tamper-gcm', 'aes-256-gcm', content);
    const bad = decrypt(flip(gcm, (n) => Math.floor(n / 2), 'tampered-gcm.p7m'));
    await expect(bad).rejects.toBeInstanceOf(VerificationError);
    await expect(decrypt(flip(gcm, (n) => Math.floor(n / 2), 'tampered-gcm2.p7m'))).rejects.toThrow(/authentication tag does not match/);
  });

  it('a deposit for someone else names its recipients (NOT_A_RECIPIENT)', async () => {
    const file = envelope('other', 'aes-256-cbc', Buffer.from('x'));
    await expect(decrypt(file, r.outsider)).rejects.toMatchObject({ code: 'NOT_A_RECIPIENT' });
  });

  it('refuses hostile structures before any key is used, as bad input', async () => {
    const file = envelope('base', 'aes-256-cbc', randomBytes(10_000));
    const bytes = readFileSync(file);
    const cases: [string, Buffer, RegExp][] = [
      ['empty', Buffer.alloc(0), /empty or truncated/],
      ['a PDF', Buffer.from('%PDF-1.7\n%âãÏÓ\n1 0 obj'), /not a CMS object/],
      ['truncated', bytes.subarray(0, bytes.length - 100), /is truncated/],
      ['trailing', Buffer.concat([bytes, Buffer.from([0, 0, 0])]), /after its end/],
      // A 6-byte length (~280 TB) on the outer SEQUENCE of a tiny file: truncated, not an allocation.
      ['huge-length', Buffer.from([0x30, 0x86, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x06, 0x01]), /truncated/],
      ['signed-data', Buffer.from(der.sequence(der.oid('1.2.840.113549.1.7.2'), der.explicit(0, der.sequence(der.integer(1))))), /not an encrypted deposit/],
      ['deep', nested(bytes, 12), /nests too deeply/],
    ];
    for (const [name, b, re] of cases) {
      const p = path.join(dir, `hostile-${name}.p7m`);
      writeFileSync(p, b);
      const fh = await open(p);
      try {
        const err = await readLayout(fh, b.length, name).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(err, name).toBeInstanceOf(InputError);
        expect((err as InputError).code, name).toBe('MALFORMED_DEPOSIT');
        expect(String((err as Error).message), name).toMatch(re);
      } finally {
        await fh.close();
      }
    }
  });
});

/** The envelope with its first content segment wrapped in `depth` constructed OCTET STRINGs. */
function nested(envelopeBytes: Buffer, depth: number): Buffer {
  const at = envelopeBytes.indexOf(Buffer.from([0xa0, 0x80, 0x04]));
  let seg: Buffer = Buffer.from([0x04, 0x01, 0x00]);
  for (let i = 0; i < depth; i++) seg = Buffer.concat([Buffer.from([0x24, 0x80]), seg, Buffer.from([0, 0])]);
  return Buffer.concat([envelopeBytes.subarray(0, at + 2), seg, Buffer.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0])]);
}

describe('a file that changes while it is sealed', () => {
  it('is refused', () => {
    const data = path.join(dir, 'moving.bin');
    writeFileSync(data, randomBytes(1000));
    const st = statSync(data);
    writeFileSync(data, randomBytes(1000)); // same size, new content, new change time
    const fd = openSync(path.join(dir, 'moving.p7m'), 'w');
    try {
      expect(() => sealFiles([{ path: data, name: 'm', size: st.size, mode: 0o644, mtime: 0, ino: st.ino, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs - 1 }], fd, { cipher: 'aes-256-gcm', key: randomBytes(32), iv: randomBytes(12) })).toThrow(
        /changed/,
      );
    } finally {
      closeSync(fd);
    }
  });
});

describe("the deposit's sealing pipeline (seal.ts: the worker reads and encrypts, this thread hashes and writes)", () => {
  const sealFile = (p: string, name: string): SealFile => {
    const st = statSync(p);
    return { path: p, name, size: st.size, mode: 0o644, mtime: 0, ino: st.ino, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs };
  };
  /** Files around the segment boundaries and more than the shared slots hold (8 segments), some empty or tiny. */
  function corpus(tag: string): SealFile[] {
    const sizes = [0, 1, SEGMENT - 512, SEGMENT, 3 * SEGMENT + 7, 511, 0, 6 * SEGMENT + 1234, ...Array.from({ length: 40 }, (_, i) => 1 + i * 97)];
    return sizes.map((size, i) => {
      const p = path.join(dir, `${tag}-${i}.bin`);
      writeFileSync(p, randomBytes(size));
      return sealFile(p, `${tag}/${i}.bin`);
    });
  }

  for (const cipher of ['aes-256-cbc', 'aes-256-gcm'] as const) {
    it(`writes byte for byte what the sealing loop writes alone, and hashes exactly the files (${cipher})`, async () => {
      const files = corpus(`pipe-${cipher}`);
      const keys = { cipher, key: randomBytes(32), iv: randomBytes(cipher === 'aes-256-gcm' ? 12 : 16), macNonce: randomBytes(12) };
      const alone = path.join(dir, `pipe-${cipher}.alone`);
      const fd = openSync(alone, 'w');
      const expected = sealFiles(files, fd, keys);
      closeSync(fd);
      const piped = path.join(dir, `pipe-${cipher}.piped`);
      writeFileSync(piped, 'head'); // appended after what is there
      const s = sealInWorker(files, piped, keys, ['sha256', 'sha512']);
      const [result, digests] = await Promise.all([s.done, s.digests]);
      expect(result).toEqual(expected);
      expect(readFileSync(piped).equals(Buffer.concat([Buffer.from('head'), readFileSync(alone)]))).toBe(true);
      expect(digests).toEqual(
        files.map((f) => {
          const b = readFileSync(f.path);
          return { size: b.length, digests: { sha256: createHash('sha256').update(b).digest('hex'), sha512: createHash('sha512').update(b).digest('hex') } };
        }),
      );
      expect(s.progress()).toEqual({ bytes: files.reduce((n, f) => n + f.size, 0), files: files.length });
    });
  }

  it('fails, digests included, when a file changed since the snapshot; a cancelled sealing ends', async () => {
    const files = corpus('pipe-changed');
    const moved = files[5]!;
    writeFileSync(moved.path, randomBytes(moved.size)); // same size, new content, new change time
    const keys = { cipher: 'aes-256-gcm' as const, key: randomBytes(32), iv: randomBytes(12) };
    const s = sealInWorker(files, path.join(dir, 'pipe-changed.p7m'), keys, ['sha256']);
    await expect(s.done).rejects.toThrow(SealFailed);
    await expect(s.done.catch((e: SealFailed) => e.failure)).resolves.toEqual({ kind: 'changed', index: 5 });
    await expect(s.digests).rejects.toThrow(SealFailed);

    const c = sealInWorker(corpus('pipe-cancel'), path.join(dir, 'pipe-cancel.p7m'), keys, ['sha256']);
    await c.cancel();
    await expect(c.done).rejects.toThrow();
    await expect(c.digests).rejects.toThrow();
  });
});

describe.runIf(spawnSync('openssl', ['version']).status === 0)('OpenSSL reads each envelope form', () => {
  it('opens the CBC form for every recipient type', () => {
    const content = randomBytes(50_000);
    const file = envelope('ossl', 'aes-256-cbc', content, [r.rsa, r.p256, r.p384]);
    for (const who of [r.rsa, r.p256, r.p384]) {
      const tar = execFileSync('openssl', ['cms', '-decrypt', '-binary', '-inform', 'DER', '-in', file, '-inkey', who.keyPem, '-recip', who.certPem]);
      expect(tar.subarray(512, 512 + content.length).equals(content)).toBe(true);
    }
  });
});
