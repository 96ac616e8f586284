/** tsproof register — hash, sign, timestamp, write the receipt. */
import { mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { InputError, isTsproofError } from '../../core/errors.js';
import { fileRateState, loadConfig } from '../../core/home.js';
import { createHash, type Hash } from 'node:crypto';
import { openExistingRegistry, openRegistry } from '../../core/registry/open.js';
import { recordRegistration, registrationRecord } from '../../core/registry/record.js';
import { startRecorder, type Recorder } from '../../core/registry/background.js';
import { proxyFromEnv } from '../../core/tsp/http.js';
import { publicTsa } from '../../core/tsa/public-tsas.js';
import { exists, writeAtomic } from '../../core/io/fs.js';
import { collectFiles, RECEIPT_SUFFIX, type FileRef } from '../../core/io/files.js';
import { register, type Registration, type RegisterOptions } from '../../core/register.js';
import { metaProblems, type ManifestMeta } from '../../core/receipt/manifest.js';
import type { FileDigest } from '../../core/hash/engine.js';
import { takeHashPool } from '../../core/hash/engine.js';
import { hashingProgress, restoreTerminal, sizeOf, type ProgressHandle } from '../progress.js';
import { receiptChunks, type ReceiptEntry } from '../../core/receipt/receipt.js';
import type { TsaEndpoint } from '../../core/tsp/client.js';
import { policyProblems, type TimestampPolicy } from '../../core/timestamps/policy.js';
import { beginUnlock, noteVcs, type PendingIdentity, trustAnchors, walkOptions, type WalkFlags } from '../common.js';
import { tsasFromEnv } from '../../core/ci/environment.js';
import { parseAlgorithm } from './hash.js';
import { formatTimestamp } from '../render.js';
import { humanSize as formatSize } from '../../core/limits.js';
import { identityPhrase, shellQuote } from '../../core/verify/explain.js';
import { dirBase } from '../../core/verify/files.js';
import { note, out, printJson, printJsonStreaming, warn, writeChunks } from '../output.js';
import { jsonChunks } from '../../core/io/json.js';
import type { CliContext } from '../context.js';
import { plain, t, type Text } from '../../core/text.js';

export const NO_TSA_MESSAGE = t`no TSA configured: pass --tsa <url>, or add {"tsa": ["<url>"]} to $TSPROOF_HOME/config.json; for a local TSA run "tsproof tsa init" then "tsproof tsa serve" and use --tsa http://127.0.0.1:3161/`;

/**
 * TSAs from --tsa (URLs or names from `tsproof tsa list`), TSPROOF_TSA or config.json. Credentials: the
 * config's `username` and the password in the environment variable its `passwordEnv` names
 * (else TSPROOF_TSA_USERNAME / TSPROOF_TSA_PASSWORD) — never from argv.
 */
export async function resolveTsas(ctx: CliContext, given: readonly string[]): Promise<TsaEndpoint[]> {
  // No --tsa: TSPROOF_TSA (a CI job's), else config.json.
  const config = await loadConfig(ctx.home);
  const configured = (config.timestamps?.tsas ?? config.tsa ?? []).map((tsa) => (typeof tsa === 'string' ? { url: tsa } : tsa));
  if (!given.length) given = tsasFromEnv(ctx.env);
  const wanted = given.length ? given.map((g) => configured.find((c) => c.url === g || publicTsa(c.url)?.name === g) ?? { url: g }) : configured;
  if (wanted.length === 0) throw new InputError({ code: 'NO_TSA_CONFIGURED', message: NO_TSA_MESSAGE });
  return wanted.map((tsa) => {
    const known = publicTsa(tsa.url);
    const e: TsaEndpoint = { url: known && !/^https?:/i.test(tsa.url) ? known.url : tsa.url };
    if ('policy' in tsa && tsa.policy) e.policy = tsa.policy;
    const minInterval = ('minIntervalMs' in tsa && tsa.minIntervalMs) || known?.minIntervalMs;
    if (minInterval) e.minIntervalMs = minInterval;
    const username = ('username' in tsa && tsa.username) || ctx.env.TSPROOF_TSA_USERNAME;
    if (username) {
      e.username = username;
      const pwVar = ('passwordEnv' in tsa && tsa.passwordEnv) || 'TSPROOF_TSA_PASSWORD';
      const pw = ctx.env[pwVar];
      if (pw === undefined) throw new InputError({ code: 'BAD_CONFIG', message: t`the TSA ${new URL(e.url).host} has a username but ${pwVar} is not set` });
      e.password = pw;
    }
    return e;
  });
}

/**
 * `--out` (docs/files.md#receipts): a path ending in `.json` is the receipt file itself (it must not
 * exist); an existing folder, a path ending in `/`, or any other path is a folder (created if needed).
 * Checked before any file is read.
 */
export type OutTarget = { kind: 'file'; path: string } | { kind: 'folder'; path: string };

export async function outTarget(ctx: CliContext, out: string | undefined): Promise<OutTarget> {
  if (out === undefined || out === '') return { kind: 'folder', path: ctx.cwd };
  const abs = path.resolve(ctx.cwd, out);
  const st = await stat(abs).catch(() => undefined);
  if (/\.json$/i.test(out) && !out.endsWith('/')) {
    if (st)
      throw new InputError({
        code: 'BAD_ARGUMENT',
        message: st.isDirectory() ? t`--out ${out}: a folder, but a name ending in .json names the receipt file; give another name` : t`--out ${out} already exists (receipts are never overwritten)`,
      });
    return { kind: 'file', path: abs };
  }
  if (st && !st.isDirectory()) throw new InputError({ code: 'BAD_ARGUMENT', message: t`--out ${out} is not a folder (a receipt file name ends in .json)` });
  return { kind: 'folder', path: abs };
}

/**
 * Where the receipt goes — one rule, whatever the number of files registered or changed: in the
 * current folder (or --out). Named after the only input when it is one file (`a.step.tsproof.json`,
 * with the id when that name is taken), else `<folder name or "registration">-<date>.<id>.tsproof.json`.
 * Never overwrites.
 */
export async function receiptPath(ctx: CliContext, inputs: readonly string[], single: string | undefined, id: string, target: OutTarget): Promise<string> {
  if (target.kind === 'file') return target.path;
  const dir = target.path;
  await mkdir(dir, { recursive: true });
  if (single) {
    const plain = path.join(dir, `${path.basename(single)}${RECEIPT_SUFFIX}`);
    if (!(await exists(plain))) return plain;
    return path.join(dir, `${path.basename(single)}.${id.slice(0, 8)}${RECEIPT_SUFFIX}`);
  }
  const only = inputs.length === 1 ? path.basename(path.resolve(ctx.cwd, inputs[0]!)) : '';
  const label = only && !/[*?[\]{}]/.test(only) ? only : 'registration';
  return path.join(dir, `${label}-${ctx.now().toISOString().slice(0, 10)}.${id.slice(0, 8)}${RECEIPT_SUFFIX}`);
}

/** What `register` and the commands that register along the way (escrow) take from the command line. */
export interface RegisterFlags {
  identity?: string;
  tsa: string[];
  trust: string[];
  algorithm: string[];
  passphraseFile?: string;
  timeout: string;
  minTimestamps?: string;
  /** Valid timestamps from at least n distinct TSA operators (overrides config.json's timestamps.require). */
  requireOperators?: string;
  requireRevocation?: boolean;
}

/**
 * The timestamp policy (docs/long-term.md#several-tsas-as-a-policy): `--require-operators n`, else
 * config.json's `timestamps.require`, else none.
 */
export async function timestampPolicy(ctx: CliContext, flag: string | undefined): Promise<TimestampPolicy | undefined> {
  if (flag !== undefined) {
    const n = Number(flag);
    if (!/^\d+$/.test(flag) || policyProblems({ require: n }).length) throw new InputError({ code: 'BAD_ARGUMENT', message: t`--require-operators ${flag}: expected an integer from 1 to 16` });
    return { require: n };
  }
  const require = (await loadConfig(ctx.home)).timestamps?.require;
  return require === undefined ? undefined : { require };
}

/**
 * The registration's inputs from the flags, checked before any file is read: algorithms, the
 * TSAs, trust anchors, and the identity — its passphrase asked now (a prompt must not race a
 * progress bar) and its key derived in the background while files are walked and hashed.
 */
export async function registrationInputs(ctx: CliContext, o: RegisterFlags, use: { agent?: boolean; record?: boolean } = {}): Promise<Omit<RegisterOptions, 'files'> & { identity: PendingIdentity }> {
  const algorithms = [...new Set((o.algorithm.length ? o.algorithm : ['sha256']).map(parseAlgorithm))];
  const timeoutMs = Number(o.timeout) * 1000;
  if (!(timeoutMs > 0)) throw new InputError({ code: 'BAD_ARGUMENT', message: t`--timeout ${o.timeout}: expected a number of seconds` });
  const tsas = await resolveTsas(ctx, o.tsa);
  const policy = await timestampPolicy(ctx, o.requireOperators);
  const badPolicy = policy ? policyProblems(policy, tsas.length) : [];
  if (badPolicy.length) throw new InputError({ code: 'BAD_ARGUMENT', message: t`timestamp policy: ${badPolicy[0]!}` });
  // A registry that cannot record the registration (damaged, from a newer tsproof) is refused before any TSA is asked.
  if (use.record !== false) (await openExistingRegistry(ctx.home, { now: ctx.now }))?.close();
  const trust = await trustAnchors(ctx, o.trust);
  const identity = await beginUnlock(ctx, o.identity, o.passphraseFile, use);
  return {
    algorithms,
    identity,
    tsas,
    anchors: [],
    trust,
    now: ctx.now,
    random: ctx.random,
    client: { timeoutMs, proxy: proxyFromEnv(ctx.env), rateState: fileRateState(ctx.home) },
    revocation: { require: !!o.requireRevocation },
    ...(o.minTimestamps !== undefined ? { minTimestamps: Number(o.minTimestamps) } : {}),
    ...(policy ? { timestampPolicy: policy } : {}),
  };
}

/** --title, --project, --tag k=v (repeatable), --classification: the metadata signed in the manifest. */
export function metaFlags(o: { title?: string; project?: string; tag?: string[]; classification?: string }): ManifestMeta {
  const meta: ManifestMeta = {};
  if (o.title !== undefined) meta.title = o.title.normalize('NFC');
  if (o.project !== undefined) meta.project = o.project.normalize('NFC');
  if (o.classification !== undefined) meta.classification = o.classification.normalize('NFC');
  for (const tag of o.tag ?? []) {
    const eq = tag.indexOf('=');
    if (eq <= 0) throw new InputError({ code: 'BAD_ARGUMENT', message: t`--tag ${tag}: expected key=value` });
    const k = tag.slice(0, eq).normalize('NFC');
    meta.tags ??= {};
    if (k in meta.tags) throw new InputError({ code: 'BAD_ARGUMENT', message: t`--tag ${k} is given twice` });
    meta.tags[k] = tag.slice(eq + 1).normalize('NFC');
  }
  const problems = Object.keys(meta).length ? metaProblems(meta) : [];
  if (problems.length) throw new InputError({ code: 'BAD_ARGUMENT', message: t`registration metadata: ${problems[0]!}` });
  return meta;
}

export interface RegisterCommandFlags extends RegisterFlags, WalkFlags {
  out?: string;
  /** Push only name hashes to the organisation registry (docs/org-registry.md). */
  redactNames?: boolean;
  changedOnly?: boolean;
  /** false with --no-record: the registry is neither opened nor written. */
  record?: boolean;
  dryRun?: boolean;
  title?: string;
  project?: string;
  tag?: string[];
  classification?: string;
}

export async function registerCommand(ctx: CliContext, inputs: string[], o: RegisterCommandFlags): Promise<number> {
  const meta = metaFlags(o);
  const target = await outTarget(ctx, o.out);
  if (o.dryRun) return dryRun(ctx, inputs, o);
  const record = o.record !== false;
  const common = await registrationInputs(ctx, o, { agent: true, record });
  const pool = takeHashPool();
  let progress: ProgressHandle | undefined;
  // The registry records the entries in a worker thread (opening it meanwhile) while the tree, signature, timestamps and receipt are made (registry/background.ts).
  const background = record ? startRecorder(ctx.home) : undefined;
  const interrupt = onInterrupt(ctx);
  try {
    const { files, skipped, excluded } = await collectFiles(inputs, ctx.cwd, walkOptions(o));
    for (const s of skipped) warn(ctx, t`skipped ${s.path}: ${s.reason}`);
    noteVcs(ctx, excluded);
    if (files.length === 0) throw new InputError({ code: 'NO_FILES', message: t`no files to register` });
    // The passphrase is checked (the key derived, during the walk) before any file is hashed.
    await common.identity.key;
    const known = o.changedOnly ? await registeredDigests(ctx, common.identity.chain[0]!.sha256) : undefined;
    progress = await hashingProgress(ctx, files.length, sizeOf(files));
    const shown = progress;
    const result = await register({
      ...common,
      files,
      pool,
      progress: progress.attach,
      meta,
      ...(background ? { onEntries: (entries: readonly ReceiptEntry[]) => background.record(entries) } : {}),
      onTimestamping: (urls) => shown.stage(t`timestamping at ${urls.map(hostOf).join(', ')}…`),
      ...(known ? { skip: (_f: unknown, d: FileDigest) => common.algorithms.some((a) => known.has(`${a}:${d.digests[a]}`)) } : {}),
    });
    progress.stop();
    if (result.kind === 'unchanged') {
      if (ctx.json) printJson(ctx, { ok: true, unchanged: true, skipped: result.skipped.map((f) => f.name) });
      else out(ctx, t`Nothing to register: all ${result.skipped.length} file(s) are already registered by this identity.`);
      return 0;
    }
    // From here the receipt is being written: Ctrl-C waits for it (a receipt is whole or absent).
    interrupt.writing = true;
    return await writeResult(ctx, result, { inputs, target, allFiles: files, ...(o.base !== undefined ? { base: o.base } : {}), redactNames: !!o.redactNames }, record ? { background } : false);
  } finally {
    interrupt.done();
    progress?.stop();
    await Promise.all([pool.close(), background?.close()]);
  }
}

/** `https://tsa.example.com/tsr` → `tsa.example.com` (as given when it is not a URL). */
function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/**
 * Ctrl-C while registering: the terminal restored (cursor, progress line), one line saying that
 * nothing was registered — true, since no receipt or index line is written before the end —, exit
 * 130 as shells expect. Once the receipt is being written, the signal waits for it to finish.
 */
function onInterrupt(ctx: CliContext): { writing: boolean; done: () => void } {
  const state = {
    writing: false,
    done: () => {
      process.off('SIGINT', handler);
    },
  };
  const handler = () => {
    if (state.writing) return;
    restoreTerminal();
    note(ctx, t`interrupted — nothing was registered`);
    process.exit(130);
  };
  process.on('SIGINT', handler);
  return state;
}

/**
 * --dry-run: what would be registered (names as recorded, sizes) and what is left out and why;
 * no passphrase, no hashing, no TSA, nothing written.
 */
async function dryRun(ctx: CliContext, inputs: string[], o: RegisterCommandFlags): Promise<number> {
  const { files, skipped, excluded } = await collectFiles(inputs, ctx.cwd, walkOptions(o));
  const sizes = await Promise.all(files.map(async (f) => (await stat(f.absolute)).size));
  const total = sizes.reduce((a, b) => a + b, 0);
  if (ctx.json) {
    printJson(ctx, {
      ok: true,
      dryRun: true,
      files: files.map((f, i) => ({ file: f.name, size: sizes[i] })),
      bytes: total,
      excluded: excluded.map((e) => ({ path: e.name, kind: e.kind, reason: e.reason.render() })),
      skipped: skipped.map((s) => ({ path: s.path, reason: s.reason.render() })),
    });
    return 0;
  }
  for (const [i, f] of files.entries()) out(ctx, plain`  ${f.name}  (${formatSize(sizes[i]!)})`);
  for (const e of excluded) out(ctx, t`- ${e.name}  left out: ${e.reason}`);
  for (const s of skipped) out(ctx, t`- ${s.path}  skipped: ${s.reason}`);
  out(ctx, t`Would register ${files.length} file(s), ${formatSize(total)}; nothing was registered (--dry-run).`);
  return 0;
}

/** Digests this identity registered before, as "alg:hex", from the registry. */
async function registeredDigests(ctx: CliContext, holderSha256: string): Promise<Set<string>> {
  const store = await openExistingRegistry(ctx.home, { now: ctx.now, readOnly: true });
  if (!store) return new Set();
  try {
    return await store.holderDigests(holderSha256);
  } finally {
    store.close();
  }
}

function* hashing(chunks: Iterable<string>, h: Hash): Generator<string> {
  for (const c of chunks) {
    h.update(c, 'utf8');
    yield c;
  }
}

/**
 * Writes the receipt (atomically), then records the registration in the registry. In that
 * order: a crash in between leaves a receipt the registry does not list yet (`registry import`
 * adopts it), never a record of a receipt that is not there. With `background`, the entries are
 * in the registry already (put ahead, on no record) and only the registration is added; if that
 * cannot be done, it is recorded here the ordinary way. `false`: not recorded (--no-record).
 */
export async function saveRegistration(ctx: CliContext, reg: Registration, file: string, recording: Recording = {}): Promise<void> {
  await (await writeRegistration(ctx, reg, file, recording)).recorded;
}

type Recording = { background?: Recorder | undefined } | false;

/** saveRegistration in two steps: returns once the receipt is in place, with its recording under way (`recorded`). */
async function writeRegistration(ctx: CliContext, reg: Registration, file: string, recording: Recording): Promise<{ recorded: Promise<void> }> {
  for (const f of reg.tsaFailures) warn(ctx, t`a TSA failed (enough others answered): ${f.message}`);
  // A responder that is down does not fail a registration (unless --require-revocation): the receipt says "not checked".
  for (const m of reg.revocationMissing) if (!m.noSource) warn(ctx, t`no revocation data for "${m.subject}" (revocation will show as not checked): ${m.message}`);
  const digest = createHash('sha256');
  await writeAtomic(file, hashing(receiptChunks(reg.receipt), digest));
  if (recording === false) return { recorded: Promise.resolve() };
  const verified = { ...reg.verification, manifest: reg.manifest };
  const receipt = { path: file, sha256: digest.digest('hex') };
  const record = async () => {
    const bg = recording.background;
    const inBackground = bg ? await bg.commit(registrationRecord(verified, receipt), ctx.now()) : false;
    // TSPROOF_DEBUG: which way it was recorded (docs/registry.md#recording-a-registration).
    if (ctx.env.TSPROOF_DEBUG) note(ctx, inBackground ? plain`debug: registry: recorded by the background worker` : plain`debug: registry: recorded the ordinary way (${bg ? (bg.failure() ?? '') : 'no worker'})`);
    if (inBackground) return;
    try {
      const store = await openRegistry(ctx.home, { now: ctx.now });
      try {
        await recordRegistration(store, 'registration', verified, reg.receipt.entries, receipt);
      } finally {
        store.close();
      }
    } catch (err) {
      // The receipt is in place and proves what it proves: say where it is and how to put it on record.
      if (!isTsproofError(err)) throw err;
      const Same = err.constructor as new (o: { code: string; message: Text; cause?: unknown }) => Error;
      throw new Same({ code: err.code, message: t`the receipt ${file} was written but not recorded in the registry (${err.text}); record it with "tsproof registry import ${file}"`, cause: err });
    }
  };
  const recorded = record();
  recorded.catch(() => undefined); // awaited by the caller
  return { recorded };
}

/** Up to `bytes` of `chunks` made now (while something else runs in another thread), then the rest as they are asked for. */
function madeAhead(chunks: Iterable<string>, bytes: number): Iterable<string> {
  const it = chunks[Symbol.iterator]();
  const ahead: string[] = [];
  let size = 0;
  let done = false;
  while (size < bytes) {
    const r = it.next();
    if (r.done) {
      done = true;
      break;
    }
    ahead.push(r.value);
    size += r.value.length;
  }
  return (function* () {
    yield* ahead.splice(0);
    if (!done) yield* { [Symbol.iterator]: () => it };
  })();
}

interface Placement {
  inputs: readonly string[];
  target: OutTarget;
  /** Every file the inputs named (registered or left out as unchanged): the names are theirs. */
  allFiles: readonly FileRef[];
  base?: string;
  redactNames?: boolean;
}

/** The only input, when it is one file (the receipt is named after it). */
function singleFile(ctx: CliContext, p: Placement): string | undefined {
  const [input, ...more] = p.inputs;
  if (input === undefined || more.length || p.allFiles.length !== 1 || GLOB.test(input)) return undefined;
  const abs = path.resolve(ctx.cwd, p.base ?? '.', input);
  return p.allFiles[0]!.absolute === abs ? abs : undefined;
}

const GLOB = /[*?[\]{}]/;

/**
 * A command that checks this registration later and works as printed: for one file, that file
 * against the receipt; else the whole batch against a folder from which `verify --dir` finds every
 * name (the folder given, -C, the current folder, the folder the names start from); else the first file.
 */
export function verifyHint(ctx: CliContext, receipt: string, p: Placement, single: string | undefined): string {
  const q = shellQuote(receipt);
  const rel = (abs: string) => path.relative(ctx.cwd, abs) || '.';
  if (single) return `tsproof verify ${shellQuote(rel(single))} --receipt ${q}`;
  const files = p.allFiles;
  const from = path.resolve(ctx.cwd, p.base ?? '.');
  const candidates = [...(p.inputs.length === 1 && !GLOB.test(p.inputs[0]!) ? [path.resolve(from, p.inputs[0]!)] : []), from, ctx.cwd];
  const first = files[0]!;
  if (first.absolute.endsWith(first.name)) candidates.push(first.absolute.slice(0, first.absolute.length - first.name.length) || path.sep);
  const names = files.map((f) => f.name);
  for (const dir of candidates) {
    const b = dirBase(dir, names);
    if (files.every((f) => path.join(b, ...f.name.split('/')) === f.absolute)) return `tsproof verify --receipt ${q} --dir ${shellQuote(rel(dir))}`;
  }
  return `tsproof verify ${shellQuote(rel(first.absolute))} --receipt ${q}`;
}

/** register --json: the document (docs/json-output.md), less its `files`. */
function jsonResult(reg: Registration, shown: string, org: unknown): Record<string, unknown> {
  return {
    ok: true,
    receipt: shown,
    id: reg.receipt.id,
    time: reg.verification.time,
    holder: reg.verification.holder,
    timestamps: reg.verification.timestamps,
    merkleRoot: reg.manifest.merkle.root,
    ...(reg.manifest.meta ? { meta: reg.manifest.meta } : {}),
    revocation: { entries: reg.receipt.revocation.length, missing: reg.revocationMissing.map((m) => ({ certificate: m.subject, reason: m.message })) },
    ...(org ? { registry: org } : {}),
    skipped: reg.skipped.map((f) => f.name),
    files: [],
  };
}

function* jsonFiles(reg: Registration): Generator<unknown> {
  for (const e of reg.receipt.entries) yield { file: e.name, size: e.size, digests: e.digests };
}

async function writeResult(ctx: CliContext, reg: Registration, p: Placement, recording: Recording): Promise<number> {
  const single = singleFile(ctx, p);
  const file = await receiptPath(ctx, p.inputs, single, reg.receipt.id, p.target);
  const toOrg = (await loadConfig(ctx.home)).registry || p.redactNames;
  const { recorded } = await writeRegistration(ctx, reg, file, recording);
  const shown = path.relative(ctx.cwd, file) || file;
  if (ctx.json && !toOrg) {
    // The document is made while the registry commits (in its worker), and printed once it has.
    const chunks = madeAhead(jsonChunks(jsonResult(reg, shown, undefined), 'files', jsonFiles(reg)), 16 << 20);
    await recorded;
    await writeChunks(ctx, chunks);
    return 0;
  }
  await recorded;
  // With registry.url configured: pushed to the organisation registry, or queued (docs/org-registry.md).
  // (org.js loads only then: start-up time matters.)
  const org = toOrg ? await (await import('./org.js')).pushAfterRegister(ctx, reg.receipt, { redactNames: !!p.redactNames, ...(reg.manifest.meta?.project ? { project: reg.manifest.meta.project } : {}) }) : undefined;
  if (ctx.json) {
    await printJsonStreaming(ctx, jsonResult(reg, shown, org), 'files', jsonFiles(reg));
    return 0;
  }
  const n = reg.files.length;
  const registered = n === 1 ? t`Registered 1 file → ${shown}` : t`Registered ${n} files → ${shown}`;
  out(ctx, reg.skipped.length ? t`${registered} (${reg.skipped.length} unchanged file(s) left out)` : registered);
  const holder = reg.verification.holder!;
  out(ctx, holder.identity === 'self-asserted' ? t`  holder   ${holder.subject} (self-asserted)` : t`  holder   ${holder.subject} — ${identityPhrase(holder)}`);
  for (const ts of reg.verification.timestamps) out(ctx, t`  time     ${formatTimestamp(ts)}`);
  out(ctx, t`  id       ${reg.receipt.id}`);
  const alg = reg.manifest.algorithms[0]!;
  if (n <= 20) for (const e of reg.receipt.entries) out(ctx, plain`  ${e.digests[alg]!}  ${e.name}`);
  note(ctx, t`Verify later, offline, with: ${verifyHint(ctx, shown, p, single)}`);
  return 0;
}
