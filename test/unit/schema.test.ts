/**
 * The published JSON Schemas (docs/) and the loader agree: real receipts and manifests
 * validate against the schema, and documents the loader refuses are refused by the schema.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { register, type Registration } from '../../src/core/register.js';
import { collectFiles } from '../../src/core/io/files.js';
import { receiptProblems, serializeReceipt } from '../../src/core/receipt/receipt.js';
import { canonicalJson, decodeManifest } from '../../src/core/receipt/manifest.js';
import { party, ROOT } from '../helpers/fixtures.js';
import { alice, bundledTsa } from '../helpers/setup.js';

const ajv = new Ajv2020.default({ allErrors: true, strict: true });
const receiptSchema = ajv.compile(JSON.parse(readFileSync(path.join(ROOT, 'docs', 'receipt.schema.json'), 'utf8')));
const manifestSchema = ajv.compile(JSON.parse(readFileSync(path.join(ROOT, 'docs', 'manifest.schema.json'), 'utf8')));
let reg: Registration;
let tsa: Awaited<ReturnType<typeof bundledTsa>>;

beforeAll(async () => {
  tsa = await bundledTsa();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tsproof-schema-'));
  writeFileSync(path.join(dir, 'a.txt'), 'a');
  writeFileSync(path.join(dir, '나.bin'), randomBytes(10));
  const { files } = await collectFiles(['.'], dir);
  const r = await register({ files, algorithms: ['sha256', 'sha384'], identity: alice(), tsas: [{ url: tsa.url }], anchors: [party('root-ca').cert], now: () => new Date(), random: (n) => randomBytes(n) });
  if (r.kind !== 'registered') throw new Error('expected a registration');
  reg = r;
});
afterAll(() => tsa.close());

describe('docs/receipt.schema.json', () => {
  it('accepts a receipt tsproof wrote', () => {
    const r = JSON.parse(serializeReceipt(reg.receipt));
    expect(receiptSchema(r), JSON.stringify(receiptSchema.errors)).toBe(true);
  });

  const broken: [string, (r: any) => void][] = [
    ['missing id', (r) => delete r.id],
    ['wrong format', (r) => (r.format = 'x')],
    ['future version', (r) => (r.version = 2)],
    ['extra field', (r) => (r.note = 'hi')],
    ['timestamps not an array', (r) => (r.timestamps = {})],
    ['timestamp without token', (r) => delete r.timestamps[0].token],
    ['extra timestamp field', (r) => (r.timestamps[0].nonce = '1')],
    ['certificates not strings', (r) => (r.timestamps[0].certificates = [1])],
    ['revocation missing', (r) => delete r.revocation],
    ['revocation entry of an unknown type', (r) => (r.revocation = [{ certificate: 'ab'.repeat(32), type: 'scvp', source: 'http://x/', data: 'MAA=' }])],
    ['revocation entry with an unknown field', (r) => (r.revocation = [{ certificate: 'ab'.repeat(32), type: 'ocsp', source: 'http://x/', data: 'MAA=', note: 1 }])],
    ['entries missing', (r) => delete r.entries],
    ['entry without salt', (r) => delete r.entries[0].salt],
    ['entry with an unknown field', (r) => (r.entries[0].note = 1)],
  ];
  for (const [what, edit] of broken) {
    it(`and the loader both refuse: ${what}`, () => {
      const r = JSON.parse(serializeReceipt(reg.receipt));
      edit(r);
      expect(receiptSchema(r)).toBe(false);
      expect(receiptProblems(r).length).toBeGreaterThan(0);
    });
  }
});

describe('docs/manifest.schema.json', () => {
  it('accepts the manifest tsproof signed, and agrees with the loader on broken ones', () => {
    const m = JSON.parse(Buffer.from(reg.receipt.manifest, 'base64').toString('utf8'));
    expect(manifestSchema(m), JSON.stringify(manifestSchema.errors)).toBe(true);
    const edits: ((m: any) => void)[] = [(x) => (x.merkle.root = 'ABC'), (x) => (x.algorithms = ['md5']), (x) => (x.merkle.count = 0), (x) => delete x.merkle, (x) => (x.id = 'nope'), (x) => (x.files = [])];
    for (const e of edits) {
      const x = JSON.parse(JSON.stringify(m));
      e(x);
      expect(manifestSchema(x)).toBe(false);
      expect(decodeManifest(new Uint8Array(Buffer.from(JSON.stringify(x)))).problems.length).toBeGreaterThan(0);
    }
  });

  it('agrees with the loader on the optional meta: given values accepted, anything else refused by both', () => {
    const m = JSON.parse(Buffer.from(reg.receipt.manifest, 'base64').toString('utf8'));
    const decode = (x: unknown) => decodeManifest(new Uint8Array(Buffer.from(canonicalJson(x))));
    const good = { ...m, meta: { title: '설계 도면 v2', project: 'engine', tags: { team: 'cad', phase: '' }, classification: '대외비' } };
    expect(manifestSchema(good), JSON.stringify(manifestSchema.errors)).toBe(true);
    expect(decode(good).problems).toEqual([]);
    const bad = [{}, { title: '' }, { title: 'x'.repeat(1025) }, { owner: 'x' }, { tags: {} }, { tags: { k: 1 } }, { tags: Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`k${i}`, 'v'])) }, 'title'];
    for (const meta of bad) {
      expect(manifestSchema({ ...m, meta }), JSON.stringify(meta)).toBe(false);
      expect(decode({ ...m, meta }).problems.length, JSON.stringify(meta)).toBeGreaterThan(0);
    }
  });
});
