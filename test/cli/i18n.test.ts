/**
 * The built CLI in English and in Korean: the same runs under LANG=C and LANG=ko_KR.UTF-8
 * (and with --lang), checking what people read — results, errors, help — and that the exit
 * codes and the --json contract do not change with the language.
 */
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliWorkspace, importAlice, type CliWorkspace } from '../helpers/setup.js';
import { hostileTsa, type Running } from '../helpers/servers.js';

const KO = { LANG: 'ko_KR.UTF-8' };
const EN = { LANG: 'C.UTF-8' };

let tsa: Running;
let ws: CliWorkspace;
let receipt: string;
beforeAll(async () => {
  tsa = await hostileTsa('ok');
  ws = cliWorkspace('tsproof-i18n-', { passphrase: 'i18n test' });
  await importAlice(ws);
  writeFileSync(path.join(ws.work, '도면.txt'), 'drawing v1\n');
  writeFileSync(path.join(ws.work, 'part.step'), 'ISO-10303-21;\n');
  const reg = await ws.run(['register', '도면.txt', 'part.step', '--tsa', tsa.url, '--json']);
  expect(reg.status, reg.stderr).toBe(0);
  receipt = JSON.parse(reg.stdout).receipt;
});
afterAll(() => {
  tsa?.close();
  if (ws) rmSync(ws.dir, { recursive: true, force: true });
});

describe('verification results', () => {
  it('reads in English under an English locale and in Korean under a Korean one', async () => {
    const en = await ws.run(['verify', '도면.txt', '--receipt', receipt], EN);
    const ko = await ws.run(['verify', '도면.txt', '--receipt', receipt], KO);
    expect(en.status, en.stderr).toBe(0);
    expect(ko.status, ko.stderr).toBe(0);
    expect(en.stdout).toMatch(/✔ VERIFIED {2}도면\.txt/);
    expect(en.stdout).toMatch(/checks {3}\d+ passed/);
    expect(en.stdout).toContain('registered as "도면.txt"');
    expect(ko.stdout).toMatch(/✔ 검증됨 {2}도면\.txt/);
    expect(ko.stdout).toMatch(/검사 {5}\d+개 통과/);
    expect(ko.stdout).toContain('"도면.txt"(으)로 등록됨');
    expect(ko.stdout).toMatch(/"CN=holder-ca, O=tsproof test, C=KR"이\(가\) 인증함, 신뢰하는 루트 "CN=root-ca, O=tsproof test, C=KR" 아래; 폐지 여부 확인 안 함/); // the holder is CA-certified
    for (const english of ['VERIFIED', 'passed', 'registered as', 'certified by', 'revocation']) expect(ko.stdout).not.toContain(english);
  });

  it('names a modified file and the failed check in each language, with the same exit code', async () => {
    writeFileSync(path.join(ws.work, 'part-copy.step'), 'ISO-10303-21; changed\n');
    const args = ['verify', 'part-copy.step', '--receipt', receipt];
    // part-copy.step is not in the receipt: an input problem in both languages.
    const en = await ws.run(args, EN);
    const ko = await ws.run(args, KO);
    expect(en.status).toBe(1);
    expect(ko.status).toBe(1);
    expect(en.stdout).toContain('this receipt does not cover "part-copy.step": none of its 2 registered file(s) has its SHA256');
    expect(en.stdout).toContain('✘ NOT VERIFIED  part-copy.step — this receipt does not cover this file');
    expect(ko.stdout).toContain('이 영수증은 "part-copy.step"에 대한 것이 아닙니다: 등록된 파일 2개 중 어느 것도');
    expect(ko.stdout).toContain('이 영수증은 이 파일에 대한 것이 아닙니다: 등록된 파일 중 이 내용을 가진 것도');
    writeFileSync(path.join(ws.work, 'part.step'), 'ISO-10303-21; tampered\n');
    const tampered = await ws.run(['verify', 'part.step', '--receipt', receipt, '--lang', 'ko'], EN);
    expect(tampered.status).toBe(1);
    expect(tampered.stdout).toMatch(/✘ 검증 실패 {2}part\.step/);
    expect(tampered.stdout).toMatch(/✘ file\.digest +파일의 SHA256은\(는\) [0-9a-f]{64}, 등록된 값은 [0-9a-f]{64}: "part\.step"의 내용이 다릅니다/);
    expect(tampered.stdout).toContain('이 파일은 등록된 원본이 아닙니다');
    writeFileSync(path.join(ws.work, 'part.step'), 'ISO-10303-21;\n');
  });

  it('keeps --json English whatever the language (it is a contract for programs)', async () => {
    const en = await ws.run(['verify', '도면.txt', '--receipt', receipt, '--json'], EN);
    const ko = await ws.run(['verify', '도면.txt', '--receipt', receipt, '--json'], KO);
    const strip = (s: string) => s.replace(/"(now|verifiedAt)": "[^"]*"/g, '');
    expect(strip(ko.stdout)).toBe(strip(en.stdout));
    expect(ko.stdout).toContain('"detail": "registered as \\"도면.txt\\""');
  });
});

describe('errors', () => {
  it('are one line in the chosen language with the same exit code', async () => {
    const en = await ws.run(['verify', 'nope.txt'], EN);
    const ko = await ws.run(['verify', 'nope.txt'], KO);
    expect([en.status, ko.status]).toEqual([2, 2]);
    expect(en.stderr).toBe('tsproof: error: nope.txt: no such file\n');
    expect(ko.stderr).toBe('tsproof: 오류: nope.txt: 파일이 없습니다\n');
  });

  it('follow --lang over the locale, and LC_ALL over LANG', async () => {
    expect((await ws.run(['--lang', 'en', 'verify', 'nope.txt'], KO)).stderr).toBe('tsproof: error: nope.txt: no such file\n');
    expect((await ws.run(['verify', 'nope.txt', '--lang=ko'], EN)).stderr).toBe('tsproof: 오류: nope.txt: 파일이 없습니다\n');
    expect((await ws.run(['verify', 'nope.txt'], { LANG: 'ko_KR.UTF-8', LC_ALL: 'C' })).stderr).toBe('tsproof: error: nope.txt: no such file\n');
    expect((await ws.run(['verify', 'nope.txt'], { LANG: 'C', LC_MESSAGES: 'ko_KR.UTF-8' })).stderr).toBe('tsproof: 오류: nope.txt: 파일이 없습니다\n');
  });

  it('translate nested causes, and keep the --json error document English', async () => {
    writeFileSync(path.join(ws.work, 'broken.tsproof.json'), '{"format":"tsproof.receipt","version":1}');
    const ko = await ws.run(['verify', '도면.txt', '--receipt', 'broken.tsproof.json'], KO);
    expect(ko.status).toBe(2);
    expect(ko.stderr).toMatch(/^tsproof: 오류: \S*broken\.tsproof\.json: 올바른 영수증이 아닙니다: id: 문자열이어야 합니다; manifest: base64 문자열이어야 합니다; .*\(외 \d+건\)\n$/);
    const json = await ws.run(['verify', '도면.txt', '--receipt', 'broken.tsproof.json', '--json'], KO);
    expect(JSON.parse(json.stdout).error).toMatchObject({ code: 'MALFORMED_RECEIPT', exitCode: 2, message: expect.stringMatching(/broken\.tsproof\.json: not a valid receipt: id: expected a string;/) });
  });

  it("include commander's usage errors", async () => {
    const ko = await ws.run(['register', '--bogus'], KO);
    expect(ko.status).toBe(2);
    expect(ko.stderr).toBe("오류: 알 수 없는 옵션 '--bogus'\n(사용법은 --help로 확인하세요)\n");
    const missing = await ws.run(['certificate', receipt], KO);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain("오류: 필수 옵션 '--out <pdf>'이(가) 지정되지 않았습니다");
    const badLang = await ws.run(['hash', 'x', '--lang', 'fr'], KO);
    expect(badLang.status).toBe(2);
    expect(badLang.stderr).toContain("오류: 옵션 '--lang <lang>'의 값 'fr'이(가) 올바르지 않습니다. ko, en, both 중 하나여야 합니다");
  });
});

describe('help and other output', () => {
  it('shows help in Korean, including the exit codes', async () => {
    const ko = await ws.run(['--help'], KO);
    expect(ko.status).toBe(0);
    expect(ko.stdout).toContain('사용법: tsproof');
    expect(ko.stdout).toContain('옵션:');
    expect(ko.stdout).toContain('명령:');
    expect(ko.stdout).toContain('오프라인 검증');
    expect(ko.stdout).toContain('종료 코드:');
    const sub = await ws.run(['verify', '--help'], KO);
    expect(sub.stdout).toContain('대조할 영수증');
    const reg = await ws.run(['register', '--help'], KO);
    expect(reg.stdout).toContain('요청마다의 TSA 제한 시간 (기본값: "30")');
    expect(reg.stdout).not.toContain('default:');
    const en = await ws.run(['verify', '--help'], EN);
    expect(en.stdout).toContain('the receipt to verify against');
    expect(en.stdout).toContain('Options:');
  });

  it('translates show, hash warnings and identity listings', async () => {
    const show = await ws.run(['show', receipt], KO);
    expect(show.status, show.stderr).toBe(0);
    expect(show.stdout).toMatch(/영수증 [0-9a-f-]{36} \(전체 영수증, 파일 2개 중 2개\)/);
    expect(show.stdout).toContain('  검증:         예');
    expect(show.stdout).toContain('바이트');
    const list = await ws.run(['identity', 'list'], KO);
    expect(list.stdout).toMatch(/김영희.*\d{4}-\d\d-\d\d까지/);
    const en = await ws.run(['identity', 'list'], EN);
    expect(en.stdout).toMatch(/김영희.*until \d{4}-\d\d-\d\d/);
  });
});
