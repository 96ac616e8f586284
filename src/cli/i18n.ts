/**
 * The language of messages: `--lang ko|en` (anywhere on the command line), else the locale
 * (LC_ALL, then LC_MESSAGES, then LANG, as POSIX orders them): a Korean locale (ko, ko_KR.UTF-8 …)
 * gives Korean, anything else English. `--lang both` (meant for PDFs) leaves messages to the
 * locale. `--json` documents stay English whatever the language (they are a contract).
 */
import type { Catalog } from '../core/text.js';
import type { MessageLang } from './context.js';

export type LangOption = 'ko' | 'en' | 'both';

export const LANG_OPTIONS: readonly LangOption[] = ['ko', 'en', 'both'];

/** The value of --lang on the command line, if it is one we know (commander reports bad ones). */
export function langOption(argv: readonly string[]): LangOption | undefined {
  let found: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') break;
    if (a === '--lang') found = argv[++i];
    else if (a.startsWith('--lang=')) found = a.slice('--lang='.length);
  }
  return LANG_OPTIONS.find((l) => l === found);
}

export function localeLang(env: NodeJS.ProcessEnv): MessageLang {
  const locale = env.LC_ALL || env.LC_MESSAGES || env.LANG || '';
  return /^ko([_.@-]|$)/i.test(locale) ? 'ko' : 'en';
}

/**
 * `env` for a child process that should speak `lang` (the demo's verify.sh, tests reading
 * English output): LANG set, LC_ALL and LC_MESSAGES removed — they would override it, and
 * bash warns about an LC_ALL locale that is not installed.
 */
export function envForLang(env: NodeJS.ProcessEnv, lang: MessageLang): NodeJS.ProcessEnv {
  const { LC_ALL: _all, LC_MESSAGES: _messages, ...rest } = env;
  return { ...rest, LANG: lang === 'ko' ? 'ko_KR.UTF-8' : 'C.UTF-8' };
}

export function messageLang(option: LangOption | undefined, env: NodeJS.ProcessEnv): MessageLang {
  return option === 'ko' || option === 'en' ? option : localeLang(env);
}

/** The catalog of a language (loaded only when needed: most runs are English). */
export async function catalogFor(lang: MessageLang): Promise<Catalog | undefined> {
  if (lang === 'en') return undefined;
  return (await import('../core/i18n/ko.js')).KO;
}

/**
 * Commander's own messages (usage errors, help headings) in the message language.
 * Commander builds them in English; these are all the forms tsproof can produce.
 */
const COMMANDER_KO: readonly [RegExp, string][] = [
  [/^error: unknown option '([^']*)'/, "오류: 알 수 없는 옵션 '$1'"],
  [/^error: unknown command '([^']*)'/, "오류: 알 수 없는 명령 '$1'"],
  [/^error: missing required argument '([^']*)'/, "오류: 필요한 인수 '$1'이(가) 없습니다"],
  [/^error: option '([^']*)' argument missing/, "오류: 옵션 '$1'에 값이 없습니다"],
  [/^error: required option '([^']*)' not specified/, "오류: 필수 옵션 '$1'이(가) 지정되지 않았습니다"],
  [/^error: too many arguments for '([^']*)'\. Expected (\d+) arguments? but got (\d+)\./, "오류: '$1'의 인수가 너무 많습니다. $2개를 기대했지만 $3개를 받았습니다."],
  [/^error: too many arguments\. Expected (\d+) arguments? but got (\d+)\./, '오류: 인수가 너무 많습니다. $1개를 기대했지만 $2개를 받았습니다.'],
  [/^error: option '([^']*)' argument '([^']*)' is invalid\./, "오류: 옵션 '$1'의 값 '$2'이(가) 올바르지 않습니다."],
  [/\(Did you mean ([^?]*)\?\)/, '($1을(를) 말씀하셨나요?)'],
  [/^\(run with --help for usage\)/, '(사용법은 --help로 확인하세요)'],
];

export function commanderText(lang: MessageLang, s: string): string {
  if (lang === 'en') return s;
  let out = s;
  for (const [re, ko] of COMMANDER_KO) out = out.replace(re, ko);
  return out;
}

const TITLES_KO: Readonly<Record<string, string>> = {
  'Usage:': '사용법:',
  'Options:': '옵션:',
  'Commands:': '명령:',
  'Arguments:': '인수:',
  'Global Options:': '공통 옵션:',
};

/** A whole help page: repeatable options' empty defaults left out, the rest of commander's words translated. */
export function helpText(lang: MessageLang, text: string): string {
  const out = text.replace(/ \(default: \[\]\)/g, '');
  return lang === 'ko' ? out.replace(/\(default: /g, '(기본값: ') : out;
}

export function helpTitle(lang: MessageLang, title: string): string {
  return lang === 'ko' ? (TITLES_KO[title] ?? title) : title;
}
