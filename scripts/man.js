/**
 * Writes the man page tsproof(1) from the command definitions of the built CLI:
 *
 *   node scripts/man.js [out]     default dist/tsproof.1 (npm run build runs it; package.json "man")
 *
 * English (the man page is what `man tsproof` shows everywhere; `tsproof --help --lang ko` is the
 * Korean reference). The date is SOURCE_DATE_EPOCH's when set, so that a build can be reproduced.
 * Plain JavaScript: `npm install <git url>` may build on any Node npm runs on.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { buildProgram } = await import('../dist/cli/main.js');
const { processContext } = await import('../dist/cli/context.js');
const { describeProgram } = await import('../dist/cli/commands-model.js');
const { manPage } = await import('../dist/cli/manpage.js');

const ctx = { ...processContext(), lang: 'en', catalog: undefined };
const spec = describeProgram(
  buildProgram(ctx, () => {}),
  'en',
);
const epoch = Number(process.env.SOURCE_DATE_EPOCH);
const date = Number.isFinite(epoch) && epoch > 0 ? new Date(epoch * 1000) : new Date();
const out = path.resolve(root, process.argv[2] ?? 'dist/tsproof.1');
mkdirSync(path.dirname(out), { recursive: true });
writeFileSync(
  `${out}.tmp`,
  manPage(spec, (x) => x.render(), date),
);
renameSync(`${out}.tmp`, out);
