/**
 * Passphrases come from TSPROOF_PASSPHRASE, --passphrase-file, or a prompt on a TTY —
 * never from an argv value, and never echoed or logged. A variable set to the empty string is
 * not the same as an unset one: it is an empty passphrase — valid for opening a container that
 * has none (`allowEmpty`), refused with a clear message where a passphrase must protect a key.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { InputError } from '../core/errors.js';
import type { CliContext } from './context.js';
import { t, type Text } from '../core/text.js';
import { tr } from './output.js';

export interface PassphraseSource {
  /** Environment variable to read. */
  env: string;
  file?: string;
  prompt: Text;
  /** Ask twice (when creating a new secret). */
  confirm?: boolean;
  /** An empty passphrase is acceptable (a container protected by an empty password). */
  allowEmpty?: boolean;
}

export async function getPassphrase(ctx: CliContext, s: PassphraseSource): Promise<string> {
  if (s.file) {
    let text: string;
    try {
      text = await readFile(path.resolve(ctx.cwd, s.file), 'utf8');
    } catch {
      throw new InputError({ code: 'FILE_NOT_FOUND', message: t`${s.file}: cannot read passphrase file` });
    }
    const p = text.replace(/\r?\n$/, '');
    if (!p && !s.allowEmpty) throw new InputError({ code: 'NO_PASSPHRASE', message: t`${s.file}: passphrase file is empty` });
    return p;
  }
  const v = ctx.env[s.env];
  if (v === '' && !s.allowEmpty) throw new InputError({ code: 'NO_PASSPHRASE', message: t`${s.env} is set but empty, and this passphrase may not be empty: set it, or unset it to be asked` });
  if (v !== undefined) return v;
  if (!ctx.stdin.isTTY || !ctx.stderr.isTTY) {
    throw new InputError({ code: 'NO_PASSPHRASE', message: t`a passphrase is needed: set ${s.env} or use --passphrase-file <file>` });
  }
  const first = await prompt(ctx, tr(ctx, s.prompt));
  if (s.confirm && (await prompt(ctx, tr(ctx, t`Repeat passphrase: `))) !== first) {
    throw new InputError({ code: 'BAD_ARGUMENT', message: t`the passphrases do not match` });
  }
  if (!first && !s.allowEmpty) throw new InputError({ code: 'NO_PASSPHRASE', message: t`empty passphrase` });
  return first;
}

/** Reads a line from the TTY without echo. */
function prompt(ctx: CliContext, question: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const stdin = ctx.stdin;
    ctx.stderr.write(question);
    let buf = '';
    stdin.setRawMode(true);
    stdin.resume();
    stdin.setEncoding('utf8');
    const onData = (s: string) => {
      for (const ch of s) {
        if (ch === '\r' || ch === '\n') return finish();
        if (ch === '\u0003') return finish(new InputError({ code: 'NO_PASSPHRASE', message: t`cancelled` }));
        if (ch === '\u007f' || ch === '\b') buf = buf.slice(0, -1);
        else buf += ch;
      }
    };
    const finish = (err?: Error) => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      ctx.stderr.write('\n');
      if (err) reject(err);
      else resolve(buf.normalize('NFC'));
    };
    stdin.on('data', onData);
  });
}
