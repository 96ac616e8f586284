/** displaySafe: the one rule for showing strings from receipts, certificates and tokens to people. */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { displaySafe, jsonSafe, needsEscaping } from '../../src/core/display.js';
import { joinTexts, plain, preformatted, t } from '../../src/core/text.js';
import { KO } from '../../src/core/i18n/ko.js';
import { InputError } from '../../src/core/errors.js';
import { ROOT } from '../helpers/fixtures.js';
import { RAW_CONTROLS } from '../helpers/hostile.js';

describe('displaySafe', () => {
  it('escapes terminal controls, DEL, C1 controls and line separators', () => {
    expect(displaySafe('a\x1b[2J\x1b[H✔ VERIFIED')).toBe('a\\x1b[2J\\x1b[H✔ VERIFIED');
    expect(displaySafe('x\ry\nz\tw\x00\x7f\u0085\u009b')).toBe('x\\x0dy\\x0az\\x09w\\x00\\x7f\\x85\\x9b');
    expect(displaySafe('a\u2028b\u2029c')).toBe('a\\u2028b\\u2029c');
  });

  it('escapes bidirectional embeddings, overrides, isolates and marks', () => {
    for (const cp of [0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069, 0x200e, 0x200f, 0x061c]) {
      const s = `evil${String.fromCharCode(cp)}fdp.exe`;
      expect(displaySafe(s)).toBe(`evil\\u${cp.toString(16).padStart(4, '0')}fdp.exe`);
      expect(needsEscaping(s)).toBe(true);
    }
  });

  it('leaves ordinary text, Korean and emoji alone', () => {
    for (const s of ['도면/브래킷 v2.step', 'CN=홍길동,O=Acme', 'http://tsa.example/?a=b', '📐 part (1).step', '']) {
      expect(displaySafe(s)).toBe(s);
      expect(needsEscaping(s)).toBe(false);
    }
  });
});

// Issue 11: the rule applied where texts are rendered for people, so that no output can forget it.
describe('texts shown to people (displaySafe at the rendering layer)', () => {
  const evil = 'a\u001b[2J\r\n✔ VERIFIED\u202egpj.exe';

  it('escapes every string argument, at any depth, in any language; the template is left alone', () => {
    const x = t`skipped ${evil}: ${t`${evil} is not a file`}`;
    const shown = x.render(KO, displaySafe);
    expect(shown).not.toMatch(RAW_CONTROLS);
    expect(shown).not.toContain('\n');
    expect(shown).toContain('a\\x1b[2J\\x0d\\x0a✔ VERIFIED\\u202egpj.exe');
    expect(joinTexts([evil, t`${evil}`], '; ').render(undefined, displaySafe)).not.toMatch(RAW_CONTROLS);
    // Layout lines escape their data too; their literal parts and preformatted (coloured) pieces are kept.
    expect(plain`  ${preformatted('\u001b[32m✔\u001b[39m')}  ${evil}`.render(undefined, displaySafe)).toBe(`  \u001b[32m✔\u001b[39m  ${displaySafe(evil)}`);
  });

  it('the CLI writes to the terminal only through output.ts (texts, escaped) — the few other writes are listed here with why', () => {
    // Each: a file, and what its direct write is. Anything new must go through out/note/warn/printJson.
    const allowed: [string, RegExp][] = [
      ['main.ts', /writeOut: \(s\) => ctx\.stdout\.write\(s\)|writeErr: \(s\) => ctx\.stderr\.write\(s\)/], // commander's usage and help
      ['main.ts', /ctx\.stderr\.write\(`tsproof: \$\{ctx\.color\.red\(tr\(ctx, t`error:`\)\)\} \$\{oneLine\(tr\(ctx, msg\)\)\}/], // the error line, rendered by tr
      ['main.ts', /TSPROOF_DEBUG/], // a stack trace, asked for
      ['passphrase.ts', /ctx\.stderr\.write\((question|'\\n')\)/], // the prompt (rendered by tr) and its newline
      ['demo.ts', /return \{ write: \(s: string\) => w\.write/], // indents what the demo's commands print
      ['tsa.ts', /log: \(e\) => ctx\.stderr\.write\(`\$\{jsonSafe\(JSON\.stringify\(e\)\)\}/], // the access log, JSON
      ['hash.ts', /ctx\.stdout\.write\(`\$\{lines\.join/], // sha256sum -c lines: local names, escaped as coreutils does
      ['export.ts', /if \(o\.out === '-'\) ctx\.stdout\.write\(text\)/], // an in-toto statement (jsonSafe)
      ['completion.ts', /^ {2}else ctx\.stdout\.write\(script\);$/], // a shell script made from the command definitions, quoted for its shell
      ['context.ts', /^ {4}(stdout: process\.stdout|stderr: process\.stderr),$/], // the streams handed to the commands
      ['progress.ts', /const write = \(s: string\) => ctx\.stderr\.write\(s\)/], // the progress line: texts rendered by tr, and the cursor and line controls
      ['run.ts', /process\.stdout\.on\('error'/], // EPIPE
      ['org.ts', /log: \(e\) => ctx\.stderr\.write\(`\$\{jsonSafe\(JSON\.stringify\(e\)\)\}/], // registry serve's access log, JSON (as tsa.ts)
      ['org.ts', /ctx\.stderr\.write\(`\$\{JSON\.stringify\(\{ at: ctx\.now\(\)\.toISOString\(\), stamped: s\.size \}\)\}/], // a stamped tree head: a time and a number
    ];
    const cli = path.join(ROOT, 'src', 'cli');
    const files = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : [path.join(dir, e.name)]));
    const unlisted = files(cli)
      .filter((f) => path.basename(f) !== 'output.ts')
      .flatMap((f) =>
        readFileSync(f, 'utf8')
          .split('\n')
          .map((line) => [path.basename(f), line] as const),
      )
      .filter(([, line]) => /\b(stdout|stderr)\.write\(|\bw\.write\(|process\.(stdout|stderr)\b(?!\.isTTY)/.test(line))
      .filter(([f, line]) => !allowed.some(([af, re]) => af === f && re.test(line)));
    expect(unlisted).toEqual([]);
  });

  it('keeps the exact strings when not shown to a person (JSON, String, errors)', () => {
    expect(JSON.stringify({ d: t`name ${evil}` })).toBe(JSON.stringify({ d: `name ${evil}` }));
    expect(String(plain`x ${evil}`)).toBe(`x ${evil}`);
    expect(new InputError({ code: 'BAD_ARGUMENT', message: t`${evil}: no such file` }).message).toBe(`${evil}: no such file`);
  });
});

describe('jsonSafe', () => {
  it('writes C1 controls, separators and bidi marks as \\u escapes: the same strings to a parser, nothing raw on a terminal', () => {
    const value = { name: 'a\u009b31m\u202egpj.exe\u2028\u007f\u001b' };
    const text = jsonSafe(JSON.stringify(value));
    expect(text).not.toMatch(RAW_CONTROLS);
    expect(JSON.parse(text)).toEqual(value);
  });
});
