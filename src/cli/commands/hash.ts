/** tsproof hash — fingerprints; default output is `sha256sum -c` compatible. */
import os from 'node:os';
import path from 'node:path';
import { InputError } from '../../core/errors.js';
import { isFileHash, type HashAlgorithm } from '../../core/crypto/algorithms.js';
import { hashFile, mapLimit } from '../../core/hash/digest.js';
import { collectFiles } from '../../core/io/files.js';
import { printJson, out, warn } from '../output.js';
import type { CliContext } from '../context.js';

export function parseAlgorithm(a: string): HashAlgorithm {
  const v = a.toLowerCase().replace('-', '');
  if (!isFileHash(v)) throw new InputError({ code: 'BAD_ARGUMENT', message: `unsupported algorithm "${a}" (use sha256, sha384 or sha512)` });
  return v;
}

/** coreutils escapes names containing a backslash or newline and prefixes the line with "\". */
function sumLine(hex: string, name: string): string {
  if (/[\\\n\r]/.test(name)) return `\\${hex}  ${name.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\r/g, '\\r')}`;
  return `${hex}  ${name}`;
}

export async function hashCommand(ctx: CliContext, inputs: string[], o: { algorithm: string }): Promise<number> {
  const alg = parseAlgorithm(o.algorithm);
  const { files, skipped } = await collectFiles(inputs, ctx.cwd);
  for (const s of skipped) warn(ctx, `skipped ${s.path}: ${s.reason}`);
  const results = await mapLimit(files, Math.max(2, os.availableParallelism()) * 2, (f) => hashFile(f.absolute, [alg], f.name));
  if (ctx.json) {
    printJson(ctx, { ok: true, algorithm: alg, files: files.map((f, i) => ({ file: f.name, size: results[i]!.size, digest: results[i]!.digests[alg] })) });
    return 0;
  }
  // Names relative to the working directory, so `sha256sum -c` finds the files from here.
  files.forEach((f, i) => out(ctx, sumLine(results[i]!.digests[alg]!, path.relative(ctx.cwd, f.absolute).split(path.sep).join('/') || f.name)));
  return 0;
}
