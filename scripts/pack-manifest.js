/**
 * npm pack / npm publish: the packed package.json carries no `prepare` script.
 *
 *   node scripts/pack-manifest.js prepack    package.json without scripts.prepare (the original kept aside)
 *   node scripts/pack-manifest.js postpack   the original package.json back
 *
 * `prepare` builds dist/ for `npm install <git url>` and in a checkout; a packed tarball already
 * has dist/, where npm never runs it, yet npm 11 lists a tarball's `prepare` as an install script
 * "not yet covered by allowScripts" — a warning that reads like a failed install. (The pattern
 * of pinst, which does the same for postinstall.) Plain JavaScript: runs on any Node npm runs on.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const manifest = path.join(root, 'package.json');
const kept = path.join(root, '.package.json.prepack');

const step = process.argv[2];
if (step === 'prepack') {
  // A pack that failed before postpack left the original aside: start from it.
  if (existsSync(kept)) renameSync(kept, manifest);
  const text = readFileSync(manifest, 'utf8');
  const pkg = JSON.parse(text);
  if (pkg.scripts?.prepare) {
    writeFileSync(kept, text);
    delete pkg.scripts.prepare;
    writeFileSync(manifest, `${JSON.stringify(pkg, null, 2)}\n`);
  }
} else if (step === 'postpack') {
  if (existsSync(kept)) renameSync(kept, manifest);
} else {
  process.stderr.write('usage: node scripts/pack-manifest.js prepack|postpack\n');
  process.exit(2);
}
