#!/usr/bin/env node
/**
 * The step of tsproof's GitHub Action (action.yml) and GitLab CI template (ci/tsproof.gitlab-ci.yml):
 * runs `tsproof register` or `tsproof verify` with --json from the step's inputs, then hands the
 * results to the CI system — outputs (receipt, merkle-root, ok, json), a step summary (a markdown
 * table of the files and their digests or verdicts), and an error annotation for each failure.
 *
 * Inputs come as INPUT_* variables (GitHub's convention: INPUT_MODE, INPUT_PATHS, INPUT_TSA,
 * INPUT_IDENTITY, INPUT_PASSPHRASE, INPUT_TRUST, INPUT_RECEIPT, INPUT_DIR, INPUT_OUT,
 * INPUT_HOLDER-CERT …); lists are one item a line. Where results go: GITHUB_OUTPUT and
 * GITHUB_STEP_SUMMARY (GitHub), TSPROOF_DOTENV and TSPROOF_SUMMARY (GitLab: a dotenv report and
 * a markdown file). Secrets reach tsproof only through its environment (TSPROOF_IDENTITY …),
 * never its argv. Plain JavaScript on purpose: runs on any Node a runner has (20 or newer).
 * Exits with tsproof's exit code.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const env = process.env;
/** An input: INPUT_<NAME> with the name upper-cased as GitHub does (dashes kept), or with underscores. */
const input = (name) => (env[`INPUT_${name.toUpperCase()}`] ?? env[`INPUT_${name.toUpperCase().replace(/-/g, '_')}`] ?? '').trim();
const list = (name) => input(name).split('\n').map((s) => s.trim()).filter(Boolean);
const yes = (name) => /^(1|true|yes|on)$/i.test(input(name));

const mode = input('mode') || 'register';
if (mode !== 'register' && mode !== 'verify') fail(2, `mode must be register or verify, not "${mode}"`);

// The tsproof to run: an installed command (input `tsproof`, e.g. tsproof on PATH), else this package's own launcher.
const command = input('tsproof') ? [input('tsproof')] : [process.execPath, path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'tsproof.js')];
const args = [mode];
const childEnv = { ...env };
// Inputs that become tsproof's environment variables (secrets never go into argv).
const ENV_INPUTS = {
  identity: 'TSPROOF_IDENTITY',
  passphrase: 'TSPROOF_IDENTITY_PASSPHRASE',
  trust: 'TSPROOF_TRUST',
  'holder-cert': 'TSPROOF_HOLDER_CERT',
  'holder-subject': 'TSPROOF_HOLDER_SUBJECT',
  'holder-issuer': 'TSPROOF_HOLDER_ISSUER',
  'require-certified': 'TSPROOF_REQUIRE_CERTIFIED',
  'tsa-cert': 'TSPROOF_TSA_CERT',
};
for (const [name, variable] of Object.entries(ENV_INPUTS)) {
  const v = name === 'identity' || name === 'passphrase' || name === 'trust' ? (env[`INPUT_${name.toUpperCase()}`] ?? '') : input(name);
  if (v.trim() !== '') childEnv[variable] = name === 'passphrase' ? v : v.trim();
}
for (const k of Object.keys(childEnv)) if (k.startsWith('INPUT_')) delete childEnv[k];

if (mode === 'register') {
  const paths = list('paths');
  if (paths.length === 0) fail(2, 'paths: give the files, folders or globs to register (one a line)');
  args.push(...paths, '--out', input('out') || 'tsproof-receipts');
  for (const t of list('tsa')) args.push('--tsa', t);
} else {
  for (const r of list('receipt')) args.push('--receipt', r);
  if (input('dir')) args.push('--dir', input('dir'));
  args.push(...list('paths'));
  if (yes('ignore-missing')) args.push('--ignore-missing');
}
args.push('--json');

const r = spawnSync(command[0], [...command.slice(1), ...args], { env: childEnv, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 30 });
process.stderr.write(r.stderr ?? '');
const status = r.status ?? 70;
let doc;
try {
  doc = JSON.parse(r.stdout);
} catch {
  doc = undefined;
}

const outputs = { ok: String(status === 0), json: JSON.stringify(doc ?? null), 'exit-code': String(status) };
if (mode === 'register' && doc?.receipt) {
  outputs.receipt = doc.receipt;
  outputs['merkle-root'] = doc.merkleRoot ?? '';
} else if (mode === 'verify') {
  outputs.receipt = doc?.receipt?.path ?? list('receipt')[0] ?? '';
}
writeOutputs(outputs);
if (env.TSPROOF_JSON_FILE) writeFileSync(env.TSPROOF_JSON_FILE, `${JSON.stringify(doc ?? null, null, 2)}\n`);
writeSummary(summary(mode, doc, status));
annotate(mode, doc, status, r.stderr ?? '');
process.exit(status);

function fail(code, message) {
  report({ title: 'tsproof' }, message);
  process.exit(code);
}

/** GitHub's workflow-command escaping: data, and property values. */
function escapeData(s) {
  return String(s).replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}
function escapeProperty(s) {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

function writeOutputs(values) {
  if (env.GITHUB_OUTPUT) {
    let text = '';
    for (const [k, v] of Object.entries(values)) {
      const delimiter = `tsproof_${randomBytes(12).toString('hex')}`;
      text += `${k}<<${delimiter}\n${v}\n${delimiter}\n`;
    }
    appendFileSync(env.GITHUB_OUTPUT, text);
  }
  if (env.TSPROOF_DOTENV) {
    // GitLab's dotenv report: one line each, no JSON (too long for a variable), names in upper case.
    let text = '';
    for (const [k, v] of Object.entries(values)) if (k !== 'json') text += `TSPROOF_${k.toUpperCase().replace(/-/g, '_')}=${v.replace(/[\r\n]/g, ' ')}\n`;
    appendFileSync(env.TSPROOF_DOTENV, text);
  }
}

function writeSummary(markdown) {
  if (env.GITHUB_STEP_SUMMARY) appendFileSync(env.GITHUB_STEP_SUMMARY, markdown);
  if (env.TSPROOF_SUMMARY) appendFileSync(env.TSPROOF_SUMMARY, markdown);
}

/** A markdown table cell: no pipes or line breaks from file names break the table. */
function cell(s) {
  return String(s).replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/[\r\n]+/g, ' ').replace(/</g, '&lt;');
}

function summary(mode, doc, status) {
  if (!doc) return `### tsproof ${mode}: failed (exit ${status})\n\n`;
  const lines = [];
  if (mode === 'register') {
    lines.push(`### tsproof register: ${doc.unchanged ? 'nothing changed' : `${doc.files?.length ?? 0} file(s)`}`, '');
    if (doc.receipt) lines.push(`Receipt \`${cell(doc.receipt)}\` — holder ${cell(doc.holder?.subject ?? '')}, time ${cell(doc.time ?? '')}, Merkle root \`${cell(doc.merkleRoot ?? '')}\``, '');
    lines.push('| file | size | SHA-256 |', '|---|---:|---|');
    for (const f of doc.files ?? []) lines.push(`| ${cell(f.file)} | ${f.size} | \`${cell(f.digests?.sha256 ?? Object.values(f.digests ?? {})[0] ?? '')}\` |`);
  } else {
    lines.push(`### tsproof verify: ${doc.ok ? 'verified' : 'NOT verified'}`, '');
    const rec = doc.receipt;
    if (rec && typeof rec === 'object') lines.push(`Receipt \`${cell(rec.path)}\` — ${rec.ok ? 'verifies' : `does not verify (${cell(rec.reason)})`}; holder ${cell(rec.holder?.subject ?? '')}, time ${cell(rec.time ?? '')}`, '');
    lines.push('| file | status | reason |', '|---|---|---|');
    for (const x of doc.results ?? []) {
      const st = x.status ?? (x.ok ? 'verified' : 'failed');
      lines.push(`| ${cell(x.file)}${x.foundAs ? ` (found as ${cell(x.foundAs)})` : ''} | ${x.ok ? '✅' : '❌'} ${cell(st)} | ${cell(x.reason ?? '')} |`);
    }
  }
  return `${lines.join('\n')}\n\n`;
}

/** A failure: a GitHub error annotation (on the file, for verify), or a plain line on stderr elsewhere. */
function report(props, message) {
  if (env.GITHUB_ACTIONS || env.GITHUB_OUTPUT) {
    const p = Object.entries(props).map(([k, v]) => `${k}=${escapeProperty(v)}`).join(',');
    process.stdout.write(`::error ${p}::${escapeData(message)}\n`);
  } else process.stderr.write(`${props.file ? `${props.file}: ` : ''}${props.title}: ${message}\n`);
}

function annotate(mode, doc, status, stderr) {
  if (status === 0) return;
  const results = doc?.results ?? [];
  const failed = results.filter((x) => !x.ok);
  if (mode === 'verify' && failed.length) {
    for (const x of failed) {
      const why = (x.checks ?? []).find((c) => !c.ok)?.detail ?? x.reason ?? 'not verified';
      report({ file: x.file, title: `tsproof verify: ${x.reason ?? 'failed'}` }, why);
    }
    return;
  }
  const message = doc?.error?.message ?? stderr.trim().split('\n').filter(Boolean).pop() ?? `exit ${status}`;
  report({ title: `tsproof ${mode} failed (exit ${status})` }, message);
}
