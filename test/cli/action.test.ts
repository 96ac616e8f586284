/**
 * Issue 15: the GitHub Action (action.yml) and the GitLab CI template (ci/tsproof.gitlab-ci.yml),
 * run the way their runners run them, without a network, no TTY and stdin closed:
 *
 * - GitHub: each step of the composite action in bash, `${{ inputs.* }}` filled from the inputs
 *   (else their defaults), GITHUB_ACTION_PATH, GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files; the
 *   action's outputs read back from GITHUB_OUTPUT through action.yml's `outputs`.
 * - GitLab: the `.tsproof` job's script lines in bash with its variables, tsproof installed from
 *   the packed tarball with `npm install -g` (TSPROOF_PACKAGE), results from the dotenv report.
 *
 * The whole release scenario: a job registers dist/*.tgz with an identity from the environment;
 * a second job, on a fresh home that trusts nothing, verifies the downloaded (flattened)
 * artifacts with the holder and the TSA pinned, using only the documented outputs.
 */
import { createHash } from 'node:crypto';
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { PASSPHRASE, PKI, party, ROOT } from '../helpers/fixtures.js';
import { bundledTsa } from '../helpers/setup.js';
import { packProject, pathWithNode, SYSTEM_NODE } from '../helpers/package.js';

let tsa: { url: string; close: () => Promise<void> };
beforeAll(async () => {
  tsa = await bundledTsa();
});
afterAll(async () => tsa?.close());

const ROOT_PEM = () => readFileSync(path.join(PKI, 'root-ca.pem'), 'utf8');
const P12_B64 = () => readFileSync(path.join(PKI, 'holder-alice.p12')).toString('base64');
const sha256 = (f: string) => createHash('sha256').update(readFileSync(f)).digest('hex');

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function bash(script: string, o: { cwd: string; env: NodeJS.ProcessEnv }): Promise<Run> {
  return new Promise((resolve, reject) => {
    // No TTY, stdin closed: as on a runner.
    const child = spawn('bash', ['-e', '-o', 'pipefail', '-c', script], { cwd: o.cwd, env: o.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    const timer = setTimeout(() => child.kill('SIGKILL'), 400_000);
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

/** GITHUB_OUTPUT's format: `name=value` lines and `name<<DELIMITER` … `DELIMITER` blocks. */
function parseGithubOutput(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(l);
    if (heredoc) {
      const end = lines.indexOf(heredoc[2]!, i + 1);
      out[heredoc[1]!] = lines.slice(i + 1, end).join('\n');
      i = end;
    } else if (l.includes('=')) out[l.slice(0, l.indexOf('='))] = l.slice(l.indexOf('=') + 1);
  }
  return out;
}

interface ActionRun extends Run {
  outputs: Record<string, string>;
  summary: string;
}

/** Runs action.yml's composite steps as the GitHub runner does. */
async function runAction(inputs: Record<string, string>, o: { work: string; env: NodeJS.ProcessEnv }): Promise<ActionRun> {
  const action = YAML.parse(readFileSync(path.join(ROOT, 'action.yml'), 'utf8'));
  for (const k of Object.keys(inputs)) expect(action.inputs, `input ${k} is declared`).toHaveProperty(k);
  const steps: Record<string, Record<string, string>> = {};
  const evaluate = (s: string) =>
    s.replace(/\$\{\{\s*([^}]+?)\s*\}\}/g, (_m, e: string) => {
      let m;
      if ((m = /^inputs\.([\w-]+)$/.exec(e))) return inputs[m[1]!] ?? String(action.inputs[m[1]!]?.default ?? '');
      if ((m = /^steps\.([\w-]+)\.outputs\.([\w-]+)$/.exec(e))) return steps[m[1]!]?.[m[2]!] ?? '';
      if (e === 'github.action_path') return ROOT;
      throw new Error(`expression not emulated: ${e}`);
    });
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tsproof-gha-'));
  const summaryFile = path.join(dir, 'summary.md');
  writeFileSync(summaryFile, '');
  let last: Run = { status: 0, stdout: '', stderr: '' };
  let stdout = '';
  for (const [i, step] of (action.runs.steps as { id?: string; run: string; env?: Record<string, string> }[]).entries()) {
    const outputFile = path.join(dir, `output-${i}`);
    writeFileSync(outputFile, '');
    const stepEnv = Object.fromEntries(Object.entries(step.env ?? {}).map(([k, v]) => [k, evaluate(String(v))]));
    last = await bash(evaluate(step.run), { cwd: o.work, env: { ...o.env, ...stepEnv, GITHUB_ACTIONS: 'true', GITHUB_ACTION_PATH: ROOT, GITHUB_OUTPUT: outputFile, GITHUB_STEP_SUMMARY: summaryFile } });
    stdout += last.stdout;
    if (step.id) steps[step.id] = parseGithubOutput(readFileSync(outputFile, 'utf8'));
    if (last.status !== 0) break;
  }
  const outputs = Object.fromEntries(Object.entries(action.outputs as Record<string, { value: string }>).map(([k, v]) => [k, evaluate(v.value)]));
  return { status: last.status, stdout, stderr: last.stderr, outputs, summary: readFileSync(summaryFile, 'utf8') };
}

/** A job's machine: a work folder and a fresh TSPROOF_HOME (that trusts nothing). */
function job(prefix: string) {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  const work = path.join(dir, 'work');
  mkdirSync(work);
  return { work, env: { PATH: process.env.PATH, HOME: dir, LANG: 'C.UTF-8', NO_COLOR: '1', TSPROOF_HOME: path.join(dir, 'tsproof-home') } as NodeJS.ProcessEnv };
}

/** Release artifacts: two tarballs and a file the glob leaves out. */
function artifacts(work: string): string[] {
  mkdirSync(path.join(work, 'dist'));
  writeFileSync(path.join(work, 'dist', 'app-1.0.tgz'), 'app tarball');
  writeFileSync(path.join(work, 'dist', 'lib-1.0.tgz'), 'lib tarball');
  writeFileSync(path.join(work, 'dist', 'notes.txt'), 'not an artifact');
  return ['dist/app-1.0.tgz', 'dist/lib-1.0.tgz'];
}

/** Downloaded artifacts, flattened into one folder, with the receipt — on another machine. */
function download(from: string, to: string, files: string[], receipt: string): string {
  mkdirSync(path.join(to, 'artifacts'));
  for (const f of files) copyFileSync(path.join(from, f), path.join(to, 'artifacts', path.basename(f)));
  mkdirSync(path.join(to, 'receipts'));
  copyFileSync(path.join(from, receipt), path.join(to, 'receipts', path.basename(receipt)));
  return path.join('receipts', path.basename(receipt));
}

describe('GitHub Action', () => {
  it('action.yml declares the inputs and outputs the docs name', () => {
    const action = YAML.parse(readFileSync(path.join(ROOT, 'action.yml'), 'utf8'));
    expect(Object.keys(action.inputs)).toEqual(expect.arrayContaining(['mode', 'paths', 'tsa', 'identity', 'passphrase', 'trust', 'receipt', 'dir', 'holder-cert', 'tsa-cert', 'ignore-missing']));
    expect(Object.keys(action.outputs).sort()).toEqual(['json', 'merkle-root', 'ok', 'receipt']);
    expect(action.runs.using).toBe('composite');
    // Secrets reach tsproof through its environment, never a command line.
    for (const step of action.runs.steps) expect(step.run).not.toMatch(/inputs\.(identity|passphrase)/);
  });

  it('register in one job, verify the flattened download in another on a fresh home, pinned', async () => {
    const a = job('tsproof-gha-register-');
    const files = artifacts(a.work);
    const reg = await runAction({ mode: 'register', paths: 'dist/*.tgz', tsa: tsa.url, identity: P12_B64(), passphrase: PASSPHRASE, trust: ROOT_PEM() }, a);
    expect(reg.status, reg.stderr + reg.stdout).toBe(0);
    expect(reg.outputs.ok).toBe('true');
    expect(reg.outputs['merkle-root']).toMatch(/^[0-9a-f]{64}$/);
    expect(reg.outputs.receipt).toMatch(/^tsproof-receipts\/.*\.tsproof\.json$/);
    const doc = JSON.parse(reg.outputs.json!);
    expect(doc.files.map((f: { file: string }) => f.file).sort()).toEqual(files);
    expect(doc.merkleRoot).toBe(reg.outputs['merkle-root']);
    // The step summary: a markdown table of the files and their digests.
    for (const f of files) expect(reg.summary).toContain(`| ${f} | ${readFileSync(path.join(a.work, f)).length} | \`${sha256(path.join(a.work, f))}\` |`);
    expect(reg.summary).not.toContain('notes.txt');
    // Nothing secret in the logs or the outputs.
    for (const text of [reg.stdout, reg.stderr, reg.summary, reg.outputs.json!]) expect(text).not.toContain(P12_B64().slice(0, 32));

    const b = job('tsproof-gha-verify-');
    const receipt = download(a.work, b.work, files, reg.outputs.receipt!);
    const pins = { 'holder-cert': doc.holder.certificateSha256, 'tsa-cert': party('root-ca').cert.sha256, 'require-certified': 'true' };
    const ver = await runAction({ mode: 'verify', receipt, dir: 'artifacts', trust: ROOT_PEM(), ...pins }, b);
    expect(ver.status, ver.stderr + ver.stdout).toBe(0);
    expect(ver.outputs.ok).toBe('true');
    expect(ver.outputs.receipt).toBe(receipt);
    const v = JSON.parse(ver.outputs.json!);
    expect(v.results.map((r: { foundAs: string }) => r.foundAs).sort()).toEqual(['app-1.0.tgz', 'lib-1.0.tgz']);
    expect(v.receipt.checks.map((c: { id: string }) => c.id)).toEqual(expect.arrayContaining(['pin.holder-cert', 'pin.certified', 'pin.tsa-cert']));
    expect(ver.summary).toContain('| dist/app-1.0.tgz (found as app-1.0.tgz) | ✅ matched |');

    // A tampered artifact: exit 1, an error annotation on the file.
    writeFileSync(path.join(b.work, 'artifacts', 'app-1.0.tgz'), 'tampered');
    const bad = await runAction({ mode: 'verify', receipt, dir: 'artifacts', trust: ROOT_PEM(), ...pins }, b);
    expect(bad.status).toBe(1);
    expect(bad.outputs.ok).toBe('false');
    expect(bad.stdout).toMatch(/^::error file=dist\/app-1\.0\.tgz,title=tsproof verify%3A missing::registered "dist\/app-1\.0\.tgz" \(11 bytes\) is missing$/m);
    expect(bad.summary).toContain('| dist/app-1.0.tgz | ❌ missing | missing |');
    // Another holder pinned: exit 1.
    copyFileSync(path.join(a.work, 'dist', 'app-1.0.tgz'), path.join(b.work, 'artifacts', 'app-1.0.tgz'));
    const pinned = await runAction({ mode: 'verify', receipt, dir: 'artifacts', trust: ROOT_PEM(), ...pins, 'holder-cert': 'ab'.repeat(32) }, b);
    expect(pinned.status).toBe(1);
    expect(pinned.stdout).toMatch(/::error /);
  });

  it("a register that fails (no identity) is one error annotation and tsproof's exit code", async () => {
    const a = job('tsproof-gha-fail-');
    artifacts(a.work);
    const r = await runAction({ mode: 'register', paths: 'dist/*.tgz', tsa: tsa.url }, a);
    expect(r.status).toBe(2);
    expect(r.outputs.ok).toBe('false');
    expect(r.stdout).toMatch(/^::error title=tsproof register failed \(exit 2\)::no identity yet/m);
  });
});

describe('GitLab CI template', () => {
  let tgz = '';
  let prefix = '';
  beforeAll(async () => {
    tgz = await packProject();
    prefix = mkdtempSync(path.join(os.tmpdir(), 'tsproof-gitlab-npm-'));
  }, 600_000);

  /** Runs the `.tsproof` job's script lines (and a job's own variables) as GitLab's runner does. */
  async function runJob(variables: Record<string, string>, o: { work: string; env: NodeJS.ProcessEnv }): Promise<Run & { dotenv: Record<string, string>; summary: string; json: unknown }> {
    const template = YAML.parse(readFileSync(path.join(ROOT, 'ci', 'tsproof.gitlab-ci.yml'), 'utf8'))['.tsproof'];
    const env: NodeJS.ProcessEnv = {
      ...o.env,
      ...template.variables,
      ...variables,
      CI: 'true',
      GITLAB_CI: 'true',
      CI_PROJECT_DIR: o.work,
      // The runner's npm: global installs into a folder of this test, from the local cache.
      npm_config_prefix: prefix,
      npm_config_cache: path.join(os.homedir(), '.npm'),
      npm_config_prefer_offline: 'true',
      npm_config_update_notifier: 'false',
      PATH: pathWithNode(SYSTEM_NODE, `${path.join(prefix, 'bin')}:/usr/bin:/bin`),
    };
    const r = await bash((template.script as string[]).join('\n'), { cwd: o.work, env });
    const read = (f: string) => {
      try {
        return readFileSync(path.join(o.work, f), 'utf8');
      } catch {
        return '';
      }
    };
    const dotenv = Object.fromEntries(
      read('tsproof.env')
        .split('\n')
        .filter(Boolean)
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
    );
    return { ...r, dotenv, summary: read('tsproof-summary.md'), json: JSON.parse(read('tsproof.json') || 'null') };
  }

  it('register dist/*.tgz, then verify in a fresh job from the dotenv report, pinned', async () => {
    const a = job('tsproof-gitlab-register-');
    const files = artifacts(a.work);
    // Secrets and settings as CI/CD variables: tsproof reads them itself.
    const secrets = { TSPROOF_IDENTITY: P12_B64(), TSPROOF_IDENTITY_PASSPHRASE: PASSPHRASE, TSPROOF_TRUST: ROOT_PEM(), TSPROOF_TSA: tsa.url };
    const reg = await runJob({ TSPROOF_PACKAGE: tgz, TSPROOF_MODE: 'register', TSPROOF_PATHS: 'dist/*.tgz' }, { work: a.work, env: { ...a.env, ...secrets } });
    expect(reg.status, reg.stderr + reg.stdout).toBe(0);
    expect(reg.dotenv.TSPROOF_OK).toBe('true');
    expect(reg.dotenv.TSPROOF_MERKLE_ROOT).toMatch(/^[0-9a-f]{64}$/);
    expect(reg.dotenv.TSPROOF_RECEIPT).toMatch(/^tsproof-receipts\/.*\.tsproof\.json$/);
    expect((reg.json as { merkleRoot: string }).merkleRoot).toBe(reg.dotenv.TSPROOF_MERKLE_ROOT);
    for (const f of files) expect(reg.summary).toContain(`\`${sha256(path.join(a.work, f))}\``);
    expect(reg.stdout + reg.stderr).not.toContain(P12_B64().slice(0, 32));

    const b = job('tsproof-gitlab-verify-');
    const receipt = download(a.work, b.work, files, reg.dotenv.TSPROOF_RECEIPT!);
    const pins = { TSPROOF_TRUST: ROOT_PEM(), TSPROOF_HOLDER_CERT: party('holder-alice').cert.sha256, TSPROOF_TSA_CERT: party('root-ca').cert.sha256 };
    const ver = await runJob({ TSPROOF_PACKAGE: tgz, TSPROOF_MODE: 'verify', TSPROOF_RECEIPT: receipt, TSPROOF_DIR: 'artifacts' }, { work: b.work, env: { ...b.env, ...pins } });
    expect(ver.status, ver.stderr + ver.stdout).toBe(0);
    expect(ver.dotenv.TSPROOF_OK).toBe('true');
    expect(ver.summary).toContain('(found as app-1.0.tgz) | ✅ matched');
    const wrong = await runJob({ TSPROOF_PACKAGE: tgz, TSPROOF_MODE: 'verify', TSPROOF_RECEIPT: receipt, TSPROOF_DIR: 'artifacts' }, { work: b.work, env: { ...b.env, ...pins, TSPROOF_TSA_CERT: 'cd'.repeat(32) } });
    expect(wrong.status).toBe(1);
    expect(wrong.dotenv.TSPROOF_OK).toBe('false');
    // Outside GitHub, failures are plain lines on stderr, not workflow commands.
    expect(wrong.stdout).not.toMatch(/::error/);
  }, 600_000);
});
