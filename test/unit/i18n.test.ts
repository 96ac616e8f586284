/**
 * Messages as translatable text: the t`` tag, the Korean catalog's completeness, and how the CLI
 * picks the language. The catalog is checked against a scan of src/, so a new message without a
 * Korean translation (or a translation left behind by a changed message) fails here.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { scanKeys } from '../../scripts/i18n-keys.ts';
import { KO } from '../../src/core/i18n/ko.js';
import { joinTexts, placeholders, plain, preformatted, t, templateKey, textRenderer, Text, verbatim } from '../../src/core/text.js';
import { displaySafe } from '../../src/core/display.js';
import { InputError, messageOf } from '../../src/core/errors.js';
import { commanderText, helpTitle, langOption, localeLang, messageLang } from '../../src/cli/i18n.js';
import { certificateLang } from '../../src/cli/common.js';
import { processContext } from '../../src/cli/context.js';

const found = scanKeys();
const used = new Map(found.map((k) => [k.key, k]));

describe('the Korean catalog', () => {
  it('has a translation for every message in src', () => {
    expect(found.length).toBeGreaterThan(500);
    const missing = [...used.values()].filter((k) => !(k.key in KO)).map((k) => `${k.file}:${k.line} ${JSON.stringify(k.key)}`);
    expect(missing).toEqual([]);
  });

  it('has no entry that src no longer uses', () => {
    expect(Object.keys(KO).filter((k) => !used.has(k))).toEqual([]);
  });

  it('keeps every placeholder of each message (none dropped, none invented)', () => {
    const wrong = Object.entries(KO).filter(([en, ko]) => JSON.stringify(placeholders(en)) !== JSON.stringify(placeholders(ko)));
    expect(wrong).toEqual([]);
  });

  it('is Korean: a translation equal to its English key is only technical notation', () => {
    // Keys that read the same in both languages: placeholders, protocol names, command lines.
    const same = Object.entries(KO).filter(([en, ko]) => en === ko && !/[가-힣]/.test(ko));
    for (const [en] of same) expect(en.replace(/\{\d+\}|HTTP|TSA|genTime|manifest|sha256|tsproof|register|designs|--tsa/g, ''), en).not.toMatch(/[a-z]{3,}/i);
    const hangul = Object.values(KO).filter((v) => /[가-힣]/.test(v)).length;
    expect(hangul / Object.keys(KO).length).toBeGreaterThan(0.95);
  });
});

describe('t`` text', () => {
  it('keys a template by its literal parts with numbered placeholders, as the source scanner does', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'tsproof-i18n-'));
    try {
      // Nested templates, braces and escapes inside and around placeholders.
      writeFileSync(path.join(dir, 'x.ts'), 'const a = t`{"x": ${`${1}`}} \\`q\\` ${f({ y: "}" })} end`;\n// t`in a comment` is not a message\n');
      const [k] = scanKeys(dir);
      expect(k!.key).toBe('{{"x": {0}}} `q` {1} end');
      expect(templateKey(['{"x": ', '} `q` ', ' end'])).toBe(k!.key);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('renders English by default and a catalog translation when given, reordering placeholders', () => {
    const x = t`copied ${'a.txt'} to ${'b/'}`;
    expect(String(x)).toBe('copied a.txt to b/');
    expect(x.render({ 'copied {0} to {1}': '{1}(으)로 {0} 복사' })).toBe('b/(으)로 a.txt 복사');
    expect(x.render({})).toBe('copied a.txt to b/'); // a missing translation falls back to English
  });

  it('translates nested texts and lists, and stays English in JSON', () => {
    const inner = t`not a regular file`;
    const x = t`skipped ${'dev/tty'}: ${inner}`;
    expect(x.render(KO)).toBe('dev/tty 건너뜀: 일반 파일이 아님');
    expect(joinTexts([t`no extensions`, verbatim('x')], '; ').render(KO)).toBe('확장 없음; x');
    expect(JSON.stringify({ detail: x })).toBe('{"detail":"skipped dev/tty: not a regular file"}');
    expect(t`literal {braces} ${1}`.render()).toBe('literal {braces} 1');
  });

  it('textRenderer (a template split once, for many lines) renders every text exactly as render does', () => {
    const texts = [
      t`  registered    ${'st/a\x1b[2J.txt'}  ${'2026-12-04T21:00:00Z'} (${'0f3c2a1b'})`,
      t`  registered    ${'b\u202e.txt'}  ${'2026-12-04T21:00:00Z'} (${'12345678'})`,
      t`  modified      ${'c.txt'}  since ${'2026-12-04T21:00:00Z'} (${'0f3c2a1b'})`,
      t`  unregistered  ${'d\n.txt'}`,
      t`copied ${'a.txt'} to ${'b/'}`,
      t`skipped ${'dev/tty'}: ${t`not a regular file`}`,
      t`literal {braces} ${1} and ${2n} {{x}}`,
      t`${3} file(s): ${joinTexts([t`${2} match ${'abc'}`, t`${1} match ${'def'}`], ', ')}; ${0} modified`,
      new Text('{0} and {1} {01} {{0}} {2}', ['x\x07']), // missing arguments stay as written
      new Text('no placeholders {{}}'),
      preformatted('\x1b[32mgreen\x1b[0m'),
      plain`  ${'name\x1b'}  ${'x'}`,
      verbatim('\x1b[31m'),
    ];
    const catalog = { ...KO, 'copied {0} to {1}': '{1}(으)로 {0} 복사', '{0} and {1} {01} {{0}} {2}': '{{ {1} }} {0}' };
    for (const cat of [undefined, KO, catalog])
      for (const esc of [undefined, displaySafe]) {
        const render = textRenderer(cat, esc);
        for (const x of texts) {
          expect(render(x), x.key).toBe(x.render(cat, esc));
          expect(render(x), x.key).toBe(x.render(cat, esc)); // the second time from the split template
        }
      }
    // Names are escaped, Korean translated.
    expect(textRenderer(KO, displaySafe)(texts[0]!)).toBe(texts[0]!.render(KO, displaySafe));
    expect(textRenderer(undefined, displaySafe)(texts[0]!)).toBe('  registered    st/a\\x1b[2J.txt  2026-12-04T21:00:00Z (0f3c2a1b)');
  });

  it('errors carry the text; their message is the English rendering', () => {
    const e = new InputError({ code: 'FILE_NOT_FOUND', message: t`${'a.txt'}: no such file` });
    expect(e.message).toBe('a.txt: no such file');
    expect(e.text.render(KO)).toBe('a.txt: 파일이 없습니다');
    expect(messageOf(e).render(KO)).toBe('a.txt: 파일이 없습니다');
    expect(messageOf(new Error('EIO')).render(KO)).toBe('EIO');
  });
});

describe('choosing the language', () => {
  it('follows LC_ALL, then LC_MESSAGES, then LANG (POSIX order)', () => {
    expect(localeLang({ LANG: 'ko_KR.UTF-8' })).toBe('ko');
    expect(localeLang({ LANG: 'ko' })).toBe('ko');
    expect(localeLang({ LC_ALL: 'C', LANG: 'ko_KR.UTF-8' })).toBe('en');
    expect(localeLang({ LC_MESSAGES: 'ko_KR.eucKR', LANG: 'en_US.UTF-8' })).toBe('ko');
    expect(localeLang({ LC_ALL: 'ko_KR.UTF-8', LC_MESSAGES: 'en_US' })).toBe('ko');
    expect(localeLang({ LANG: 'kok_IN' })).toBe('en'); // Konkani, not Korean
    expect(localeLang({})).toBe('en');
  });

  it('lets --lang override the locale; --lang both (for PDFs) leaves messages to the locale', () => {
    expect(langOption(['verify', 'a', '--lang', 'ko'])).toBe('ko');
    expect(langOption(['--lang=en', 'hash', 'x'])).toBe('en');
    expect(langOption(['hash', '--', '--lang', 'ko'])).toBeUndefined();
    expect(langOption(['hash', '--lang', 'fr'])).toBeUndefined();
    expect(messageLang('en', { LANG: 'ko_KR.UTF-8' })).toBe('en');
    expect(messageLang('ko', { LANG: 'C' })).toBe('ko');
    expect(messageLang('both', { LANG: 'ko_KR.UTF-8' })).toBe('ko');
    expect(messageLang(undefined, { LANG: 'en_GB.UTF-8' })).toBe('en');
  });

  it('picks the PDF language by the same locale rule: both under a Korean locale, else English, unless --lang says', () => {
    const ctx = (env: NodeJS.ProcessEnv) => ({ ...processContext(), env });
    expect(certificateLang(ctx({ LANG: 'ko_KR.UTF-8' }), undefined)).toBe('both');
    expect(certificateLang(ctx({ LC_MESSAGES: 'ko_KR.UTF-8', LANG: 'C' }), undefined)).toBe('both');
    expect(certificateLang(ctx({ LC_ALL: 'C', LANG: 'ko_KR.UTF-8' }), undefined)).toBe('en');
    expect(certificateLang(ctx({ LANG: 'kok_IN' }), undefined)).toBe('en');
    expect(certificateLang(ctx({ LANG: 'ko_KR.UTF-8' }), 'en')).toBe('en');
  });

  it("translates commander's usage errors and help headings", () => {
    expect(commanderText('ko', "error: unknown option '--bogus'\n")).toBe("오류: 알 수 없는 옵션 '--bogus'\n");
    expect(commanderText('ko', "error: required option '--out <pdf>' not specified\n")).toBe("오류: 필수 옵션 '--out <pdf>'이(가) 지정되지 않았습니다\n");
    expect(commanderText('ko', "error: unknown option '--jsn'\n(Did you mean --json?)\n")).toBe("오류: 알 수 없는 옵션 '--jsn'\n(--json을(를) 말씀하셨나요?)\n");
    expect(commanderText('en', "error: unknown option '--bogus'\n")).toBe("error: unknown option '--bogus'\n");
    expect(helpTitle('ko', 'Options:')).toBe('옵션:');
    expect(helpTitle('en', 'Options:')).toBe('Options:');
  });
});
