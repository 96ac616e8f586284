/**
 * Turns the user's paths and globs into a sorted list of regular files with relative,
 * NFC-normalised POSIX names. The only module that uses fast-glob. Symlinks are not
 * followed (a registration records what is in the tree, not what it points at).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { lstat } from 'node:fs/promises';
import path from 'node:path';
import { InputError } from '../errors.js';
import { GITIGNORE_FILE, IGNORE_FILE, IgnoreRules, PatternError } from './ignore.js';
import { plain, t, type Text } from '../text.js';

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
  /** What the rules left out of walked folders (named like files, a folder with a trailing /), and why. */
  excluded: Excluded[];
}

export interface Excluded {
  name: string;
  /** `vcs`: a version-control folder; `rule`: an ignore pattern; `receipt`: a receipt or .tsproofignore. */
  kind: 'vcs' | 'rule' | 'receipt';
  reason: Text;
}

/** Version-control folders, left out of walks unless `includeVcs` (a `.git` file, as in worktrees, too). */
export const VCS_NAMES: ReadonlySet<string> = new Set(['.git', '.hg', '.svn']);

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
  /** Keep .git, .hg and .svn (left out by default). */
  includeVcs?: boolean;
  /** Honour the .gitignore files of walked folders too. */
  gitignore?: boolean;
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
  const excluded: Excluded[] = [];
  const exclude = excludeRules(opts.exclude ?? []);
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
    else if (st.isDirectory()) {
      const folderName = (a: string) => `${manifestName(a, root)}/`;
      walk(abs, '', [], {
        exclude,
        vcs: !opts.includeVcs,
        gitignore: !!opts.gitignore,
        add,
        skipped,
        left: (a, isDir, kind, reason) => excluded.push({ name: isDir ? folderName(a) : manifestName(a, root), kind, reason }),
        label: (a) => manifestName(a, root),
      });
    } else skipped.push({ path: input, reason: st.isSymbolicLink() ? t`symbolic link (not followed)` : t`not a regular file` });
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
  return { files, skipped, excluded };
}

/** The --exclude patterns; one that cannot be read is bad input naming it, never a rule dropped. */
function excludeRules(patterns: readonly string[]): IgnoreRules {
  const rules = new IgnoreRules();
  for (const p of patterns) {
    try {
      rules.add(p, plain`--exclude ${p}`);
    } catch (err) {
      if (!(err instanceof PatternError)) throw err;
      throw new InputError({ code: 'BAD_ARGUMENT', message: t`--exclude ${p}: ${err.text}` });
    }
  }
  return rules;
}

/** A folder's .tsproofignore or .gitignore; a line that cannot be read is bad input naming the file and line. */
function fileRules(file: string, label: string): IgnoreRules {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new InputError({ code: 'FILE_UNREADABLE', message: t`${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? 'error'})`, cause: err });
  }
  const rules = new IgnoreRules();
  text.split(/\r?\n/).forEach((line, i) => {
    try {
      rules.add(line, plain`${label}:${i + 1} ${line.trim()}`);
    } catch (err) {
      if (!(err instanceof PatternError)) throw err;
      throw new InputError({ code: 'BAD_ARGUMENT', message: t`${file}:${i + 1}: ${err.text} in the pattern ${line}` });
    }
  });
  return rules;
}

/** The rules of one folder of the walk, matched against paths relative to it (`prefix` is its path from the walk's root, with a trailing /). */
interface Layer {
  rules: IgnoreRules;
  prefix: string;
}

interface Walk {
  exclude: IgnoreRules;
  vcs: boolean;
  gitignore: boolean;
  add: (abs: string) => void;
  skipped: CollectResult['skipped'];
  left: (abs: string, isDir: boolean, kind: Excluded['kind'], reason: Text) => void;
  /** The name of a path as recorded (for the source of a rule). */
  label: (abs: string) => string;
}

/**
 * Synchronous: nothing else waits on this thread meanwhile (hashing threads boot and key
 * derivation runs on the libuv pool), and a pool round trip per folder made the walk of
 * 100,000 files in 100 folders ~40 % slower. Each folder's .tsproofignore (and .gitignore, when
 * asked) applies below it, as in git: the deepest rule that matches decides; --exclude above all.
 */
function walk(dir: string, rel: string, outer: readonly Layer[], w: Walk): void {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (err) {
    throw new InputError({ code: 'FILE_UNREADABLE', message: t`${dir}: cannot list folder (${(err as NodeJS.ErrnoException).code ?? 'error'})`, cause: err });
  }
  const prefix = dir.endsWith(path.sep) ? dir : dir + path.sep;
  let layers = outer;
  const own = (name: string) => entries.some((e) => e.name === name && e.isFile());
  if (w.gitignore && own(GITIGNORE_FILE)) layers = [...layers, { rules: fileRules(prefix + GITIGNORE_FILE, w.label(prefix + GITIGNORE_FILE)), prefix: rel ? `${rel}/` : '' }];
  if (own(IGNORE_FILE)) layers = [...layers, { rules: fileRules(prefix + IGNORE_FILE, w.label(prefix + IGNORE_FILE)), prefix: rel ? `${rel}/` : '' }];
  for (const e of entries) {
    const abs = prefix + e.name;
    const r = rel ? `${rel}/${e.name}` : e.name;
    const isDir = e.isDirectory();
    // Receipts kept beside the files are not part of what is registered, nor are ignore files.
    if (e.isFile() && (e.name.endsWith(RECEIPT_SUFFIX) || e.name === IGNORE_FILE)) {
      w.left(abs, false, 'receipt', e.name === IGNORE_FILE ? t`tsproof's ignore file` : t`a receipt`);
      continue;
    }
    if (w.vcs && VCS_NAMES.has(e.name)) {
      w.left(abs, isDir, 'vcs', t`version control (--include-vcs keeps it)`);
      continue;
    }
    let decision = w.exclude.size ? w.exclude.decide(r, isDir) : undefined;
    for (let i = layers.length - 1; !decision && i >= 0; i--) {
      const l = layers[i]!;
      decision = l.rules.size ? l.rules.decide(r.slice(l.prefix.length), isDir) : undefined;
    }
    if (decision?.ignored) {
      w.left(abs, isDir, 'rule', decision.source ?? t`an ignore rule`);
      continue;
    }
    if (e.isFile()) w.add(abs);
    else if (isDir) walk(abs, r, layers, w);
    else w.skipped.push({ path: abs, reason: e.isSymbolicLink() ? t`symbolic link (not followed)` : t`not a regular file` });
  }
}
