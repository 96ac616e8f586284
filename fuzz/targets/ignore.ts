/** .tsproofignore patterns: reading every line, and matching paths with the rules read. */
import { displaySafe } from '../../dist/core/display.js';
import { IgnoreRules, PatternError } from '../../dist/core/io/ignore.js';
import { seeds } from '../lib/corpus.ts';
import { textInputs } from '../lib/inputs.ts';
import type { Target } from '../lib/target.ts';

const HOSTILE = [
  `${'*'.repeat(200)}x`,
  `${'**/'.repeat(100)}a`,
  '[',
  '[]',
  '[!]',
  '[\\',
  '[a-',
  '[z-a]',
  '\\',
  '!',
  '/',
  '//',
  '**',
  '***',
  '{a,b}',
  '?'.repeat(300),
  'a/**/b/**/c/**/d',
  '#',
  '\\#',
  '\\!',
  ' ',
  '\\ ',
  '\u0000',
  '\ud800',
  '도면/**/*.dwg',
  '[[:alpha:]]',
  '*'.repeat(40_000),
];
const PATHS = ['a', 'a/b/c/d/e/f/g/h', 'x'.repeat(400), `${'a/'.repeat(100)}b`, '도면/최종.dwg', '.tsproofignore', 'node_modules/x/y.js', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab', '[a].txt', 'a b', '#x', '!x'];

export const target: Target = {
  name: 'ignore',
  about: '.tsproofignore files: pattern parsing (globs, classes, escapes, negation) and matching',
  seeds: () => seeds('ignore'),
  inputs: (s) => textInputs(s, HOSTILE),
  run(input) {
    const lines = Buffer.from(input).toString('utf8').split(/\r?\n/);
    const rules = new IgnoreRules();
    for (const l of lines) {
      try {
        rules.add(l);
      } catch (err) {
        if (!(err instanceof PatternError)) throw err;
        // As the CLI prints it (src/core/io/files.ts wraps it in an InputError): arguments through displaySafe.
        const shown = err.text.render(undefined, displaySafe);
        if (/[\r\n]/.test(shown)) throw new Error(`PatternError message is not one line as printed: ${JSON.stringify(shown)}`);
      }
    }
    for (const p of PATHS) {
      rules.ignores(p, false);
      rules.ignores(p, true);
    }
  },
};
