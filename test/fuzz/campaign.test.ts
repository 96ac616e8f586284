/**
 * CI's fuzzing: every target for a bounded time (60 s in all, split between them), with a fixed
 * seed so that a failure reproduces (`npm run fuzz -- --total 60 --seed 20261204`). Longer
 * campaigns with random seeds: `npm run fuzz` (docs/testing.md#fuzzing).
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { expect, it } from 'vitest';
import { ROOT } from '../helpers/fixtures.js';

const SECONDS = Number(process.env.TSPROOF_FUZZ_SECONDS ?? 60);

it(
  `every fuzz target keeps its contract for ${SECONDS} s in all`,
  () => {
    const r = spawnSync(process.execPath, [path.join(ROOT, 'fuzz', 'run.ts'), '--total', String(SECONDS), '--seed', '20261204', '--quiet', '--out', path.join(ROOT, 'fuzz', 'findings')], {
      encoding: 'utf8',
      timeout: (SECONDS + 120) * 1000,
    });
    process.stdout.write(r.stdout);
    expect(r.stderr).toBe('');
    expect(r.status, r.stdout).toBe(0);
    expect(r.stdout).toMatch(/fuzz: \d+ inputs, 0 finding\(s\)/);
  },
  (SECONDS + 150) * 1000,
);
