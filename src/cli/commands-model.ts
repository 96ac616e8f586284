/**
 * The command definitions (buildProgram's commander tree) as plain data: what `--help` shows —
 * visible commands, their arguments and options, descriptions in the message language — plus
 * what each value may be (a file, a folder, one of a few words), for the shell completion
 * scripts (completion.ts) and the man page (manpage.ts), so that neither keeps a second list.
 */
import type { Argument, Command, Help, Option } from 'commander';
import { FILE_HASHES } from '../core/crypto/algorithms.js';
import { ROLES } from '../core/org/records.js';
import { HANDLING_ACTIONS, PLEDGE_KINDS } from '../core/secrets/model.js';
import { KNOWN_TSA_ROOTS } from '../core/trust/known.js';
import { PUBLIC_TSAS } from '../core/tsa/public-tsas.js';
import { LANG_OPTIONS, helpText } from './i18n.js';
import type { MessageLang } from './context.js';

/** What a value is: completed as a file name, a folder name, one of `values`, or not at all (free text). */
export type ValueKind = { kind: 'file' } | { kind: 'dir' } | { kind: 'words'; words: readonly string[] } | { kind: 'text' };

export interface OptionSpec {
  /** As --help shows them: `-a, --algorithm <alg>`. */
  flags: string;
  short?: string;
  long?: string;
  /** The description as --help shows it (with its default). */
  description: string;
  /** The option's value, when it takes one: its placeholder name and what it may be. */
  value?: { name: string; optional: boolean; kind: ValueKind };
  /** May be given more than once. */
  repeatable: boolean;
}

export interface ArgumentSpec {
  name: string;
  required: boolean;
  variadic: boolean;
  kind: ValueKind;
}

export interface CommandSpec {
  /** Command names from the top: [] for tsproof itself, ['identity', 'new'] … */
  path: string[];
  /** `tsproof identity new [options]`, as --help's first line shows it. */
  usage: string;
  description: string;
  args: ArgumentSpec[];
  options: OptionSpec[];
  commands: CommandSpec[];
  /** Commander's `help [command]`, which every command with subcommands has. */
  isHelp: boolean;
}

export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

/**
 * Values that can be listed: by option or argument (`--format`, `<shell>`), for every command or
 * only one (`export --format`). test/cli/completion.test.ts checks that each names an option or
 * argument that exists.
 */
export const WORDS: readonly { command?: string; name: string; words: readonly string[] }[] = [
  { name: '--lang', words: LANG_OPTIONS },
  { name: '--algorithm', words: FILE_HASHES },
  { name: '--policy', words: ['strict', 'compatible'] },
  { name: '--tsa', words: PUBLIC_TSAS.map((x) => x.name) },
  { command: 'tsa probe', name: '<url|name>', words: PUBLIC_TSAS.map((x) => x.name) },
  { command: 'export', name: '--format', words: ['evidence', 'in-toto', 'ers'] },
  { command: 'trust add', name: '--for', words: ['tsa', 'holder', 'any'] },
  { command: 'trust add', name: '--known', words: KNOWN_TSA_ROOTS.map((x) => x.name) },
  { command: 'escrow deposit', name: '--cipher', words: ['aes-256-cbc', 'aes-256-gcm'] },
  { name: '--kind', words: PLEDGE_KINDS },
  { name: '--status', words: ['active', 'retired', 'destroyed'] },
  { command: 'registry token create', name: '--role', words: ROLES },
  { command: 'secret event', name: '<action>', words: HANDLING_ACTIONS },
  { command: 'completion', name: '<shell>', words: SHELLS },
];

/** Placeholder names (`--out <file>`, `<paths...>`) whose values are paths. */
const FILE_VALUES = new Set(['file', 'files', 'pem', 'pdf', 'receipt', 'receipts', 'deposit', 'path', 'paths', 'p12', 'scan', 'envelope', 'p7s', 'pem|sha256', 'id|receipt', 'file|digest|name', 'registration']);
const DIR_VALUES = new Set(['dir', 'folder']);

function kindOf(command: string, name: string, placeholder: string): ValueKind {
  const listed = WORDS.find((w) => w.name === name && (w.command === undefined || w.command === command));
  if (listed) return { kind: 'words', words: listed.words };
  if (FILE_VALUES.has(placeholder)) return { kind: 'file' };
  if (DIR_VALUES.has(placeholder)) return { kind: 'dir' };
  return { kind: 'text' };
}

/** The tree of visible commands under `program`, described in `lang` (the program was built in it). */
export function describeProgram(program: Command, lang: MessageLang): CommandSpec {
  return describe(program, [], lang);
}

function describe(cmd: Command, path: string[], lang: MessageLang, parentCommands: readonly string[] = []): CommandSpec {
  const help = cmd.createHelp();
  const name = path.join(' ');
  const options = help.visibleOptions(cmd).map((o) => optionSpec(o, name, help, lang));
  const visible = help.visibleCommands(cmd);
  const isHelp = path.length > 0 && cmd.name() === 'help' && !(cmd.parent?.commands ?? []).includes(cmd);
  const args = cmd.registeredArguments.map((a) => argumentSpec(a, name, isHelp ? parentCommands : undefined));
  const names = visible.map((c) => c.name());
  return {
    path,
    usage: ['tsproof', ...path, cmd.usage()].filter(Boolean).join(' '),
    description: helpText(lang, path.length ? help.subcommandDescription(cmd) : help.commandDescription(cmd)),
    args,
    options,
    commands: visible.map((c) =>
      describe(
        c,
        [...path, c.name()],
        lang,
        names.filter((n) => n !== 'help'),
      ),
    ),
    isHelp,
  };
}

function optionSpec(o: Option, command: string, help: Help, lang: MessageLang): OptionSpec {
  const placeholder = /[<[]([^>\]]+?)(\.\.\.)?[>\]]/.exec(o.flags);
  const spec: OptionSpec = {
    flags: help.optionTerm(o),
    description: helpText(lang, help.optionDescription(o)),
    repeatable: o.variadic || Array.isArray(o.defaultValue),
  };
  if (o.short) spec.short = o.short;
  if (o.long) spec.long = o.long;
  if (placeholder && (o.required || o.optional)) spec.value = { name: placeholder[1]!, optional: o.optional, kind: kindOf(command, o.long ?? o.short ?? '', placeholder[1]!) };
  return spec;
}

function argumentSpec(a: Argument, command: string, helpTopics?: readonly string[]): ArgumentSpec {
  const name = a.name();
  const shown = `${a.required ? '<' : '['}${name}${a.variadic ? '...' : ''}${a.required ? '>' : ']'}`;
  // `help [command]`: the commands beside it.
  const kind: ValueKind = helpTopics ? { kind: 'words', words: helpTopics } : kindOf(command, `<${name}>`, name);
  return { name: shown, required: a.required, variadic: a.variadic, kind };
}

/** Every command in the tree, depth first (tsproof itself first). */
export function allCommands(spec: CommandSpec): CommandSpec[] {
  return [spec, ...spec.commands.flatMap(allCommands)];
}
