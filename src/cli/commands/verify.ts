/** tsproof verify — offline verification of local files against their receipts. */
import { loadConfig } from '../../core/home.js';
import { verifyDirectory, verifyFiles } from '../../core/verify/files.js';
import { InputError } from '../../core/errors.js';
import { atOption, policyOption, trustAnchors } from '../common.js';
import { printJson, out } from '../output.js';
import { renderDirectory, renderFileResult } from '../render.js';
import { VERSION } from '../output.js';
import { ExitCode } from '../exit.js';
import type { CliContext } from '../context.js';

export async function verifyCommand(
  ctx: CliContext,
  files: string[],
  o: { receipt?: string; trust: string[]; brief?: boolean; dir?: string; unregistered?: boolean; policy?: string; at?: string },
): Promise<number> {
  const trust = await trustAnchors(ctx, o.trust);
  const config = await loadConfig(ctx.home);
  const at = atOption(o.at);
  const policies = { anchors: [], trust, policy: policyOption(o.policy), ...(at ? { at } : {}), ...(config.acceptedPolicies ? { acceptedPolicies: config.acceptedPolicies } : {}) };
  if (o.dir) {
    if (!o.receipt) throw new InputError({ code: 'BAD_ARGUMENT', message: '--dir needs --receipt <file>' });
    if (files.length) throw new InputError({ code: 'BAD_ARGUMENT', message: 'give either files or --dir, not both' });
    const d = await verifyDirectory({ receipt: o.receipt, dir: o.dir, cwd: ctx.cwd, now: ctx.now(), unregistered: !!o.unregistered, ...policies });
    if (ctx.json) printJson(ctx, { tsproof: VERSION, ...d });
    else for (const line of renderDirectory(ctx, d, !o.brief)) out(ctx, line);
    return d.ok ? ExitCode.OK : ExitCode.VERIFY_FAILED;
  }
  if (files.length === 0) throw new InputError({ code: 'BAD_ARGUMENT', message: 'give the files to verify, or --receipt <file> --dir <folder>' });
  const results = await verifyFiles({ files, cwd: ctx.cwd, home: ctx.home, now: ctx.now(), ...(o.receipt ? { receipt: o.receipt } : {}), ...policies });
  const ok = results.every((r) => r.ok);
  if (ctx.json) printJson(ctx, { tsproof: VERSION, ok, results });
  else {
    results.forEach((r, i) => {
      if (i) out(ctx);
      for (const line of renderFileResult(ctx, r, !o.brief)) out(ctx, line);
    });
  }
  return ok ? ExitCode.OK : ExitCode.VERIFY_FAILED;
}
