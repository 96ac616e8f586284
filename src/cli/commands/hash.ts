/** tsproof hash — fingerprints; default output is `sha256sum -c` compatible. */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { InputError } from '../../core/errors.js';
import { isFileHash, type HashAlgorithm } from '../../core/crypto/algorithms.js';
import { hashFiles, releaseHashPool, takeHashPool } from '../../core/hash/engine.js';
import { collectFiles } from '../../core/io/files.js';
import { printJson, warn } from '../output.js';
import { hashingProgress, sizeOf } from '../progress.js';
import type { CliContext } from '../context.js';
import { noteVcs, walkOptions, type WalkFlags } from '../common.js';
import { t } from '../../core/text.js';

export function parseAlgorithm(a: string): HashAlgorithm {
  const v = a.toLowerCase().replace('-', '');
  if (!isFileHash(v)) throw new InputError({ code: 'BAD_ARGUMENT', message: t`unsupported algorithm "${a}" (use sha256, sha384 or sha512)` });
  return v;
}

/** coreutils escapes names containing a backslash or newline and prefixes the line with "\". */
function sumLine(hex: string, name: string): string {
  if (/[\\\n\r]/.test(name)) return `\\${hex}  ${name.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\r/g, '\\r')}`;
  return `${hex}  ${name}`;
}

export async function hashCommand(ctx: CliContext, inputs: string[], o: { algorithm: string } & WalkFlags): Promise<number> {
  const alg = parseAlgorithm(o.algorithm);
  // Boot the hashing threads while the folders are walked.
  const pool = inputs.length > 1 || !(await isFile(path.resolve(ctx.cwd, o.base ?? '.', inputs[0]!))) ? takeHashPool() : (await releaseHashPool(), undefined);
  try {
    const { files, skipped, excluded } = await collectFiles(inputs, ctx.cwd, walkOptions(o));
    for (const s of skipped) warn(ctx, t`skipped ${s.path}: ${s.reason}`);
    noteVcs(ctx, excluded);
    const progress = await hashingProgress(ctx, files.length, sizeOf(files));
    let results;
    try {
      results = await hashFiles(
        files.map((f) => ({ path: f.absolute, display: f.name })),
        { algorithms: [alg], progress: progress.attach, ...(pool ? { pool } : {}) },
      );
    } finally {
      progress.stop();
    }
    if (ctx.json) {
      printJson(ctx, { ok: true, algorithm: alg, files: files.map((f, i) => ({ file: f.name, size: results[i]!.size, digest: results[i]!.digests[alg] })) });
      return 0;
    }
    // The names register records (docs/files.md#names): `sha256sum -c` finds the files from the
    // folder they are relative to — here for paths inside the current folder; one write.
    const lines = files.map((f, i) => sumLine(results[i]!.digests[alg]!, f.name));
    if (lines.length) ctx.stdout.write(`${lines.join('\n')}\n`);
    return 0;
  } finally {
    await pool?.close();
  }
}

async function isFile(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isFile();
  } catch {
    return false;
  }
}
