/**
 * Every artifact of the real-world corpus through `tsproof ts verify` (the built CLI), at the
 * token's own time, under both policies (scripts/interop-harness.ts). Good tokens verify under
 * the compatible policy; known-bad ones fail for the reason their name gives, or the
 * difference is explained (scripts/interop-expectations.ts, docs/interop.md).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CORPUS, loadRows, runArtifact } from '../../scripts/interop-harness.ts';
import { knownBad, UNVERIFIABLE } from '../../scripts/interop-expectations.ts';
import { BIN } from '../helpers/cli.js';

const present = existsSync(path.join(CORPUS, 'manifest.json'));
if (!present) console.warn(`SKIPPED: interop verdict tests — ${CORPUS} not found (CI always has ../shared)`);

describe.skipIf(!present)('every real-world artifact through tsproof ts verify', () => {
  const rows = present ? loadRows() : [];
  it('covers all 143 artifacts', () => expect(rows.length).toBe(143));

  for (const row of rows) {
    it(row.path, () => {
      const o = runArtifact(row);
      // Never a crash: a JSON verdict (exit 0 or 1) for everything tsproof can read.
      expect([0, 1]).toContain(o.strict.exit);
      expect([0, 1]).toContain(o.compatible.exit);
      // Strict is never more lenient than compatible.
      if (o.strict.ok) expect(o.compatible.ok).toBe(true);
      const failedIds = (x: typeof o.strict) => x.failed.map((c) => c.id);
      const bad = knownBad(row.path);
      const unverifiable = Object.keys(UNVERIFIABLE).find((k) => row.path.includes(k));
      if (bad) {
        for (const id of bad.fails ?? []) {
          expect(failedIds(o.strict)).toContain(id);
          expect(failedIds(o.compatible)).toContain(id);
        }
        for (const id of bad.strictFails ?? []) expect(failedIds(o.strict)).toContain(id);
        if (row.path.includes('injected-certs')) expect(o.signer).not.toMatch(/Spoofed/);
        if (!bad.fails?.length) expect(bad.explain ?? bad.strictFails).toBeDefined();
      } else if (unverifiable) {
        expect(o.compatible.ok).toBe(false);
      } else if (o.trustMode === 'none') {
        // No certificate anywhere: the signature cannot be checked, so never "valid".
        expect(failedIds(o.compatible)).toContain('timestamp.signer-certificate');
      } else if (row.path.includes('untrusted-tsa')) {
        // Fails upstream because FreeTSA is not in the conformance trust root. tsproof never
        // trusts a root embedded in a token: without an explicit anchor the chain fails.
        const r = spawnSync(process.execPath, [BIN, 'ts', 'verify', '--token', path.join(CORPUS, row.path), '--data', path.join(CORPUS, row.path.replace(/\.tsr$/, '.imprint-input.bin')), '--json'], {
          env: { PATH: process.env.PATH, TSPROOF_HOME: path.join(os.tmpdir(), 'tsproof-no-trust') },
          encoding: 'utf8',
        });
        expect(r.status).toBe(1);
        expect(JSON.parse(r.stdout).results[0].checks.find((c: { id: string }) => c.id === 'timestamp.chain').ok).toBe(false);
      } else if (row.path.endsWith('_fail.tsr')) {
        expect(o.compatible.ok).toBe(false);
      } else {
        expect(o.compatible.failed, JSON.stringify(o.compatible.failed)).toEqual([]);
      }
    });
  }
});
