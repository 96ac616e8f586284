/** Everything a command needs from the outside world, passed in so tests control it. */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { Chalk, type ChalkInstance } from 'chalk';
import { resolveHome } from '../core/home.js';
import type { Catalog } from '../core/text.js';
import type { LangOption } from './i18n.js';

/** The languages of messages. */
export type MessageLang = 'en' | 'ko';

export interface Writable {
  write(s: string): unknown;
  isTTY?: boolean;
  /** A stream's 'drain' (a pipe took what was queued), for large outputs. */
  once?(event: 'drain', listener: () => void): unknown;
}

export interface CliContext {
  stdout: Writable;
  stderr: Writable;
  stdin: NodeJS.ReadStream;
  env: NodeJS.ProcessEnv;
  cwd: string;
  now: () => Date;
  random: (n: number) => Uint8Array;
  /** Colour for stderr/human output; off with NO_COLOR, --no-color or a non-TTY. */
  color: ChalkInstance;
  home: string;
  /** Set by --json. */
  json: boolean;
  /** Language of messages (from --lang, else the locale) and its catalog (none for English). */
  lang: MessageLang;
  catalog?: Catalog;
  /** --lang as given (ko, en or both): also the language of PDFs. */
  langOption?: LangOption;
}

export function processContext(): CliContext {
  const env = process.env;
  const tty = !!process.stdout.isTTY;
  const level = env.NO_COLOR !== undefined && env.NO_COLOR !== '' ? 0 : env.FORCE_COLOR ? 1 : tty ? 1 : 0;
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env,
    cwd: process.cwd(),
    now: () => new Date(),
    random: (n) => new Uint8Array(randomBytes(n)),
    color: new Chalk({ level }),
    home: resolveHome(env, process.cwd(), os.homedir()),
    json: false,
    lang: 'en',
  };
}
