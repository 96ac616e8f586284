/**
 * Global set-up for `npm run test:coverage` (TSPROOF_CHILD_COVERAGE=<folder>; nothing otherwise):
 * every CLI process the tests spawn writes its V8 coverage into the folder as it exits
 * (NODE_V8_COVERAGE, see child-coverage-env.ts) — up to 2 MB each, of every script it loaded.
 * While the tests run, and once at the end, the files are read, cut down to tsproof's own dist/
 * scripts, merged into one (@bcoe/v8-coverage, as c8 and vitest do) and deleted, so a whole
 * suite's thousands of processes do not fill the disk. The result, <folder>/processes.json,
 * is what scripts/coverage.js maps back to src/ (through dist/'s source maps).
 */
import { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { mergeProcessCovs, type ProcessCov } from '@bcoe/v8-coverage';

const ROOT = path.resolve(import.meta.dirname, '..', '..');

export default function setup(): (() => void) | undefined {
  const option = process.env.TSPROOF_CHILD_COVERAGE;
  if (!option) return undefined;
  const dir = path.resolve(ROOT, option);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const dist = `${pathToFileURL(path.join(ROOT, 'dist')).href}/`;
  let merged: ProcessCov = { result: [] };
  let files = 0;
  const gather = (all: boolean) => {
    for (const name of readdirSync(dir)) {
      if (!/^coverage-.*\.json$/.test(name)) continue; // processes.json, and its .tmp
      const file = path.join(dir, name);
      // A process may still be writing a file that has just appeared.
      if (!all && Date.now() - statSync(file).mtimeMs < 5_000) continue;
      let cov: ProcessCov;
      try {
        cov = JSON.parse(readFileSync(file, 'utf8')) as ProcessCov;
      } catch {
        if (all) console.warn(`child-coverage: ${name} is not whole JSON: left out`);
        if (!all) continue;
        rmSync(file, { force: true });
        continue;
      }
      const ours = cov.result.filter((s) => s.url.startsWith(dist) && s.url.endsWith('.js'));
      if (ours.length) merged = mergeProcessCovs([merged, { result: ours }]);
      files++;
      rmSync(file, { force: true });
    }
  };
  // Written after every gathering, so that a run cut short still leaves what its processes ran.
  const save = () => {
    const out = path.join(dir, 'processes.json');
    writeFileSync(`${out}.tmp`, JSON.stringify({ processes: files, ...merged }));
    renameSync(`${out}.tmp`, out);
  };
  const timer = setInterval(() => {
    const before = files;
    gather(false);
    if (files !== before) save();
  }, 15_000);
  return () => {
    clearInterval(timer);
    gather(true);
    save();
  };
}
