/**
 * Turns the user's paths and globs into a sorted list of regular files with relative,
 * NFC-normalised POSIX names. The only module that uses fast-glob. Symlinks are not
 * followed (a registration records what is in the tree, not what it points at).
 */
import { readdirSync } from 'node:fs';
import { lstat, readFile } from 'node:fs/promises';
import path from 'node:path';
import { InputError } from '../errors.js';
import { IGNORE_FILE, IgnoreRules, PatternError } from './ignore.js';
import { t, type Text } from '../text.js';

export interface FileRef {
  /** Absolute path on this machine. */
  absolute: string;
  /** Name recorded in the manifest: relative to `base`, POSIX separators, NFC. */
  name: string;
}

export interface CollectResult {
  files: FileRef[];
  /** Things skipped, with the reason (symlinks, sockets, devices). */
  skipped: { path: string; reason: Text }[];
}

/** File-name suffix of receipts; folder walks skip such files. */
export const RECEIPT_SUFFIX = '.tsproof.json';

const GLOB_CHARS = /[*?[\]{}]/;

const ASCII = /^[\x20-\x7e]*$/;

export function manifestName(absolute: string, base: string): string {
  // Fast path (the common case, 10,000s of times per registration): a file below `base`.
  const prefix = base.endsWith(path.sep) ? base : base + path.sep;
  let rel: string;
  if (absolute.startsWith(prefix)) rel = absolute.slice(prefix.length);
  else {
    rel = path.relative(base, absolute);
    if (rel.startsWith('..') || path.isAbsolute(rel)) rel = path.basename(absolute);
  }
  if (path.sep !== '/') rel = rel.split(path.sep).join('/');
  return ASCII.test(rel) ? rel : rel.normalize('NFC');
}

/**
 * Collects files from `inputs` (files, folders — recursively — and globs) given from `cwd`, and
 * names them by one rule (docs/files.md#names), the same for hash, register and verify --dir:
 *  - with `base` (-C): inputs are taken from `base` and named relative to it; one outside is refused;
 *  - else a path inside the current folder is named relative to it, as typed (`d/a.txt`, `.` → its content);
 *  - a path outside it relative to its own parent: a folder `/srv/cad/project` or `../project` gives
 *    `project/…`, a file its name, a glob the names below its fixed folder's parent.
 */
export interface CollectOptions {
  /** Patterns (gitignore subset) excluded inside walked folders, besides each folder's .tsproofignore. */
  exclude?: readonly string[];
  /** -C / --base: the folder inputs are taken from and names are relative to. */
  base?: string;
}

/** Whether `abs` is `dir` or lies below it. */
function inside(abs: string, dir: string): boolean {
  const rel = path.relative(dir, abs);
  return !path.isAbsolute(rel) && rel !== '..' && !rel.startsWith(`..${path.sep}`);
}

/** The folder part of a glob before its first segment with a pattern character (`src` for `src/**\/*.c`). */
function globFolder(pattern: string): string {
  const segs = pattern.split(/[\\/]/);
  const i = segs.findIndex((s) => GLOB_CHARS.test(s));
  const fixed = segs.slice(0, i).join('/');
  return fixed || (pattern.startsWith('/') ? '/' : '.');
}

export async function collectFiles(inputs: readonly string[], cwd: string, opts: CollectOptions = {}): Promise<CollectResult> {
  const found: FileRef[] = [];
  const skipped: CollectResult['skipped'] = [];
  const from = opts.base !== undefined ? path.resolve(cwd, opts.base) : cwd;
  if (opts.base !== undefined) {
    const st = await lstat(from).catch(() => undefined);
    if (!st?.isDirectory()) throw new InputError({ code: 'BAD_ARGUMENT', message: t`-C ${opts.base}: not a folder` });
  }
  /** The folder names are relative to, for an input at `abs` (a folder, a file, a glob's fixed folder). */
  const rootFor = (abs: string, input: string): string => {
    if (opts.base !== undefined) {
      if (!inside(abs, from)) throw new InputError({ code: 'BAD_ARGUMENT', message: t`${input} is outside the base folder ${opts.base} (-C), so it has no name relative to it` });
      return from;
    }
    return inside(abs, cwd) ? cwd : path.dirname(abs);
  };
  for (const input of inputs) {
    const abs = path.resolve(from, input);
    let st;
    try {
      st = await lstat(abs);
    } catch {
      st = undefined;
    }
    if (!st) {
      if (GLOB_CHARS.test(input)) {
        const root = rootFor(path.resolve(from, globFolder(input)), input);
        // Loaded only for patterns: it is the costliest module to start (~12 ms).
        const { default: fg } = await import('fast-glob');
        const matches = await fg(input.split(path.sep).join('/'), { cwd: from, absolute: true, onlyFiles: true, followSymbolicLinks: false, dot: true });
        if (matches.length === 0) throw new InputError({ code: 'NO_FILES', message: t`${input}: no files match` });
        for (const m of matches) {
          const a = path.normalize(m);
          found.push({ absolute: a, name: manifestName(a, root) });
        }
        continue;
      }
      throw new InputError({ code: 'FILE_NOT_FOUND', message: t`${input}: no such file or directory` });
    }
    const root = rootFor(abs, input);
    const add = (a: string) => {
      found.push({ absolute: a, name: manifestName(a, root) });
    };
    if (st.isFile()) add(abs);
    else if (st.isDirectory()) walk(abs, '', await ignoreRules(abs, opts.exclude ?? []), add, skipped);
    else skipped.push({ path: input, reason: st.isSymbolicLink() ? t`symbolic link (not followed)` : t`not a regular file` });
  }
  found.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  // The same file given twice (a folder and a file in it, overlapping globs) counts once; two
  // different files under one name cannot both be registered.
  const files: FileRef[] = [];
  for (const f of found) {
    const prev = files[files.length - 1];
    if (prev?.name !== f.name) files.push(f);
    else if (prev.absolute !== f.absolute) {
      throw new InputError({ code: 'BAD_ARGUMENT', message: t`two files would be recorded as "${f.name}": ${prev.absolute} and ${f.absolute}; give them from a common parent folder, or name the base with -C <folder>` });
    }
  }
  return { files, skipped };
}

/**
 * The rules for a walk of `dir`: the --exclude patterns, then its .tsproofignore. A pattern that
 * cannot be read is bad input naming the pattern (or the file and line), never a rule dropped.
 */
async function ignoreRules(dir: string, exclude: readonly string[]): Promise<IgnoreRules> {
  const rules = new IgnoreRules();
  for (const p of exclude) {
    try {
      rules.add(p);
    } catch (err) {
      if (!(err instanceof PatternError)) throw err;
      throw new InputError({ code: 'BAD_ARGUMENT', message: t`--exclude ${p}: ${err.text}` });
    }
  }
  const file = path.join(dir, IGNORE_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return rules;
    throw new InputError({ code: 'FILE_UNREADABLE', message: t`${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? 'error'})`, cause: err });
  }
  text.split(/\r?\n/).forEach((line, i) => {
    try {
      rules.add(line);
    } catch (err) {
      if (!(err instanceof PatternError)) throw err;
      throw new InputError({ code: 'BAD_ARGUMENT', message: t`${file}:${i + 1}: ${err.text} in the pattern ${line}` });
    }
  });
  return rules;
}

/**
 * Synchronous: nothing else waits on this thread meanwhile (hashing threads boot and key
 * derivation runs on the libuv pool), and a pool round trip per folder made the walk of
 * 100,000 files in 100 folders ~40 % slower.
 */
function walk(dir: string, rel: string, rules: IgnoreRules, add: (abs: string) => void, skipped: CollectResult['skipped']): void {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (err) {
    throw new InputError({ code: 'FILE_UNREADABLE', message: t`${dir}: cannot list folder (${(err as NodeJS.ErrnoException).code ?? 'error'})`, cause: err });
  }
  const prefix = dir.endsWith(path.sep) ? dir : dir + path.sep;
  for (const e of entries) {
    const abs = prefix + e.name;
    const r = rel ? `${rel}/${e.name}` : e.name;
    // Receipts kept beside the files are not part of what is registered, nor is the ignore file.
    if (e.isFile() && (e.name.endsWith(RECEIPT_SUFFIX) || (!rel && e.name === IGNORE_FILE))) continue;
    if (rules.size && rules.ignores(r, e.isDirectory())) continue;
    if (e.isFile()) add(abs);
    else if (e.isDirectory()) walk(abs, r, rules, add, skipped);
    else skipped.push({ path: abs, reason: e.isSymbolicLink() ? t`symbolic link (not followed)` : t`not a regular file` });
  }
}
