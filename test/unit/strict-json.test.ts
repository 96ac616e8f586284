/**
 * Issue 11: evidence with one reading. A signed manifest naming a key twice was accepted (tsproof
 * and verify.sh then disagreed about what it registers); receipts may not repeat keys either, the
 * manifest bytes must be exactly their canonical form, and the fields reserved in version 1 empty.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuplicateKeyError, parseStrictJson } from '../../src/core/receipt/strict-json.js';
import { canonicalJson, decodeManifest } from '../../src/core/receipt/manifest.js';
import { parseReceiptJson, receiptProblems, serializeReceipt, type Receipt } from '../../src/core/receipt/receipt.js';
import { verifyReceipt } from '../../src/core/verify/receipt.js';
import { bundledTsa } from '../helpers/setup.js';
import { party } from '../helpers/fixtures.js';
import { resigned, signedReceipt } from '../helpers/hostile.js';

describe('strict JSON for evidence (one reading)', () => {
  it('refuses a repeated key at any depth, also when spelled with escapes', () => {
    for (const [text, key] of [
      ['{"a":1,"a":2}', 'a'],
      ['{"x":[{"n":"q"},{"n":"a.txt","n":"b.txt"}]}', 'n'],
      ['{"name":1,"\\u006eame":2}', 'name'],
      ['{"a":{"b":{"c":1,"c":1}}}', 'c'],
    ] as const) {
      expect(() => parseStrictJson(text), text).toThrow(DuplicateKeyError);
      try {
        parseStrictJson(text);
      } catch (err) {
        expect((err as DuplicateKeyError).key).toBe(key);
      }
    }
  });

  it('accepts what JSON.parse accepts when no object repeats a key, whatever the strings hold', () => {
    for (const text of ['{}', '[]', '"a:b"', '{"a":"x\\":y","b":["\\\\",":",{"c":":"}],"d":{"a":1}}', '[{"a":1},{"a":1}]', ' { "k" : "v" } ']) {
      expect(parseStrictJson(text), text).toEqual(JSON.parse(text));
    }
    expect(() => parseStrictJson('{"a":')).toThrow(SyntaxError);
  });
});

describe('receipts and manifests with more than one reading (issue 11)', () => {
  let tsa: Awaited<ReturnType<typeof bundledTsa>>;
  let receipt: Receipt;
  const anchors = () => [party('root-ca').cert];
  const checks = (r: Receipt) => verifyReceipt(r, { anchors: anchors(), now: new Date() }).checks;
  const failed = (r: Receipt) => checks(r).filter((c) => !c.ok);
  /** The manifest is refused although the holder's signature over it is valid (what fails after follows from it: no TSA list, no proven time). */
  const refusedManifest = (r: Receipt) => {
    expect(checks(r).find((c) => c.id === 'signature.signature')?.ok).toBe(true);
    return failed(r)[0]!;
  };

  beforeAll(async () => {
    tsa = await bundledTsa('tsa-ec');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'tsproof-reading-'));
    writeFileSync(path.join(dir, 'a.txt'), 'registered content\n');
    receipt = await signedReceipt({ files: [{ absolute: path.join(dir, 'a.txt'), name: 'a.txt' }], tsaUrl: tsa.url });
  });
  afterAll(() => tsa.close());

  it('a validly signed manifest that repeats a key fails manifest.format (it verified before)', async () => {
    const canonical = Buffer.from(receipt.manifest, 'base64').toString('utf8');
    const m = JSON.parse(canonical);
    // Two roots: JSON.parse reads the second (the real one); a reader taking the first sees another batch.
    const twoRoots = canonical.replace('"root":', `"root":"${'0'.repeat(64)}","root":`);
    expect(JSON.parse(twoRoots).merkle.root).toBe(m.merkle.root);
    const r = await resigned(receipt, Buffer.from(twoRoots), tsa.url);
    const first = refusedManifest(r);
    expect(`${first.id}: ${first.detail}`).toBe('manifest.format: manifest names the key "root" twice in one object: it has more than one reading');
    expect(decodeManifest(Buffer.from(twoRoots)).manifest).toBeUndefined();
  });

  it('a validly signed manifest that is not byte for byte its canonical form fails manifest.format', async () => {
    const m = JSON.parse(Buffer.from(receipt.manifest, 'base64').toString('utf8'));
    for (const text of [JSON.stringify(m, null, 1), `\ufeff${canonicalJson(m)}`, canonicalJson(m).replace('"version":1', '"version":1.0'), JSON.stringify({ version: 1, ...m })]) {
      const r = await resigned(receipt, Buffer.from(text), tsa.url);
      expect(refusedManifest(r).id, text).toBe('manifest.format');
    }
    expect(failed(await resigned(receipt, Buffer.from(canonicalJson(m)), tsa.url))).toEqual([]);
  });

  it('a receipt that repeats a key is bad input naming the key', () => {
    const text = serializeReceipt(receipt).replace('"name":"a.txt"', '"name":"a.txt","name":"b.txt"');
    expect(() => parseReceiptJson(text, 'r.json')).toThrow(/r\.json: not a receipt: an object names the key "name" twice/);
  });

  it('renewals and revocation entries have exactly their documented fields', () => {
    const renewal = { tsa: 'http://127.0.0.1/', archiveTimeStamp: 'MAA=', certificates: [] };
    expect(receiptProblems({ ...receipt, renewals: [renewal] })).toEqual([]);
    const renewalCases: [unknown, RegExp][] = [
      [{}, /^renewals: expected an array/],
      [['x'], /^renewals\[0\]: expected an object/],
      [[{ ...renewal, note: 1 }], /^renewals\[0\]\.note: unexpected field/],
      [[{ ...renewal, archiveTimeStamp: '' }], /^renewals\[0\]\.archiveTimeStamp: expected a base64 string/],
      [[{ ...renewal, certificates: [1] }], /^renewals\[0\]\.certificates: expected an array of base64 strings/],
    ];
    for (const [bad, want] of renewalCases) expect(receiptProblems({ ...receipt, renewals: bad }).map(String), JSON.stringify(bad)).toEqual([expect.stringMatching(want)]);
    const ok = { certificate: 'ab'.repeat(32), type: 'ocsp', source: 'http://127.0.0.1/', data: 'MAA=' };
    expect(receiptProblems({ ...receipt, revocation: [ok] })).toEqual([]);
    const cases: [unknown, RegExp][] = [
      [{}, /^revocation: expected an array/],
      ['none', /^revocation: expected an array/],
      [['x'], /^revocation\[0\]: expected an object/],
      [[{ ...ok, type: 'scvp' }], /^revocation\[0\]\.type: expected "ocsp" or "crl"/],
      [[{ ...ok, certificate: 'AB'.repeat(32) }], /^revocation\[0\]\.certificate: expected the certificate's SHA-256/],
      [[{ ...ok, data: '' }], /^revocation\[0\]\.data: expected a base64 string/],
      [[{ ...ok, note: 1 }], /^revocation\[0\]\.note: unexpected field/],
    ];
    for (const [bad, want] of cases) expect(receiptProblems({ ...receipt, revocation: bad }).map(String), JSON.stringify(bad)).toEqual([expect.stringMatching(want)]);
    expect(receiptProblems(receipt)).toEqual([]);
  });
});
