/** tsproof verify — offline verification of local files against their receipts. */
import { loadConfig } from '../../core/home.js';
import { verifyFiles } from '../../core/verify/files.js';
import { trustAnchors } from '../common.js';
import { printJson, out } from '../output.js';
import { renderFileResult } from '../render.js';
import { VERSION } from '../output.js';
import { ExitCode } from '../exit.js';
import type { CliContext } from '../context.js';

export async function verifyCommand(ctx: CliContext, files: string[], o: { receipt?: string; trust: string[]; brief?: boolean }): Promise<number> {
  const anchors = await trustAnchors(ctx, o.trust);
  const config = await loadConfig(ctx.home);
  const results = await verifyFiles({
    files,
    cwd: ctx.cwd,
    home: ctx.home,
    anchors,
    now: ctx.now(),
    ...(o.receipt ? { receipt: o.receipt } : {}),
    ...(config.acceptedPolicies ? { acceptedPolicies: config.acceptedPolicies } : {}),
  });
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
