import { describe, expect, it } from 'vitest';
import { IgnoreRules } from '../../src/core/io/ignore.js';

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
