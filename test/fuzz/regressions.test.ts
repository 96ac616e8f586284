/**
 * Every input the fuzzing campaign found (fuzz/run.ts), kept once fixed: each goes through its
 * target again and must now keep the contract (fuzz/lib/target.ts) — only typed errors with
 * one-line messages, and no accepted mutation of signed bytes. test/fuzz/regressions/<target>/*.bin;
 * a README.md beside them says what each was.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { contractBreach, type Target } from '../../fuzz/lib/target.ts';
import { ROOT } from '../helpers/fixtures.js';

const DIR = path.join(ROOT, 'test', 'fuzz', 'regressions');
const targets = readdirSync(DIR, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name);

describe('fuzz findings stay fixed', () => {
  for (const name of targets) {
    const inputs = readdirSync(path.join(DIR, name)).filter((f) => f.endsWith('.bin'));
    it.each(inputs)(`${name}: %s`, async (file) => {
      const { target } = (await import(`../../fuzz/targets/${name}.ts`)) as { target: Target };
      await target.setup?.();
      let breach: string | undefined;
      try {
        await target.run(new Uint8Array(readFileSync(path.join(DIR, name, file))));
      } catch (err) {
        breach = contractBreach(err);
      }
      expect(breach).toBeUndefined();
    });
  }
});
