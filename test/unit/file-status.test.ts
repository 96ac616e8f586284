/**
 * Issue 11: the verification report PDF showed a modified file as matching. A file's status is now
 * read from what verification found (the CLI test reads the PDF back with pdftotext).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Receipt } from '../../src/core/receipt/receipt.js';
import { fileStatus, verifyFileAgainst, verifyReceipt } from '../../src/core/verify/receipt.js';
import { bundledTsa } from '../helpers/setup.js';
import { party } from '../helpers/fixtures.js';
import { signedReceipt } from '../helpers/hostile.js';

describe("a file's status in a verification report", () => {
  let tsa: Awaited<ReturnType<typeof bundledTsa>>;
  let receipt: Receipt;
  const anchors = () => [party('root-ca').cert];

  beforeAll(async () => {
    tsa = await bundledTsa('tsa-ec');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'tsproof-status-'));
    writeFileSync(path.join(dir, 'a.txt'), 'registered content\n');
    receipt = await signedReceipt({ files: [{ absolute: path.join(dir, 'a.txt'), name: 'a.txt' }], tsaUrl: tsa.url });
  });
  afterAll(() => tsa.close());

  it("a file's status is what verification found: matches, modified, not covered, not checked", () => {
    const rv = verifyReceipt(receipt, { anchors: anchors(), now: new Date() });
    const e = receipt.entries[0]!;
    expect(fileStatus(verifyFileAgainst(rv, 'a.txt', '/w/a.txt', { size: e.size, digests: e.digests }))).toBe('matches');
    expect(fileStatus(verifyFileAgainst(rv, 'a.txt', '/w/a.txt', { size: e.size, digests: { sha256: 'f'.repeat(64) } }))).toBe('modified');
    const many = { ...rv, entries: [...rv.entries, { ...e, name: 'b.txt', index: 1 }] };
    expect(fileStatus(verifyFileAgainst(many, 'c.txt', '/w/c.txt', { size: 1, digests: { sha256: 'f'.repeat(64) } }))).toBe('not covered');
    const broken = verifyReceipt({ ...receipt, entries: [{ ...e, size: e.size + 1 }] }, { anchors: anchors(), now: new Date() });
    expect(fileStatus(verifyFileAgainst(broken, 'a.txt', '/w/a.txt', { size: e.size, digests: e.digests }))).toBe('not checked');
  });

  // Issue 12: a receipt that covers another folder's part.step is not evidence that this one was tampered with.
  it('a wrong receipt is "not covered" (file.covered); a tampered file is "modified" (file.digest), which needs the same registered name', () => {
    const rv = verifyReceipt(receipt, { anchors: anchors(), now: new Date() });
    const e = receipt.entries[0]!;
    const other = { sha256: 'f'.repeat(64) };
    const nested = { ...rv, entries: [{ ...e, name: 'proj/a/part.step' }] };
    // The same registered name (the tail of the path): modified.
    const modified = verifyFileAgainst(nested, 'proj/a/part.step', '/home/me/proj/a/part.step', { size: e.size, digests: other });
    expect(modified.reason).toBe('modified');
    expect(modified.checks.filter((c) => !c.ok).map((c) => c.id)).toEqual(['file.digest']);
    // Only the base name in common, even as the receipt's only entry: not covered.
    for (const local of ['/home/me/proj/b/part.step', '/tmp/part.step']) {
      const r = verifyFileAgainst(nested, 'part.step', local, { size: e.size, digests: other });
      expect(r.reason).toBe('not-covered');
      expect(r.checks.filter((c) => !c.ok).map((c) => c.id)).toEqual(['file.covered']);
      expect(r.entry).toBeUndefined();
      expect(fileStatus(r)).toBe('not covered');
    }
    // Its content, under any name: the entry that has it.
    const renamed = verifyFileAgainst(nested, 'copy.step', '/tmp/copy.step', { size: e.size, digests: e.digests });
    expect(renamed.ok).toBe(true);
    expect(renamed.entry!.name).toBe('proj/a/part.step');
  });
});
