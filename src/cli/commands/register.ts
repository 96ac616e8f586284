/** tsproof register — hash, sign, timestamp, write the receipt. */
import { mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { InputError } from '../../core/errors.js';
import { fileRateState, loadConfig } from '../../core/home.js';
import { createHash, type Hash } from 'node:crypto';
import { openExistingRegistry, openRegistry } from '../../core/registry/open.js';
import { recordRegistration } from '../../core/registry/record.js';
import { proxyFromEnv } from '../../core/tsp/http.js';
import { publicTsa } from '../../core/tsa/public-tsas.js';
import { exists, writeAtomic } from '../../core/io/fs.js';
import { collectFiles, RECEIPT_SUFFIX } from '../../core/io/files.js';
import { register, type Registration, type RegisterOptions } from '../../core/register.js';
import { metaProblems, type ManifestMeta } from '../../core/receipt/manifest.js';
import type { FileDigest } from '../../core/hash/engine.js';
import { takeHashPool } from '../../core/hash/engine.js';
import { hashingProgress, type ProgressHandle } from '../progress.js';
import { receiptChunks } from '../../core/receipt/receipt.js';
import type { TsaEndpoint } from '../../core/tsp/client.js';
import { beginUnlock, trustAnchors } from '../common.js';
import { parseAlgorithm } from './hash.js';
import { formatTimestamp } from '../render.js';
import { identityPhrase } from '../../core/verify/explain.js';
import { note, out, printJson, printJsonStreaming, warn } from '../output.js';
import type { CliContext } from '../context.js';
import { plain, t } from '../../core/text.js';

export const NO_TSA_MESSAGE =
  t`no TSA configured: pass --tsa <url>, or add {"tsa": ["<url>"]} to $TSPROOF_HOME/config.json; for a local TSA run "tsproof tsa init" then "tsproof tsa serve" and use --tsa http://127.0.0.1:3161/`;

/**
 * TSAs from --tsa (URLs or names from `tsproof tsa list`) or config.json. Credentials: the
 * config's `username` and the password in the environment variable its `passwordEnv` names
 * (else TSPROOF_TSA_USERNAME / TSPROOF_TSA_PASSWORD) — never from argv.
 */
export async function resolveTsas(ctx: CliContext, given: readonly string[]): Promise<TsaEndpoint[]> {
  const config = await loadConfig(ctx.home);
  const configured = (config.tsa ?? []).map((tsa) => (typeof tsa === 'string' ? { url: tsa } : tsa));
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


/** Where the receipt goes: beside a single file, else in the working directory; --out names a folder. Never overwrites. */
async function receiptPath(ctx: CliContext, files: { absolute: string }[], id: string, outDir?: string): Promise<string> {
  let dir: string;
  let base: string;
  if (files.length === 1) {
    dir = outDir ? path.resolve(ctx.cwd, outDir) : path.dirname(files[0]!.absolute);
    base = path.basename(files[0]!.absolute);
  } else {
    dir = outDir ? path.resolve(ctx.cwd, outDir) : ctx.cwd;
    base = `registration-${new Date().toISOString().slice(0, 10)}`;
  }
  if (outDir) {
    await mkdir(dir, { recursive: true });
    if (!(await stat(dir)).isDirectory()) throw new InputError({ code: 'BAD_ARGUMENT', message: t`--out ${outDir} is not a folder` });
  }
  const plain = path.join(dir, `${base}${RECEIPT_SUFFIX}`);
  if (files.length === 1 && !(await exists(plain))) return plain;
  return path.join(dir, `${base}.${id.slice(0, 8)}${RECEIPT_SUFFIX}`);
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
}

/**
 * The registration's inputs from the flags, checked before any file is read: algorithms, the
 * TSAs, trust anchors, and the identity — its passphrase asked now (a prompt must not race a
 * progress bar) and its key derived in the background while files are walked and hashed.
 */
export async function registrationInputs(ctx: CliContext, o: RegisterFlags): Promise<Omit<RegisterOptions, 'files'>> {
  const algorithms = [...new Set((o.algorithm.length ? o.algorithm : ['sha256']).map(parseAlgorithm))];
  const timeoutMs = Number(o.timeout) * 1000;
  if (!(timeoutMs > 0)) throw new InputError({ code: 'BAD_ARGUMENT', message: t`--timeout ${o.timeout}: expected a number of seconds` });
  const tsas = await resolveTsas(ctx, o.tsa);
  // A registry that cannot record the registration (damaged, from a newer tsproof) is refused before any TSA is asked.
  (await openExistingRegistry(ctx.home, { now: ctx.now }))?.close();
  const trust = await trustAnchors(ctx, o.trust);
  const identity = await beginUnlock(ctx, o.identity, o.passphraseFile);
  return {
    algorithms,
    identity,
    tsas,
    anchors: [],
    trust,
    now: ctx.now,
    random: ctx.random,
    client: { timeoutMs, proxy: proxyFromEnv(ctx.env), rateState: fileRateState(ctx.home) },
    ...(o.minTimestamps !== undefined ? { minTimestamps: Number(o.minTimestamps) } : {}),
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

export async function registerCommand(ctx: CliContext, inputs: string[], o: RegisterFlags & { out?: string; exclude?: string[]; changedOnly?: boolean; title?: string; project?: string; tag?: string[]; classification?: string }): Promise<number> {
  const meta = metaFlags(o);
  const common = await registrationInputs(ctx, o);
  const pool = takeHashPool();
  let progress: ProgressHandle | undefined;
  try {
    const { files, skipped } = await collectFiles(inputs, ctx.cwd, { exclude: o.exclude ?? [] });
    for (const s of skipped) warn(ctx, t`skipped ${s.path}: ${s.reason}`);
    if (files.length === 0) throw new InputError({ code: 'NO_FILES', message: t`no files to register` });
    const known = o.changedOnly ? await registeredDigests(ctx, common.identity.chain[0]!.sha256) : undefined;
    progress = await hashingProgress(ctx, files.length);
    const result = await register({
      ...common,
      files,
      pool,
      progress: progress.attach,
      meta,
      ...(known ? { skip: (_f: unknown, d: FileDigest) => common.algorithms.some((a) => known.has(`${a}:${d.digests[a]}`)) } : {}),
    });
    progress.stop();
    if (result.kind === 'unchanged') {
      if (ctx.json) printJson(ctx, { ok: true, unchanged: true, skipped: result.skipped.map((f) => f.name) });
      else out(ctx, t`Nothing to register: all ${result.skipped.length} file(s) are already registered by this identity.`);
      return 0;
    }
    return await writeResult(ctx, result, inputs, o.out);
  } finally {
    progress?.stop();
    await pool.close();
  }
}

/** Digests this identity registered before, as "alg:hex", from the registry. */
async function registeredDigests(ctx: CliContext, holderSha256: string): Promise<Set<string>> {
  const store = await openExistingRegistry(ctx.home, { now: ctx.now });
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
 * adopts it), never a record of a receipt that is not there.
 */
export async function saveRegistration(ctx: CliContext, reg: Registration, file: string): Promise<void> {
  for (const f of reg.tsaFailures) warn(ctx, t`a TSA failed (enough others answered): ${f.message}`);
  const digest = createHash('sha256');
  await writeAtomic(file, hashing(receiptChunks(reg.receipt), digest));
  const store = await openRegistry(ctx.home, { now: ctx.now });
  try {
    await recordRegistration(store, 'registration', { ...reg.verification, manifest: reg.manifest }, reg.receipt.entries, { path: file, sha256: digest.digest('hex') });
  } finally {
    store.close();
  }
}

async function writeResult(ctx: CliContext, reg: Registration, inputs: string[], outDir?: string): Promise<number> {
  const file = await receiptPath(ctx, reg.files, reg.receipt.id, outDir);
  await saveRegistration(ctx, reg, file);
  const shown = path.relative(ctx.cwd, file) || file;
  if (ctx.json) {
    await printJsonStreaming(
      ctx,
      {
        ok: true,
        receipt: shown,
        id: reg.receipt.id,
        time: reg.verification.time,
        holder: reg.verification.holder,
        timestamps: reg.verification.timestamps,
        merkleRoot: reg.manifest.merkle.root,
        ...(reg.manifest.meta ? { meta: reg.manifest.meta } : {}),
        skipped: reg.skipped.map((f) => f.name),
        files: [],
      },
      'files',
      (function* () {
        for (const e of reg.receipt.entries) yield { file: e.name, size: e.size, digests: e.digests };
      })(),
    );
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
  note(ctx, t`Verify later, offline, with: tsproof verify ${n === 1 ? inputs[0]! : '<file>'}${outDir ? ` --receipt ${shown}` : ''}`);
  return 0;
}
