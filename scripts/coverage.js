/**
 * The whole suite's coverage of src/: what vitest measured in the test processes (unit tests,
 * in-process CLI calls; coverage/coverage-final.json) merged with what the CLI processes the
 * end-to-end tests spawn ran (dist/ scripts, gathered by test/support/child-coverage.ts into
 * <folder>/processes.json), mapped back to src/ through dist/'s source maps with the converter
 * vitest itself uses (ast-v8-to-istanbul). `npm run test:coverage` runs it after the tests:
 *
 *   node scripts/coverage.js [folder]   default .coverage-processes
 *
 * Prints the three summaries (test processes, CLI processes, whole) and writes the whole one to
 * coverage/whole/ (coverage-summary.json, coverage-final.json).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import convert from 'ast-v8-to-istanbul';
import libCoverage from 'istanbul-lib-coverage';
import libReport from 'istanbul-lib-report';
import reports from 'istanbul-reports';
import { parseAstAsync } from 'vitest/node';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const src = `${path.join(root, 'src')}${path.sep}`;
const folder = path.join(root, '.coverage-processes');

let status = 0;
if (process.argv[2] === 'run') {
  const vitest = path.join(root, 'node_modules', 'vitest', 'vitest.mjs');
  const run = spawnSync(process.execPath, [vitest, 'run', '--coverage', ...process.argv.slice(3)], { stdio: 'inherit', env: { ...process.env, TSPROOF_CHILD_COVERAGE: folder } });
  status = run.status ?? 1;
}

// vitest writes its part when the run ends; a run cut short leaves only the CLI processes' part.
const vitestFile = path.join(root, 'coverage', 'coverage-final.json');
if (!existsSync(vitestFile)) console.warn(`${path.relative(root, vitestFile)} is missing (the run was cut short?): the test processes' part is left out`);
const inProcess = libCoverage.createCoverageMap(existsSync(vitestFile) ? JSON.parse(readFileSync(vitestFile, 'utf8')) : {});
const children = libCoverage.createCoverageMap({});
const gathered = path.join(folder, 'processes.json');
const processes = existsSync(gathered) ? JSON.parse(readFileSync(gathered, 'utf8')) : { processes: 0, result: [] };
for (const script of processes.result) {
  const file = fileURLToPath(script.url);
  if (!existsSync(file)) continue;
  const code = readFileSync(file, 'utf8');
  const mapFile = `${file}.map`;
  const sourceMap = existsSync(mapFile) ? JSON.parse(readFileSync(mapFile, 'utf8')) : undefined;
  if (sourceMap) sourceMap.sources = sourceMap.sources.map((s) => new URL(s, pathToFileURL(file)).href);
  const data = await convert({ code, sourceMap, ast: await parseAstAsync(code), coverage: { url: script.url, functions: script.functions } });
  children.merge(data);
}
children.filter((f) => f.startsWith(src));

// merge() keeps the FileCoverage objects it is given and changes them later: copies.
const copy = (m) => libCoverage.createCoverageMap(JSON.parse(JSON.stringify(m.toJSON())));
const whole = copy(inProcess);
whole.merge(copy(children));

// Lines are the figure that adds up: the two parts' statements, functions and branches come from
// two compilations of src/ (vite's in the test processes, tsc's dist/ in the CLI processes) whose
// source-mapped locations differ, so their union counts many twice; a line is a line in both.
const lines = (s) => `lines ${s.lines.pct} % (${s.lines.covered}/${s.lines.total})`;
const all = (s) => `${lines(s)}, statements ${s.statements.pct} %, functions ${s.functions.pct} %, branches ${s.branches.pct} %`;
// The CLI processes' lines over every file of src/, as the others are (vitest adds the files no test loads).
const cliOnly = copy(inProcess);
for (const f of cliOnly.files()) cliOnly.fileCoverageFor(f).resetHits();
cliOnly.merge(copy(children));
const rows = [
  ['test processes (vitest)', all(inProcess.getCoverageSummary())],
  [`CLI processes (${processes.processes} runs)`, lines(cliOnly.getCoverageSummary())],
  ['whole suite', lines(whole.getCoverageSummary())],
];
console.log(`\nCoverage of src/ (${new Date().toISOString().slice(0, 10)})`);
for (const [what, figures] of rows) console.log(`  ${what.padEnd(28)} ${figures}`);
const context = libReport.createContext({ dir: path.join(root, 'coverage', 'whole'), coverageMap: whole });
for (const r of ['json-summary', 'json']) reports.create(r).execute(context);
console.log(`  (coverage/whole/: coverage-summary.json, coverage-final.json)`);
process.exitCode = status;
