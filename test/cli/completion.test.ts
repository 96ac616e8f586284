/**
 * Issue 15: `tsproof completion bash|zsh|fish` and the man page tsproof(1), both made from the
 * command definitions. The bash script is loaded into a real bash and its completion function
 * called the way bash calls it (COMP_WORDS, COMP_CWORD); zsh's is run by an interactive zsh in a
 * pseudo-terminal (test/helpers/zsh-complete.zsh); fish's by `complete -C`. Every command's
 * options, as its --help shows them, must be offered and must be in the man page, which groff
 * and man render without a warning. zsh, fish, groff and man: skipped, saying so, when missing
 * (.ci/run installs them).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { describeProgram, allCommands, WORDS } from '../../src/cli/commands-model.js';
import { processContext, type CliContext } from '../../src/cli/context.js';
import { buildProgram, main } from '../../src/cli/main.js';
import { runCli } from '../helpers/cli.js';
import { ROOT } from '../helpers/fixtures.js';

const has = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
const HAS = { zsh: has('zsh'), fish: has('fish'), groff: has('groff'), man: has('man') };
for (const [tool, present] of Object.entries(HAS)) if (!present) console.warn(`completion.test.ts: ${tool} is not installed: its checks are skipped (.ci/run installs it)`);

/** The help of `tsproof <path…> --help`, in process. */
async function helpOf(args: string[], lang = 'en'): Promise<string> {
  let out = '';
  const ctx: CliContext = { ...processContext(), env: { LANG: 'C.UTF-8' }, stdout: { write: (s: string) => (out += s) }, stderr: { write: () => true } };
  const code = await main([...args, '--help', '--lang', lang], ctx);
  expect(code).toBe(0);
  return out;
}

interface HelpPage {
  path: string[];
  options: string[];
  commands: string[];
}

/** Every help page, walking the Commands: sections from the top; options as their flags (`-a, --algorithm <alg>`). */
async function allHelp(): Promise<HelpPage[]> {
  const pages: HelpPage[] = [];
  const walk = async (p: string[]) => {
    const text = await helpOf(p);
    const section = (title: string) => {
      const m = new RegExp(`^${title}:\\n((?:  .*\\n?|\\s*\\n)*)`, 'm').exec(text);
      return m ? m[1]!.split('\n').filter((l) => /^ {2}\S/.test(l)) : [];
    };
    const options = section('Options').map((l) => l.trim().split(/ {2,}/)[0]!);
    const commands = section('Commands')
      .map((l) => l.trim().split(/\s/)[0]!)
      .filter((c) => c !== 'help');
    pages.push({ path: p, options, commands });
    for (const c of commands) await walk([...p, c]);
  };
  await walk([]);
  return pages;
}

const flagNames = (flags: string) => flags.split(/[ ,]+/).filter((f) => f.startsWith('-'));

let pages: HelpPage[];
let tmp: string;
const scripts: Record<string, string> = {};

beforeAll(async () => {
  pages = await allHelp();
  tmp = mkdtempSync(path.join(os.tmpdir(), 'tsproof-completion-'));
  for (const shell of ['bash', 'zsh', 'fish']) {
    const r = await runCli(['completion', shell]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    scripts[shell] = path.join(tmp, shell === 'zsh' ? '_tsproof' : `tsproof.${shell}`);
    writeFileSync(scripts[shell]!, r.stdout);
  }
  // A folder to complete file names in.
  mkdirSync(path.join(tmp, 'work', 'designs'), { recursive: true });
  writeFileSync(path.join(tmp, 'work', 'designs', 'bracket.step'), 'x');
  writeFileSync(path.join(tmp, 'work', 'designs', 'base plate.dxf'), 'x');
  writeFileSync(path.join(tmp, 'work', 'release.tsproof.json'), '{}');
}, 120_000);

describe('the help pages', () => {
  it('are walked in full (the walk below sees every command)', () => {
    const paths = pages.map((p) => p.path.join(' '));
    expect(paths).toEqual(expect.arrayContaining(['', 'identity new', 'registry token create', 'secret report', 'escrow deposit', 'completion']));
    expect(pages.length).toBeGreaterThan(70);
    expect(pages.find((p) => p.path.join(' ') === 'verify')!.options).toContain('--receipt <file>');
  });
});

describe('bash', () => {
  /** What the completion function offers for `words` (the last is the word being completed). */
  const complete = (words: string[], cwd = path.join(tmp, 'work')): string[] => {
    const script = `source ${JSON.stringify(scripts.bash)}
COMP_WORDS=(${words.map((w) => `'${w.replace(/'/g, `'\\''`)}'`).join(' ')}); COMP_CWORD=${words.length - 1}; COMP_LINE=${JSON.stringify(words.join(' '))}; COMP_POINT=\${#COMP_LINE}
_tsproof; printf '%s\\n' "\${COMPREPLY[@]}"`;
    const out = execFileSync('bash', ['--norc', '--noprofile', '-c', script], { cwd, encoding: 'utf8' });
    return out.split('\n').filter(Boolean);
  };

  it('registers _tsproof for tsproof (complete -p)', () => {
    const out = execFileSync('bash', ['--norc', '-c', `source ${JSON.stringify(scripts.bash)}; complete -p tsproof`], { encoding: 'utf8' });
    expect(out.trim()).toBe('complete -F _tsproof tsproof');
  });

  it('completes commands and subcommands: tsproof reg<TAB> offers register and registry', () => {
    expect(complete(['tsproof', 'reg'])).toEqual(['register', 'registry']);
    expect(complete(['tsproof', 'identity', ''])).toEqual(['new', 'import', 'scan', 'export', 'remove', 'default', 'list', 'show', 'help']);
    expect(complete(['tsproof', 'registry', 'token', 'c'])).toEqual(['create']);
    expect(complete(['tsproof', '--json', 'escrow', 'd'])).toEqual(['deposit']);
    expect(complete(['tsproof', 'help', 'reg'])).toEqual(['register', 'registry']);
    expect(complete(['tsproof', 'c'])).toEqual(['certificate', 'completion']);
  });

  it("offers, for every command, exactly the options its --help shows (and tsproof's own)", () => {
    const root = pages.find((p) => p.path.length === 0)!;
    const global = root.options.flatMap(flagNames).filter((f) => f !== '-V' && f !== '--version');
    // One bash run for all commands: __tsproof_options "<path>" per line.
    const paths = pages.map((p) => p.path.join(' '));
    const out = execFileSync('bash', ['--norc', '-c', `source ${JSON.stringify(scripts.bash)}\n${paths.map((p) => `__tsproof_options '${p}'; echo "$REPLY"`).join('\n')}`], { encoding: 'utf8' }).split('\n');
    pages.forEach((page, i) => {
      const own = page.options.flatMap(flagNames);
      const expected = page.path.length ? [...new Set([...own, ...global])] : own;
      expect(out[i]!.split(' ').sort(), page.path.join(' ')).toEqual(expected.sort());
    });
  });

  it('completes the options of verify, and option values that are words', () => {
    const verify = complete(['tsproof', 'verify', '--']);
    for (const o of ['--receipt', '--dir', '--quiet', '--ignore-missing', '--holder-cert', '--tsa-cert', '--policy', '--json', '--lang']) expect(verify).toContain(o);
    expect(complete(['tsproof', 'verify', '--re'])).toEqual(['--receipt', '--require-certified', '--require-revocation', '--report']);
    expect(complete(['tsproof', '--lang', ''])).toEqual(['ko', 'en', 'both']);
    expect(complete(['tsproof', 'hash', '--lang', '=', ''])).toEqual(['ko', 'en', 'both']); // --lang=<TAB>: bash splits at =
    expect(complete(['tsproof', 'export', 'r.json', '--format', ''])).toEqual(['evidence', 'in-toto', 'ers']);
    expect(complete(['tsproof', 'export', 'r.json', '--format=in'])).toEqual(['--format=in-toto']);
    expect(complete(['tsproof', 'hash', '-a', 'sha3'])).toEqual(['sha384']);
    expect(complete(['tsproof', 'verify', 'f', '--policy', ''])).toEqual(['strict', 'compatible']);
    expect(complete(['tsproof', 'completion', ''])).toEqual(['bash', 'zsh', 'fish']);
    expect(complete(['tsproof', 'secret', 'event', 'TS-1', 't'])).toEqual(['taken-out']);
    expect(complete(['tsproof', 'register', 'x', '--tsa', 'digi'])).toEqual(['digicert']);
    // Free text (a name): nothing to offer, not file names.
    expect(complete(['tsproof', 'identity', 'new', '--name', ''])).toEqual([]);
  });

  it('completes file names for paths, folder names for folders, and skips option values when finding the command', () => {
    expect(complete(['tsproof', 'hash', 'designs/'])).toEqual(['designs/base plate.dxf', 'designs/bracket.step']);
    expect(complete(['tsproof', 'verify', '--receipt', 're'])).toEqual(['release.tsproof.json']);
    expect(complete(['tsproof', 'tsa', 'init', '--dir', ''])).toEqual(['designs']);
    // The value of --out is not taken for a subcommand name, nor the receipt for a second argument.
    expect(complete(['tsproof', 'register', '--out', 'registry', 'de'])).toEqual(['designs']);
    expect(complete(['tsproof', 'show', 'release.tsproof.json', ''])).toEqual([]);
    // After --, everything is an argument.
    expect(complete(['tsproof', 'hash', '--', '--'])).toEqual([]);
  });
});

describe.skipIf(!HAS.zsh)('zsh', () => {
  const complete = (line: string): string[] => {
    const r = spawnSync('zsh', ['-f', path.join(ROOT, 'test', 'helpers', 'zsh-complete.zsh'), scripts.zsh!, line], { cwd: path.join(tmp, 'work'), encoding: 'utf8', timeout: 20_000 });
    expect(r.status, r.stderr).toBe(0);
    return r.stdout
      .split('\n')
      .filter(Boolean)
      .map((l) => l.replace(/\r$/, '').split(/ --( |$)/)[0]!);
  };

  it('is valid zsh (zsh -n) and defines _tsproof for compdef', () => {
    execFileSync('zsh', ['-n', scripts.zsh!]);
    const out = execFileSync('zsh', ['-f', '-c', `autoload -U compinit; compinit -u -D; source ${JSON.stringify(scripts.zsh)}; print $_comps[tsproof]`], { encoding: 'utf8', cwd: tmp });
    expect(out.trim()).toBe('_tsproof');
  });

  it('completes commands, options, values and files in a real zsh', () => {
    expect(complete('tsproof reg')).toEqual(['register', 'registry']);
    expect(complete('tsproof identity ')).toEqual(expect.arrayContaining(['new', 'import', 'scan', 'export']));
    expect(complete('tsproof verify --qu')).toEqual(['--quiet']);
    expect(complete('tsproof --lang ')).toEqual(['ko', 'en', 'both']);
    expect(complete('tsproof export r.json --format ')).toEqual(['evidence', 'in-toto', 'ers']);
    expect(complete('tsproof hash designs/br')).toEqual(['designs/bracket.step']);
  }, 60_000);
});

describe.skipIf(!HAS.fish)('fish', () => {
  const complete = (line: string): string[] =>
    execFileSync('fish', ['--no-config', '-c', `source ${scripts.fish}; complete -C${JSON.stringify(line)}`], { cwd: path.join(tmp, 'work'), encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map((l) => l.split('\t')[0]!);

  it('is valid fish (fish -n)', () => {
    execFileSync('fish', ['--no-config', '-n', scripts.fish!]);
  });

  it('completes commands, options, values and files in a real fish', () => {
    expect(complete('tsproof reg')).toEqual(['register', 'registry']);
    expect(complete('tsproof identity ')).toEqual(expect.arrayContaining(['new', 'import', 'scan', 'export']));
    expect(complete('tsproof verify --qu')).toEqual(['--quiet']);
    expect(complete('tsproof --lang ').sort()).toEqual(['both', 'en', 'ko']);
    expect(complete('tsproof export r.json --format ').sort()).toEqual(['ers', 'evidence', 'in-toto']);
    expect(complete('tsproof hash designs/br')).toEqual(['designs/bracket.step']);
    expect(complete('tsproof identity new --name ')).toEqual([]);
  });
});

describe('the completion command', () => {
  it('is in --help in English and Korean, with how to install the scripts', async () => {
    expect(await helpOf([])).toMatch(/completion <shell> +print a completion script for bash, zsh/);
    expect(await helpOf([], 'ko')).toMatch(/completion <shell> +이 명령 정의로 만든 bash, zsh, fish/);
    expect(await helpOf(['completion'])).toContain('tsproof completion bash > ~/.local/share/bash-completion/completions/tsproof');
    expect(await helpOf(['completion'], 'ko')).toContain('설치 (docs/cli.md):');
  });

  it('describes options in the message language (zsh and fish show descriptions)', async () => {
    const r = await runCli(['completion', 'fish', '--lang', 'ko']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("-a 'completion' -d '이 명령 정의로 만든 bash, zsh, fish 자동 완성 스크립트를 출력합니다'");
  });

  it('refuses another shell (exit 2) and prints one JSON document with --json', async () => {
    const bad = await runCli(['completion', 'powershell']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toBe('tsproof: error: completion powershell: expected bash, zsh or fish\n');
    const json = await runCli(['completion', 'bash', '--json']);
    expect(json.status).toBe(0);
    const doc = JSON.parse(json.stdout) as { ok: boolean; shell: string; script: string };
    expect(doc).toMatchObject({ ok: true, shell: 'bash' });
    expect(doc.script).toBe(readFileSync(scripts.bash!, 'utf8'));
  });

  it('lists word values only for options and arguments that exist', () => {
    const spec = describeProgram(
      buildProgram({ ...processContext(), lang: 'en' }, () => {}),
      'en',
    );
    for (const w of WORDS) {
      const where = allCommands(spec).filter((c) => w.command === undefined || c.path.join(' ') === w.command);
      const found = where.some((c) => c.options.some((o) => o.long === w.name) || c.args.some((a) => a.name === w.name));
      expect(found, `${w.command ?? '*'} ${w.name}`).toBe(true);
    }
  });
});

describe('the man page (dist/tsproof.1, written by npm run build)', () => {
  const MAN = path.join(ROOT, 'dist', 'tsproof.1');
  let rendered: string;
  beforeAll(() => {
    // Rendered wide, so that no option is broken across lines; groff's own rendering when man is missing.
    rendered = HAS.man
      ? execFileSync('man', ['-l', MAN], { encoding: 'utf8', env: { ...process.env, MANWIDTH: '250', MAN_KEEP_FORMATTING: '', LANG: 'C.UTF-8' } })
      : HAS.groff
        ? execFileSync('groff', ['-man', '-Tutf8', '-P-cbou', '-rLL=250n', MAN], { encoding: 'utf8' })
        : readFileSync(MAN, 'utf8');
  });

  it('is in package.json "man" and in the packed tarball', () => {
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { man: string[] };
    expect(pkg.man).toEqual(['./dist/tsproof.1']);
    const packed = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8' })) as { files: { path: string }[] }[];
    expect(packed[0]!.files.map((f) => f.path)).toContain('dist/tsproof.1');
  });

  it('has every command and every option that --help shows', () => {
    const text = rendered.replace(/‐\n\s*/g, '').replace(/[‐−]/g, '-');
    for (const page of pages) {
      if (page.path.length) expect(text, page.path.join(' ')).toMatch(new RegExp(`^\\s+tsproof ${page.path.join(' ')} `, 'm'));
      for (const o of page.options) expect(text, `${page.path.join(' ')} ${o}`).toContain(o);
    }
  });

  it.skipIf(!HAS.groff)('renders without a warning (groff -ww)', () => {
    const r = spawnSync('groff', ['-man', '-Tutf8', '-ww', '-z', MAN], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
  });

  it.skipIf(!HAS.man)('renders with man -l --warnings, Korean text included', () => {
    const r = spawnSync('man', ['--warnings', '-l', MAN], { encoding: 'utf8', env: { ...process.env, MANWIDTH: '100', LANG: 'C.UTF-8' } });
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('technology escrow (기술자료 임치)');
    expect(r.stdout).toMatch(/EXIT STATUS\n\s+0\s+success; everything verified/);
  });
});
