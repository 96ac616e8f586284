/**
 * Ignore rules for folder walks: `--exclude` patterns and a `.tsproofignore` file at the
 * root of each walked folder, in a subset of gitignore syntax (docs/files.md):
 *   # comment · blank lines · `*` within a segment · `**` across segments · `?` · `[abc]`,
 *   `[a-z]`, `[!a-z]` / `[^a-z]`, `[[:digit:]]` · `\x` a literal x ·
 *   a leading or inner `/` anchors the pattern to the folder root; otherwise it matches at
 *   any depth · a trailing `/` matches folders only · `!pattern` re-includes · last match wins.
 * An excluded folder is not entered (so, as in git, nothing below it can be re-included).
 *
 * A pattern that cannot be read (a reversed range `[z-a]`, an unclosed `[`, an unknown class, a
 * trailing `\`) is an error, never a rule quietly dropped: a dropped rule registers files the
 * user meant to leave out. Patterns are matched by simulating their automaton over the name —
 * time linear in the name for a given pattern, whatever the pattern (no backtracking regex).
 */
import { t, type Text } from '../text.js';

/** A pattern that cannot be read; `text` says why (the caller names the file and line, or the option). */
export class PatternError extends Error {
  constructor(readonly text: Text) {
    super(text.render());
  }
}

/** What one step of the automaton accepts: a code point test. */
type Pred = (cp: number) => boolean;

/** Nodes of a Thompson automaton: a step over one code point, a fork of two ways, or the end. */
type Node = { id: number } & ({ kind: 'step'; pred: Pred; out: Node } | { kind: 'fork'; a: Node; b: Node } | { kind: 'accept' });

const SLASH = 0x2f;
const UNCLOSED = () => t`unclosed "[" (write \\[ for a literal bracket)`;
const ANY: Pred = () => true;
const NOT_SLASH: Pred = (cp) => cp !== SLASH;

// POSIX classes (ASCII, as git's wildmatch).
const POSIX: Record<string, Pred> = {
  alnum: (c) => (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a),
  alpha: (c) => (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a),
  blank: (c) => c === 0x20 || c === 0x09,
  cntrl: (c) => c < 0x20 || c === 0x7f,
  digit: (c) => c >= 0x30 && c <= 0x39,
  graph: (c) => c > 0x20 && c < 0x7f,
  lower: (c) => c >= 0x61 && c <= 0x7a,
  print: (c) => c >= 0x20 && c < 0x7f,
  punct: (c) => c > 0x20 && c < 0x7f && !POSIX.alnum!(c),
  space: (c) => c === 0x20 || (c >= 0x09 && c <= 0x0d),
  upper: (c) => c >= 0x41 && c <= 0x5a,
  xdigit: (c) => (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66),
};

type Token = { t: 'step'; pred: Pred } | { t: 'star' } | { t: 'any' } | { t: 'dirs' };

/** `[...]` starting at cps[i] (the `[`): its test and the index of its `]`. */
function bracket(cps: readonly number[], i: number): { pred: Pred; end: number } {
  let j = i + 1;
  const negate = cps[j] === 0x21 || cps[j] === 0x5e; // ! or ^
  if (negate) j++;
  const ranges: [number, number][] = [];
  const classes: Pred[] = [];
  let first = true;
  for (;;) {
    const c = cps[j];
    if (c === undefined) throw new PatternError(UNCLOSED());
    if (c === 0x5d && !first) break; // ]
    first = false;
    if (c === 0x5b && cps[j + 1] === 0x3a) {
      // [:name:]
      let k = j + 2;
      while (cps[k] !== undefined && !(cps[k] === 0x3a && cps[k + 1] === 0x5d)) k++;
      if (cps[k] === undefined) throw new PatternError(t`unclosed "[:" class`);
      const name = String.fromCodePoint(...cps.slice(j + 2, k));
      const p = POSIX[name];
      if (!p) throw new PatternError(t`unknown character class "[:${name}:]"`);
      classes.push(p);
      j = k + 2;
      continue;
    }
    let lo = c;
    if (c === 0x5c) {
      // \x inside a bracket: x itself
      if (cps[j + 1] === undefined) throw new PatternError(UNCLOSED());
      lo = cps[++j]!;
    }
    j++;
    if (cps[j] === 0x2d && cps[j + 1] !== undefined && cps[j + 1] !== 0x5d) {
      // a range lo-hi
      let hi = cps[j + 1]!;
      j += 2;
      if (hi === 0x5c) {
        if (cps[j] === undefined) throw new PatternError(UNCLOSED());
        hi = cps[j++]!;
      }
      if (hi < lo) throw new PatternError(t`reversed range "${String.fromCodePoint(lo)}-${String.fromCodePoint(hi)}"`);
      ranges.push([lo, hi]);
    } else ranges.push([lo, lo]);
  }
  const pred: Pred = (cp) => {
    if (cp === SLASH) return false; // a bracket never matches the separator
    const hit = ranges.some(([lo, hi]) => cp >= lo && cp <= hi) || classes.some((p) => p(cp));
    return hit !== negate;
  };
  return { pred, end: j };
}

function tokenize(glob: string): Token[] {
  const cps = [...glob].map((c) => c.codePointAt(0)!);
  const out: Token[] = [];
  for (let i = 0; i < cps.length; i++) {
    const c = cps[i]!;
    if (c === 0x2a) {
      // `**/` any leading folders, `/**` anything below, lone `**` anything; `*` within a segment.
      if (cps[i + 1] === 0x2a) {
        while (cps[i + 1] === 0x2a) i++;
        if (cps[i + 1] === SLASH) {
          out.push({ t: 'dirs' });
          i++;
        } else out.push({ t: 'any' });
      } else out.push({ t: 'star' });
    } else if (c === 0x3f) out.push({ t: 'step', pred: NOT_SLASH });
    else if (c === 0x5b) {
      const { pred, end } = bracket(cps, i);
      out.push({ t: 'step', pred });
      i = end;
    } else if (c === 0x5c) {
      const next = cps[++i];
      if (next === undefined) throw new PatternError(t`trailing "\\" escapes nothing`);
      out.push({ t: 'step', pred: (cp) => cp === next });
    } else out.push({ t: 'step', pred: (cp) => cp === c });
  }
  return out;
}

/**
 * Adjacent wildcards as one (a run of "any folders" tokens is one, and "anything" absorbs any
 * wildcard beside it, as "any folders" absorbs a following "*" into "anything"). Each wildcard is
 * a loop its neighbour is reached from without reading a character, so a run of n of them made
 * every step of matching cost n²: a line of 100 "any folders" took 0.26 s for each path, and
 * 40,000 of them would take minutes (the fuzzer's `ignore` target). What they match is kept:
 * (.*SLASH)?(.*SLASH)? = (.*SLASH)?, and .* absorbs the others.
 */
function mergeWildcards(tokens: readonly Token[]): Token[] {
  const out: Token[] = [];
  for (const tok of tokens) {
    const last = out.at(-1);
    if (tok.t !== 'step' && last && last.t !== 'step') {
      if (last.t === tok.t) continue;
      if (last.t === 'any' || tok.t === 'any' || (last.t === 'dirs' && tok.t === 'star')) {
        out[out.length - 1] = { t: 'any' };
        continue;
      }
    }
    out.push(tok);
  }
  return out;
}

/** The automaton of `tokens`, built from the end; `count` numbers its nodes. */
function compile(tokens: readonly Token[]): { start: Node; count: number } {
  let count = 0;
  const step = (pred: Pred, out: Node): Node => ({ id: count++, kind: 'step', pred, out });
  const fork = (a: Node, b: Node): Node => ({ id: count++, kind: 'fork', a, b });
  // A loop over `pred` that may be left at any time for `next`.
  const loop = (pred: Pred, next: Node): Node => {
    const f = fork(next, next);
    if (f.kind === 'fork') f.a = step(pred, f);
    return f;
  };
  let next: Node = { id: count++, kind: 'accept' };
  for (let i = tokens.length - 1; i >= 0; i--) {
    const tok = tokens[i]!;
    switch (tok.t) {
      case 'step':
        next = step(tok.pred, next);
        break;
      case 'star':
        next = loop(NOT_SLASH, next);
        break;
      case 'any':
        next = loop(ANY, next);
        break;
      case 'dirs':
        // (any characters, then "/") or nothing
        next = fork(
          next,
          loop(
            ANY,
            step((cp) => cp === SLASH, next),
          ),
        );
        break;
    }
  }
  return { start: next, count };
}

/**
 * A compiled pattern. `matches` keeps every state the automaton can be in while it reads the
 * name, each at most once per character: O(name × pattern) steps, never more.
 */
class Glob {
  private readonly start: Node;
  private readonly seen: Int32Array;
  private generation = 0;

  constructor(tokens: readonly Token[]) {
    const { start, count } = compile(tokens);
    this.start = start;
    this.seen = new Int32Array(count);
  }

  matches(name: string): boolean {
    this.generation++;
    let current: Node[] = [];
    this.close(current, this.start);
    for (const ch of name) {
      const cp = ch.codePointAt(0)!;
      const next: Node[] = [];
      this.generation++;
      for (const n of current) if (n.kind === 'step' && n.pred(cp)) this.close(next, n.out);
      if (next.length === 0) return false;
      current = next;
    }
    return current.some((n) => n.kind === 'accept');
  }

  /** Adds `n` and the nodes reachable from it without reading, each once per generation. */
  private close(set: Node[], n: Node): void {
    const stack = [n];
    while (stack.length) {
      const x = stack.pop()!;
      if (this.seen[x.id] === this.generation) continue;
      this.seen[x.id] = this.generation;
      if (x.kind === 'fork') stack.push(x.b, x.a);
      else set.push(x);
    }
  }
}

interface Rule {
  negate: boolean;
  dirOnly: boolean;
  glob: Glob;
  /** Where the rule comes from (`--exclude x`, `d/.gitignore:3`), to say why a path is left out. */
  source: Text | undefined;
}

export class IgnoreRules {
  private readonly rules: Rule[] = [];

  /** Throws PatternError at the first pattern that cannot be read. */
  constructor(lines: readonly string[] = []) {
    for (const l of lines) this.add(l);
  }

  /** Adds one line; throws PatternError when its pattern cannot be read. */
  add(line: string, source?: Text): void {
    let p = trimTrailingBlanks(line);
    if (!p || p.startsWith('#')) return;
    const negate = p.startsWith('!');
    if (negate) p = p.slice(1);
    const dirOnly = p.endsWith('/');
    if (dirOnly) p = p.slice(0, -1);
    const anchored = p.includes('/');
    if (p.startsWith('/')) p = p.slice(1);
    if (!p) return;
    // Unanchored patterns match at any depth: as if preceded by `**/`.
    const tokens: Token[] = anchored ? [] : [{ t: 'dirs' }];
    tokens.push(...tokenize(p));
    this.rules.push({ negate, dirOnly, glob: new Glob(mergeWildcards(tokens)), source });
  }

  get size(): number {
    return this.rules.length;
  }

  /** Whether `rel` (POSIX, relative to the folder root) is excluded; `isDir` for folders. */
  ignores(rel: string, isDir: boolean): boolean {
    return this.decide(rel, isDir)?.ignored ?? false;
  }

  /**
   * What these rules say of `rel`: excluded or re-included, and by which rule — or undefined when
   * no rule matches (so that rules of an outer folder stand, as in git).
   */
  decide(rel: string, isDir: boolean): { ignored: boolean; source: Text | undefined } | undefined {
    for (let i = this.rules.length - 1; i >= 0; i--) {
      const r = this.rules[i]!;
      if (r.dirOnly && !isDir) continue;
      // The last matching rule wins: scanning from the end, the first match decides.
      if (r.glob.matches(rel)) return { ignored: !r.negate, source: r.source };
    }
    return undefined;
  }
}

/** Trailing blanks are not part of a pattern, unless the first is escaped (`a\\ `). A loop, not a regex: lines may be long. */
function trimTrailingBlanks(line: string): string {
  let end = line.length;
  while (end > 0 && /\s/.test(line[end - 1]!)) end--;
  if (end > 0 && end < line.length && line[end - 1] === '\\') end++;
  return line.slice(0, end);
}

export const IGNORE_FILE = '.tsproofignore';
export const GITIGNORE_FILE = '.gitignore';
