/**
 * Evidence packs read back as receipts (src/core/receipt/source.ts) and the zip reader under
 * them (src/core/io/unzip.ts): a pack as tsproof writes it (folder and zip) and as another zip
 * tool re-packs it (Python's zipfile, deflated, no UTF-8 flag games) is the same receipt and
 * verifies; a damaged or hostile zip is bad input (exit 2), never a crash or a huge allocation.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildEvidencePack } from '../../src/core/export/evidence.js';
import { InputError } from '../../src/core/errors.js';
import { zip } from '../../src/core/io/zip.js';
import { unzip } from '../../src/core/io/unzip.js';
import { loadReceiptSource, looksLikeReceipt } from '../../src/core/receipt/source.js';
import { serializeReceipt, type Receipt } from '../../src/core/receipt/receipt.js';
import { verifyReceipt } from '../../src/core/verify/receipt.js';
import { bundledTsa } from '../helpers/setup.js';
import { party } from '../helpers/fixtures.js';
import { signedReceipt } from '../helpers/hostile.js';

let tsa: Awaited<ReturnType<typeof bundledTsa>>;
let dir: string;
let receipt: Receipt;
let pack: { path: string; data: Uint8Array | string; executable?: boolean }[];
const anchors = () => [party('root-ca').cert];

beforeAll(async () => {
  tsa = await bundledTsa('tsa-ec');
  dir = mkdtempSync(path.join(os.tmpdir(), 'tsproof-source-'));
  mkdirSync(path.join(dir, 'src'));
  const files = ['a.txt', 'b.txt', 'c.txt'].map((n, i) => {
    writeFileSync(path.join(dir, 'src', n), `file ${i}\n`);
    return { absolute: path.join(dir, 'src', n), name: `proj/${n}` };
  });
  receipt = await signedReceipt({ files, tsaUrl: tsa.url });
  const p = buildEvidencePack(receipt, { anchors: anchors(), now: new Date(), tool: 'test' });
  pack = p.files!;
});
afterAll(async () => {
  await tsa.close();
  rmSync(dir, { recursive: true, force: true });
});

function writeFolder(at: string, files: typeof pack): void {
  for (const f of files) {
    mkdirSync(path.dirname(path.join(at, f.path)), { recursive: true });
    writeFileSync(path.join(at, f.path), f.data);
  }
}

const code = (f: () => unknown) => {
  try {
    f();
  } catch (err) {
    return err instanceof InputError ? err.code : `not an InputError: ${String(err)}`;
  }
  return 'no error';
};

describe('an evidence pack read back as a receipt', () => {
  it('folder and zip give the receipt the pack was made from, which verifies; the pack’s anchors are candidates only', async () => {
    const folder = path.join(dir, 'pack');
    writeFolder(folder, pack);
    const zipped = path.join(dir, 'pack.zip');
    writeFileSync(
      zipped,
      zip(
        pack.map((f) => ({ ...f, path: `pack/${f.path}` })),
        new Date(),
      ),
    );
    for (const [where, kind] of [
      [folder, 'pack-folder'],
      [zipped, 'pack-zip'],
    ] as const) {
      const loaded = await loadReceiptSource(where);
      expect(loaded.kind).toBe(kind);
      const r = loaded.receipt;
      expect({ id: r.id, manifest: r.manifest, signature: r.signature }).toEqual({ id: receipt.id, manifest: receipt.manifest, signature: receipt.signature });
      expect(r.timestamps).toEqual(receipt.timestamps);
      expect(r.entries.map((e) => [e.index, e.name, e.size, e.digests, e.salt])).toEqual(receipt.entries.map((e) => [e.index, e.name, e.size, e.digests, e.salt]));
      expect(r.entries.every((e) => e.proof?.length)).toBe(true);
      expect(loaded.certificates.map((c) => c.subject)).toContain('CN=root-ca, O=tsproof test, C=KR');
      expect(verifyReceipt(r, { anchors: anchors(), now: new Date() })).toMatchObject({ ok: true, reason: 'verified' });
      // Not trusted because the pack carries it: without anchors, the verdict is a trust decision to make.
      const fresh = verifyReceipt(r, { anchors: [], now: new Date(), extraCertificates: loaded.certificates });
      expect(fresh.reason).toBe('untrusted-anchor');
      expect(fresh.untrusted?.map((u) => u.for).sort()).toEqual(['holder', 'tsa']);
      expect(await looksLikeReceipt(where)).toBe(true);
    }
    // Re-packed by another zip tool, deflated, at the top of the archive.
    const other = path.join(dir, 'python.zip');
    execFileSync('python3', [
      '-c',
      'import sys, zipfile, os\nwith zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:\n  for root, _, files in os.walk(sys.argv[2]):\n    for f in files:\n      p = os.path.join(root, f); z.write(p, os.path.relpath(p, sys.argv[2]))',
      other,
      folder,
    ]);
    const py = await loadReceiptSource(other);
    expect(py.receipt.signature).toBe(receipt.signature);
    expect(verifyReceipt(py.receipt, { anchors: anchors(), now: new Date() }).ok).toBe(true);
  });

  it('a pack without its URL files (written before they existed) takes the URL from the manifest', async () => {
    const folder = path.join(dir, 'old-pack');
    writeFolder(
      folder,
      pack.filter((f) => !f.path.endsWith('.url')),
    );
    const r = (await loadReceiptSource(folder)).receipt;
    expect(r.timestamps.map((t) => t.tsa)).toEqual([tsa.url]);
    expect(verifyReceipt(r, { anchors: anchors(), now: new Date() }).ok).toBe(true);
  });

  it('a receipt file is what it was; other things are told apart', async () => {
    const file = path.join(dir, 'named-anyhow.json');
    writeFileSync(file, serializeReceipt(receipt));
    const loaded = await loadReceiptSource(file);
    expect(loaded).toMatchObject({ kind: 'receipt', certificates: [] });
    expect(await looksLikeReceipt(file)).toBe(true);
    const plain = path.join(dir, 'plain.zip');
    writeFileSync(plain, zip([{ path: 'x/readme.txt', data: 'hello' }], new Date()));
    expect(await looksLikeReceipt(plain)).toBe(false);
    await expect(loadReceiptSource(plain)).rejects.toMatchObject({ code: 'MALFORMED_RECEIPT', message: expect.stringContaining('holds no evidence pack') });
    await expect(loadReceiptSource(path.join(dir, 'src'))).rejects.toMatchObject({ code: 'MALFORMED_RECEIPT', message: expect.stringContaining('not an evidence pack') });
    await expect(loadReceiptSource(path.join(dir, 'nothing-here'))).rejects.toMatchObject({ code: 'RECEIPT_NOT_FOUND' });
    expect(await looksLikeReceipt(path.join(dir, 'src', 'a.txt'))).toBe(false);
    // A pack whose entries are not entries is bad input.
    const broken = path.join(dir, 'broken-pack');
    writeFolder(
      broken,
      pack.map((f) => (f.path.endsWith('000000.json') ? { ...f, data: '{"name":1}' } : f)),
    );
    await expect(loadReceiptSource(broken)).rejects.toMatchObject({ code: 'MALFORMED_RECEIPT' });
  });
});

describe('the zip reader', () => {
  const good = () =>
    zip(
      [
        { path: 'a.txt', data: 'x'.repeat(1000) },
        { path: 'b.bin', data: new Uint8Array([1, 2, 3]) },
      ],
      new Date(),
    );

  it('reads what tsproof writes (deflated and stored)', () => {
    const z = unzip(good(), 'good.zip');
    expect(z.names).toEqual(['a.txt', 'b.bin']);
    expect(Buffer.from(z.read('a.txt')!).toString()).toBe('x'.repeat(1000));
    expect([...z.read('b.bin')!]).toEqual([1, 2, 3]);
    expect(z.read('c')).toBeUndefined();
  });

  it('refuses damaged and hostile archives as bad input', () => {
    const b = good();
    expect(code(() => unzip(b.subarray(0, b.length - 5), 'cut.zip'))).toBe('MALFORMED_RECEIPT');
    expect(code(() => unzip(new Uint8Array(100), 'zeros.zip'))).toBe('MALFORMED_RECEIPT');
    // A flipped byte of deflated data: inflation or CRC-32 catches it.
    const flipped = Buffer.from(b);
    flipped[40]! ^= 0xff;
    expect(code(() => unzip(flipped, 'x.zip').read('a.txt'))).toBe('MALFORMED_RECEIPT');
    // A bomb: the directory declares 10 bytes for 1000; inflation stops at 10 and fails.
    const bomb = Buffer.from(b);
    const cd = bomb.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    bomb.writeUInt32LE(10, cd + 24);
    expect(code(() => unzip(bomb, 'bomb.zip').read('a.txt'))).toBe('MALFORMED_RECEIPT');
    // More than the limits allow, encrypted, ZIP64: refused before anything is inflated.
    expect(code(() => unzip(b, 'x.zip', { entries: 1, entryBytes: 1 << 20, totalBytes: 1 << 20 }))).toBe('MALFORMED_RECEIPT');
    expect(code(() => unzip(b, 'x.zip', { entries: 10, entryBytes: 100, totalBytes: 1 << 20 }))).toBe('MALFORMED_RECEIPT');
    const enc = Buffer.from(b);
    enc.writeUInt16LE(enc.readUInt16LE(cd + 8) | 1, cd + 8);
    expect(code(() => unzip(enc, 'enc.zip'))).toBe('MALFORMED_RECEIPT');
    const z64 = Buffer.from(b);
    const eocd = z64.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
    z64.writeUInt32LE(0xffffffff, eocd + 16);
    expect(code(() => unzip(z64, 'z64.zip'))).toBe('MALFORMED_RECEIPT');
    // The same name twice would give two readings.
    const twice = zip(
      [
        { path: 'a', data: '1' },
        { path: 'a', data: '2' },
      ],
      new Date(),
    );
    expect(code(() => unzip(twice, 'twice.zip'))).toBe('MALFORMED_RECEIPT');
  });
});
