/** `tsproof completion bash|zsh|fish`: prints a completion script made from the command definitions. */
import type { Command } from 'commander';
import { InputError } from '../../core/errors.js';
import { t } from '../../core/text.js';
import { SHELLS, describeProgram, type Shell } from '../commands-model.js';
import { completionScript } from '../completion.js';
import type { CliContext } from '../context.js';
import { ExitCode } from '../exit.js';
import { printJson } from '../output.js';

export async function completionCommand(ctx: CliContext, program: Command, shell: string): Promise<number> {
  if (!SHELLS.includes(shell as Shell)) throw new InputError({ code: 'BAD_ARGUMENT', message: t`completion ${shell}: expected bash, zsh or fish` });
  const script = completionScript(shell as Shell, describeProgram(program, ctx.lang));
  if (ctx.json) printJson(ctx, { ok: true, shell, script });
  else ctx.stdout.write(script);
  return ExitCode.OK;
}
