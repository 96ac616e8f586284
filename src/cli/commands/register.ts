/** tsproof register — hash, sign, timestamp, write the receipt. */
import { mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { InputError } from '../../core/errors.js';
import { appendIndex, loadConfig } from '../../core/home.js';
import { exists, writeAtomic } from '../../core/io/fs.js';
import { collectFiles, RECEIPT_SUFFIX } from '../../core/io/files.js';
import { register } from '../../core/register.js';
import { serializeReceipt } from '../../core/receipt/receipt.js';
import type { TsaEndpoint } from '../../core/tsp/client.js';
import { trustAnchors, unlockIdentity } from '../common.js';
import { parseAlgorithm } from './hash.js';
import { formatTimestamp } from '../render.js';
import { note, out, printJson, warn } from '../output.js';
import type { CliContext } from '../context.js';

export const NO_TSA_MESSAGE =
  'no TSA configured: pass --tsa <url>, or add {"tsa": ["<url>"]} to $TSPROOF_HOME/config.json; for a local TSA run "tsproof tsa init" then "tsproof tsa serve" and use --tsa http://127.0.0.1:3161/';

export async function resolveTsas(ctx: CliContext, urls: readonly string[]): Promise<TsaEndpoint[]> {
  if (urls.length) return urls.map((url) => ({ url }));
  const config = await loadConfig(ctx.home);
  const tsas = (config.tsa ?? []).map((t) => (typeof t === 'string' ? { url: t } : t));
  if (tsas.length === 0) throw new InputError({ code: 'NO_TSA_CONFIGURED', message: NO_TSA_MESSAGE });
  return tsas;
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
    if (!(await stat(dir)).isDirectory()) throw new InputError({ code: 'BAD_ARGUMENT', message: `--out ${outDir} is not a folder` });
  }
  const plain = path.join(dir, `${base}${RECEIPT_SUFFIX}`);
  if (files.length === 1 && !(await exists(plain))) return plain;
  return path.join(dir, `${base}.${id.slice(0, 8)}${RECEIPT_SUFFIX}`);
}

export async function registerCommand(
  ctx: CliContext,
  inputs: string[],
  o: { identity?: string; tsa: string[]; trust: string[]; out?: string; algorithm: string[]; passphraseFile?: string; timeout: string },
): Promise<number> {
  const algorithms = [...new Set((o.algorithm.length ? o.algorithm : ['sha256']).map(parseAlgorithm))];
  const timeoutMs = Number(o.timeout) * 1000;
  if (!(timeoutMs > 0)) throw new InputError({ code: 'BAD_ARGUMENT', message: `--timeout ${o.timeout}: expected a number of seconds` });
  const tsas = await resolveTsas(ctx, o.tsa);
  const anchors = await trustAnchors(ctx, o.trust);
  const { files, skipped } = await collectFiles(inputs, ctx.cwd);
  for (const s of skipped) warn(ctx, `skipped ${s.path}: ${s.reason}`);
  if (files.length === 0) throw new InputError({ code: 'NO_FILES', message: 'no files to register' });
  const identity = await unlockIdentity(ctx, o.identity, o.passphraseFile);

  const reg = await register({
    files,
    algorithms,
    identity,
    tsas,
    anchors,
    now: ctx.now,
    random: ctx.random,
    client: { timeoutMs },
  });

  const file = await receiptPath(ctx, files, reg.receipt.id, o.out);
  await writeAtomic(file, serializeReceipt(reg.receipt));
  await appendIndex(ctx.home, {
    receipt: file,
    id: reg.receipt.id,
    time: reg.verification.time!,
    holder: reg.verification.holder!.subject,
    files: reg.files.map((f) => ({ name: f.name, path: f.absolute, digests: f.digests })),
  });

  const shown = path.relative(ctx.cwd, file) || file;
  if (ctx.json) {
    printJson(ctx, {
      ok: true,
      receipt: shown,
      id: reg.receipt.id,
      time: reg.verification.time,
      holder: reg.verification.holder,
      timestamps: reg.verification.timestamps,
      files: reg.files.map((f) => ({ file: f.name, size: f.size, digests: f.digests })),
    });
    return 0;
  }
  out(ctx, `Registered ${reg.files.length} file${reg.files.length > 1 ? 's' : ''} → ${shown}`);
  out(ctx, `  holder   ${reg.verification.holder!.subject}${reg.verification.holder!.identity === 'self-asserted' ? ' (self-asserted)' : ''}`);
  for (const t of reg.verification.timestamps) out(ctx, `  time     ${formatTimestamp(t)}`);
  out(ctx, `  id       ${reg.receipt.id}`);
  if (reg.files.length <= 20) for (const f of reg.files) out(ctx, `  ${f.digests[algorithms[0]!]}  ${f.name}`);
  note(ctx, `Verify later, offline, with: tsproof verify ${reg.files.length === 1 ? inputs[0] : '<file>'}${o.out ? ` --receipt ${shown}` : ''}`);
  return 0;
}
