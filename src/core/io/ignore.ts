/**
 * Ignore rules for folder walks: `--exclude` patterns and a `.tsproofignore` file at the
 * root of each walked folder, in a subset of gitignore syntax (docs/files.md):
 *   # comment · blank lines · `*` within a segment · `**` across segments · `?` · `[abc]`
 *   a leading or inner `/` anchors the pattern to the folder root; otherwise it matches at
 *   any depth · a trailing `/` matches folders only · `!pattern` re-includes · last match wins.
 * An excluded folder is not entered (so, as in git, nothing below it can be re-included).
 */
interface Rule {
  negate: boolean;
  dirOnly: boolean;
  re: RegExp;
}

function toRegExp(glob: string): string {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') {
      if (glob[i + 1] === '*') {
        // `**/` any leading folders, `/**` anything below, lone `**` anything.
        if (glob[i + 2] === '/') {
          out += '(?:.*/)?';
          i += 2;
        } else {
          out += '.*';
          i += 1;
        }
      } else out += '[^/]*';
    } else if (c === '?') out += '[^/]';
    else if (c === '[') {
      const end = glob.indexOf(']', i + 1);
      if (end < 0) out += '\\[';
      else {
        out += `[${glob.slice(i + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else out += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return out;
}

export class IgnoreRules {
  private readonly rules: Rule[] = [];

  constructor(lines: readonly string[] = []) {
    for (const l of lines) this.add(l);
  }

  add(line: string): void {
    let p = line.replace(/\s+$/, '');
    if (!p || p.startsWith('#')) return;
    const negate = p.startsWith('!');
    if (negate) p = p.slice(1);
    const dirOnly = p.endsWith('/');
    if (dirOnly) p = p.slice(0, -1);
    const anchored = p.includes('/');
    if (p.startsWith('/')) p = p.slice(1);
    if (!p) return;
    const body = toRegExp(p);
    this.rules.push({ negate, dirOnly, re: new RegExp(`^${anchored ? '' : '(?:.*/)?'}${body}$`) });
  }

  get size(): number {
    return this.rules.length;
  }

  /** Whether `rel` (POSIX, relative to the folder root) is excluded; `isDir` for folders. */
  ignores(rel: string, isDir: boolean): boolean {
    let ignored = false;
    for (const r of this.rules) {
      if (r.dirOnly && !isDir) continue;
      if (r.re.test(rel)) ignored = !r.negate;
    }
    return ignored;
  }
}

export const IGNORE_FILE = '.tsproofignore';
