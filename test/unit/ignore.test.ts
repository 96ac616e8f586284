import { describe, expect, it } from 'vitest';
import { IgnoreRules, PatternError } from '../../src/core/io/ignore.js';

describe('ignore rules (gitignore subset)', () => {
  const rules = new IgnoreRules(['# build output', '', '*.tmp', '/dist', 'cache/', 'docs/**/*.bak', '!keep.tmp', 'a?c.txt', 'img[0-9].png']);
  const cases: [string, boolean, boolean][] = [
    ['x.tmp', false, true],
    ['deep/in/side/x.tmp', false, true],
    ['keep.tmp', false, false],
    ['dist', true, true],
    ['src/dist', true, false],
    ['cache', true, true],
    ['src/cache', true, true],
    ['cache', false, false],
    ['docs/a.bak', false, true],
    ['docs/x/y/a.bak', false, true],
    ['a.bak', false, false],
    ['abc.txt', false, true],
    ['abbc.txt', false, false],
    ['img7.png', false, true],
    ['imgx.png', false, false],
    ['notes.md', false, false],
  ];
  for (const [p, isDir, ignored] of cases) {
    it(`${ignored ? 'ignores' : 'keeps'} ${p}${isDir ? '/' : ''}`, () => expect(rules.ignores(p, isDir)).toBe(ignored));
  }
  it('treats regex characters in names literally', () => {
    expect(new IgnoreRules(['a+b(1).txt']).ignores('a+b(1).txt', false)).toBe(true);
    expect(new IgnoreRules(['a+b(1).txt']).ignores('aab1.txt', false)).toBe(false);
  });
});

// Issue 11: a bad line was dropped together with every rule after it, and a pattern with many
// stars took exponential time (a backtracking regex). Patterns now compile to an automaton.
describe('ignore patterns that cannot be read (issue 11)', () => {
  for (const [line, why] of [
    ['[z-a]', /reversed range "z-a"/],
    ['img[0-9.png', /unclosed "\["/],
    ['[[:bogus:]]', /unknown character class/],
    ['trailing\\', /trailing "\\" escapes nothing/],
  ] as const) {
    it(`refuses ${line} with the reason`, () => {
      expect(() => new IgnoreRules(['*.tmp', line, 'secret/'])).toThrow(PatternError);
      expect(() => new IgnoreRules([line])).toThrow(why);
    });
  }

  it('reads brackets, classes and escapes as gitignore does', () => {
    const r = new IgnoreRules(['[[:digit:]]x', '\\#lit', '\\!bang', 'sp\\ ', '[]]b', '[!a-c]d', '[^x]e', 'q[\\]]']);
    const ignored = (n: string) => r.ignores(n, false);
    expect(['5x', 'deep/7x', '#lit', '!bang', 'sp ', ']b', 'xd', 'ye', 'q]'].filter((n) => !ignored(n))).toEqual([]);
    expect(['ax', 'lit', 'bang', 'sp', 'b', 'ad', 'xe', 'q\\', 'a/d'].filter(ignored)).toEqual([]);
  });

  it('never lets a bracket, a star or a question mark match the separator', () => {
    const r = new IgnoreRules(['a[!x]b', 'c?d', 'e*f']);
    for (const n of ['a/b', 'c/d', 'e/f', 'e/x/f']) expect(r.ignores(n, false), n).toBe(false);
  });

  it('matches many-star patterns against long names at once (no backtracking)', () => {
    const r = new IgnoreRules(['*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b', '**/**/**/**/**/**/**/**/z']);
    expect(r.ignores('a'.repeat(34), false)).toBe(false);
    expect(r.ignores(`${'a'.repeat(34)}b`, false)).toBe(true);
    expect(r.ignores(`${'a/'.repeat(2000)}y`, false)).toBe(false);
    expect(r.ignores(`${'a/'.repeat(2000)}z`, false)).toBe(true);
    // (A backtracking regex did not finish the first name within the test timeout.)
  });

  it('matches a run of thousands of wildcards as one, at once (fuzz finding: each path cost the square of the run)', () => {
    const paths = ['a', 'x/a', `${'d/'.repeat(500)}a`, `${'d/'.repeat(500)}b`, 'a/b', 'ab', 'x.log', 'x/y.log', 'x.log/y'];
    const same = (long: string, short: string) => {
      const l = new IgnoreRules([long]);
      const s = new IgnoreRules([short]);
      for (const p of paths) for (const dir of [false, true]) expect(l.ignores(p, dir), `${short} on ${p}`).toBe(s.ignores(p, dir));
    };
    const t0 = performance.now();
    same(`${'**/'.repeat(3000)}a`, '**/a');
    same(`/${'**/'.repeat(3000)}*.log`, '/**/*.log');
    same(`x/${'**/**'.repeat(1000)}`, 'x/**');
    same('**/*', '**');
    same('*.log', '**/*.log');
    expect(performance.now() - t0).toBeLessThan(2000); // 300 characters of **/ took 0.26 s a path
  });
});
