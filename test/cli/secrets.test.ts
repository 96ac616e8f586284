/**
 * Secrecy-measure records end to end (docs/secrets.md), the story a court would hear: a secret
 * with two versions of its files, three people, grants and a revocation, pledges signed by two
 * employees with their own identities (one PKCS#12, one Korean NPKI), one leaver without a
 * leaving pledge flagged by `stats`; the PDF report read back with pdftotext; the evidence pack
 * checked with bash and OpenSSL alone; and an edited event named by `secret verify` and the report.
 * Certificates of the recorder and of 박민수 are issued here with OpenSSL by the fixtures' CA.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliWorkspace, type CliWorkspace } from '../helpers/setup.js';
import { hostileTsa, type Running } from '../helpers/servers.js';
import { KOREAN_PASSWORD, PKI, ROOT } from '../helpers/fixtures.js';
import type { CliResult } from '../helpers/cli.js';

const PASS = 'secrets store pass 5';
const HAVE_POPPLER = !!spawnSync('pdftotext', ['-v']).stderr?.length;
const pdfText = (pdf: string) => execFileSync('pdftotext', ['-enc', 'UTF-8', pdf, '-'], { encoding: 'utf8' });

let tsa: Running;
let ws: CliWorkspace;
/** The registry's events (where the records are kept), as a comparable snapshot. */
function events(home = ws.home): { seq: number; kind: string; payload: string; hash: string }[] {
  const d = new DatabaseSync(path.join(home, 'registry.db'));
  try {
    return d.prepare('SELECT seq, kind, payload, hash FROM events ORDER BY seq').all() as unknown as { seq: number; kind: string; payload: string; hash: string }[];
  } finally {
    d.close();
  }
}
const snapshot = () => JSON.stringify(events());
/** A copy of the home to tamper with. */
function copyHome(name: string): string {
  const home = path.join(ws.dir, name);
  cpSync(ws.home, home, { recursive: true });
  return home;
}

/** A holder certificate and key issued by the fixtures' holder CA, with OpenSSL. */
function issue(dir: string, name: string, subject: string): { key: string; chain: string } {
  const key = path.join(dir, `${name}.key`);
  const csr = path.join(dir, `${name}.csr`);
  const cert = path.join(dir, `${name}.pem`);
  const ext = path.join(dir, `${name}.ext`);
  writeFileSync(ext, 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,nonRepudiation\n');
  execFileSync('openssl', ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', key]);
  execFileSync('openssl', ['req', '-new', '-utf8', '-key', key, '-subj', subject, '-out', csr]);
  execFileSync('openssl', [
    'x509',
    '-req',
    '-in',
    csr,
    '-CA',
    path.join(PKI, 'holder-ca.pem'),
    '-CAkey',
    path.join(PKI, 'holder-ca.key'),
    '-set_serial',
    `0x${Date.now().toString(16)}${name.length}`,
    '-days',
    '365',
    '-extfile',
    ext,
    '-out',
    cert,
  ]);
  const chain = path.join(dir, `${name}-chain.pem`);
  writeFileSync(chain, readFileSync(cert, 'utf8') + readFileSync(path.join(PKI, 'holder-ca.pem'), 'utf8'));
  return { key, chain };
}

const ok = (r: CliResult) => {
  expect(r.status, `${r.stderr}\n${r.stdout}`).toBe(0);
  return r;
};
const oneLine = (r: CliResult, code: number, re: RegExp) => {
  expect(r.status, r.stderr).toBe(code);
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  expect(r.stderr).toMatch(re);
};
const rec = (args: string[], env: NodeJS.ProcessEnv = {}) => ws.run([...args, '--identity', 'recorder', '--tsa', tsa.url], env);
const SIGNER = { TSPROOF_SIGNER_PASSPHRASE: PASS };

let v1: string;
let v2: string;

beforeAll(async () => {
  tsa = await hostileTsa('ok');
  ws = cliWorkspace('tsproof-secrets-', { passphrase: PASS });
  const recorder = issue(ws.dir, 'recorder', '/C=KR/O=테스트 주식회사/CN=이철수 보안관리자');
  ok(await ws.run(['identity', 'import', recorder.chain, '--key', recorder.key, '--name', 'recorder']));
  // 박민수 brings a PKCS#12; 김영희 her NPKI folder (SEED, Korean password).
  const park = issue(ws.dir, 'park', '/C=KR/O=테스트 주식회사/CN=박민수');
  execFileSync('openssl', ['pkcs12', '-export', '-inkey', park.key, '-in', park.chain, '-passout', 'pass:park-p12', '-out', path.join(ws.dir, 'park.p12')]);
  ok(await ws.run(['identity', 'import', path.join(ws.dir, 'park.p12'), '--name', 'park'], { TSPROOF_IMPORT_PASSPHRASE: 'park-p12' }));
  ok(await ws.run(['identity', 'import', '--npki', path.join(ROOT, 'fixtures', 'npki', 'seed-cbc-sha1'), '--name', 'kim'], { TSPROOF_IMPORT_PASSPHRASE: KOREAN_PASSWORD }));

  // Two versions of the secret's files.
  execFileSync('sh', ['-c', 'mkdir -p 설계 && echo "배합비 v1" > 설계/배합비.txt && echo "공정 v1" > 설계/공정.txt && echo "pledge form" > 서약서.pdf && echo "scan" > 최지훈-서약서-스캔.pdf && echo "NDA text" > nda.pdf'], { cwd: ws.work });
  const r1 = JSON.parse(ok(await ws.run(['register', '설계', '--identity', 'recorder', '--tsa', tsa.url, '--json'])).stdout);
  v1 = r1.id;
  execFileSync('sh', ['-c', 'echo "배합비 v2" > 설계/배합비.txt'], { cwd: ws.work });
  const r2 = JSON.parse(ok(await ws.run(['register', '설계', '--identity', 'recorder', '--tsa', tsa.url, '--json'])).stdout);
  v2 = r2.id;
}, 120_000);
afterAll(() => {
  tsa?.close();
  if (ws) rmSync(ws.dir, { recursive: true, force: true });
});

describe('the story', () => {
  it('records a secret bound to its first registration, then a second version', async () => {
    const add = JSON.parse(
      ok(
        await rec([
          'secret',
          'add',
          'TS-001',
          '--title',
          '도료 배합비',
          '--description',
          '신제품 도료의 배합비와 공정',
          '--level',
          '극비',
          '--department',
          '연구소',
          '--custodian',
          '이철수',
          '--review',
          '2026-06-30',
          '--registration',
          v1,
          '--json',
        ]),
      ).stdout,
    );
    expect(add).toMatchObject({ ok: true, record: 1, events: [{ secret: 'TS-001', seq: 1, type: 'created' }] });
    expect(add.recorder.subject).toContain('이철수 보안관리자');
    ok(await rec(['secret', 'attach', 'TS-001', v2.slice(0, 8)]));
  });

  it('grants three people access (one with their certificate on record), and revokes a leaver', async () => {
    const parkCert = path.join(ws.dir, 'park.pem');
    ok(await rec(['secret', 'grant', 'TS-001', '--person', '박민수', '--employee-id', 'E001', '--role', '연구원', '--since', '2026-01-02', '--certificate', parkCert]));
    ok(await rec(['secret', 'grant', 'TS-001', '--person', '김영희', '--employee-id', 'E002', '--since', '2026-01-02', '--until', '2027-12-31']));
    ok(await rec(['secret', 'grant', 'TS-001', '--person', '최지훈', '--employee-id', 'E003', '--since', '2026-02-01']));
  });

  it('records pledges signed by the employees themselves: PKCS#12 and NPKI; a paper pledge for one without a certificate', async () => {
    const p = JSON.parse(ok(await rec(['secret', 'pledge', 'TS-001', '--person', '박민수', '--employee-id', 'E001', '--kind', 'joining', '--date', '2026-01-02', '--document', '서약서.pdf', '--signer', 'park', '--json'], SIGNER)).stdout);
    expect(p.events).toHaveLength(1);
    ok(await rec(['secret', 'pledge', 'TS-001', '--person', '김영희', '--employee-id', 'E002', '--kind', 'project', '--date', '2026-01-05', '--document', '서약서.pdf', '--signer', 'kim'], SIGNER));
    ok(await rec(['secret', 'pledge', 'TS-001', '--person', '최지훈', '--employee-id', 'E003', '--kind', 'joining', '--date', '2026-02-01', '--paper', '최지훈-서약서-스캔.pdf']));
  });

  it('records handling, a reclassification, and the leaver', async () => {
    ok(await rec(['secret', 'event', 'TS-001', 'viewed', '--person', '박민수', '--employee-id', 'E001', '--date', '2026-03-01']));
    ok(await rec(['secret', 'event', 'TS-001', 'lent', '--person', '박민수', '--employee-id', 'E001', '--date', '2026-03-02', '--partner', '협력사 주식회사', '--nda', 'nda.pdf']));
    ok(await rec(['secret', 'edit', 'TS-001', '--level', 'confidential', '--reason', '양산 개시']));
    const rv = JSON.parse(ok(await rec(['secret', 'revoke', '--person', '최지훈', '--employee-id', 'E003', '--date', '2026-04-30', '--left', '--reason', '퇴사', '--json'])).stdout);
    expect(rv.events).toEqual([expect.objectContaining({ secret: 'TS-001', type: 'revoked' })]);
  });

  it('stats flags the leaver without a leaving pledge and exits 1', async () => {
    const r = await ws.run(['secret', 'stats', '--date', '2026-05-01', '--json']);
    expect(r.status, r.stderr).toBe(1);
    const s = JSON.parse(r.stdout);
    expect(s.secrets.byLevel).toEqual(expect.arrayContaining([expect.objectContaining({ level: 'confidential', count: 1 }), expect.objectContaining({ level: 'top-secret', count: 0 })]));
    expect(s.findings).toEqual([{ kind: 'leaver-without-pledge', person: { name: '최지훈', employeeId: 'E003' }, date: '2026-04-30' }]);
    const human = await ws.run(['secret', 'stats', '--date', '2026-05-01']);
    expect(human.stdout).toMatch(/최지훈 \(E003\) left \(2026-04-30\) without a leaving pledge/);
    const ko = await ws.run(['secret', 'stats', '--date', '2026-05-01', '--lang', 'ko']);
    expect(ko.stdout).toMatch(/퇴사 서약/);
  });

  it('the report shows the facts, with every event proven', async () => {
    const r = await ws.run(['secret', 'report', 'TS-001', '--json']);
    expect(r.status, r.stderr).toBe(0);
    const rep = JSON.parse(r.stdout);
    expect(rep.ok).toBe(true);
    expect(rep.versions.map((v: { registration: string }) => v.registration)).toEqual([v1, v2]);
    expect(rep.classification.map((c: { level: string }) => c.level)).toEqual(['top-secret', 'confidential']);
    expect(rep.access.map((a: { person: { name: string } }) => a.person.name)).toEqual(['박민수', '김영희', '최지훈']);
    expect(rep.access[2].revoked).toMatchObject({ date: '2026-04-30', left: true });
    expect(rep.pledges.map((p: { status: string; form: string }) => [p.status, p.form])).toEqual([
      ['verified', 'signed'],
      ['verified', 'signed'],
      ['paper', 'paper'],
    ]);
    expect(rep.pledges[0].signer.subject).toContain('박민수');
    expect(rep.pledges[1].signer.subject).toContain('김영희');
    expect(rep.handling[1]).toMatchObject({ action: 'lent', partner: '협력사 주식회사' });
    expect(rep.events.every((e: { ok: boolean; time?: string }) => e.ok && e.time)).toBe(true);
    expect(rep.events.map((e: { type: string }) => e.type)).toEqual(['created', 'attached', 'granted', 'granted', 'granted', 'pledged', 'pledged', 'pledged', 'handled', 'handled', 'edited', 'revoked']);
  });

  it.skipIf(!HAVE_POPPLER)('the PDF report, read back with pdftotext, shows the same facts', async () => {
    ok(await ws.run(['secret', 'report', 'TS-001', '--pdf', 'report.pdf', '--lang', 'both']));
    const text = pdfText(path.join(ws.work, 'report.pdf')).replace(/\s+/g, ' ');
    for (const s of ['도료 배합비', '대외비', '극비', '박민수', '김영희', '최지훈', '협력사 주식회사', '퇴사', v1, v2, 'signature verified', 'paper pledge']) expect(text).toContain(s);
    // The foot of every page (export/pdf-layout.ts): the page, the secret and the last record of its chain.
    expect(text).toMatch(/1 \/ \d+쪽 \/ Page 1 of \d+ · TS-001 · #\d+ SHA-256 [0-9a-f]{16}…/);
  });

  it('the evidence pack is checked with bash and OpenSSL alone', async () => {
    ok(await ws.run(['secret', 'report', 'TS-001', '--evidence', 'pack']));
    const r = spawnSync('bash', ['verify-all.sh'], { cwd: path.join(ws.work, 'pack'), encoding: 'utf8' });
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/VERIFIED: every event is signed, timestamped and chained/);
    expect(r.stdout.match(/pledge acknowledgement: a valid signature/g)).toHaveLength(2);
  });
});

describe('bad input writes nothing', () => {
  const unchanged = async (f: () => Promise<void>) => {
    const before = snapshot();
    await f();
    expect(snapshot()).toBe(before);
  };

  it('an unknown secret: exit 2, one line', async () => {
    await unchanged(async () => oneLine(await rec(['secret', 'grant', 'TS-404', '--person', '누구']), 2, /unknown secret TS-404/));
    oneLine(await ws.run(['secret', 'report', 'TS-404']), 2, /unknown secret TS-404/);
  });

  it('a pledge without the person signing: exit 2, one line', async () => {
    await unchanged(async () => oneLine(await rec(['secret', 'pledge', 'TS-001', '--person', '박민수', '--kind', 'leaving', '--document', '서약서.pdf']), 2, /must sign the pledge/));
    await unchanged(async () => oneLine(await rec(['secret', 'pledge', 'TS-001', '--person', '박민수', '--kind', 'leaving', '--document', '서약서.pdf', '--signer', 'nobody'], SIGNER), 2, /nobody/));
  });

  it('a pledge signed by the wrong key: exit 1, one line', async () => {
    await unchanged(async () =>
      oneLine(
        await rec(['secret', 'pledge', 'TS-001', '--person', '박민수', '--employee-id', 'E001', '--kind', 'leaving', '--document', '서약서.pdf', '--signer', 'kim'], SIGNER),
        1,
        /signed by ".*김영희.*", but 박민수 \(E001\)'s certificate on record is ".*박민수.*": not their key/,
      ),
    );
  });

  it('a bad date or level: exit 2', async () => {
    await unchanged(async () => oneLine(await rec(['secret', 'edit', 'TS-001', '--level', 'secret-ish']), 2, /--level secret-ish: expected one of/));
    await unchanged(async () => oneLine(await rec(['secret', 'grant', 'TS-001', '--person', 'x', '--until', '2026-02-30']), 2, /expected a date/));
  });
});

describe('tampering', () => {
  it('an edited event is named by registry verify, secret verify and the report (exit 1)', async () => {
    const home = copyHome('tampered-edit');
    // 김영희's grant, edited in the database to end earlier than recorded.
    const ev = events(home).find((e) => e.kind === 'secret.record' && e.payload.includes('"granted"') && e.payload.includes('김영희'))!;
    const payload = JSON.parse(ev.payload);
    const granted = payload.events[0];
    granted.data.until = '2026-01-31';
    const d = new DatabaseSync(path.join(home, 'registry.db'));
    // Whoever edits the database by hand drops the append-only trigger first.
    d.exec('DROP TRIGGER events_no_update');
    d.prepare('UPDATE events SET payload = ? WHERE seq = ?').run(JSON.stringify(payload), ev.seq);
    d.close();
    const env = { TSPROOF_HOME: home };
    const reg = await ws.run(['registry', 'verify'], env);
    expect(reg.status, reg.stderr).toBe(1);
    expect(reg.stdout).toContain(`event ${ev.seq} (secret.record) was edited`);
    const v = await ws.run(['secret', 'verify'], env);
    expect(v.status).toBe(1);
    expect(v.stdout).toContain(`TS-001#${granted.seq} granted (${granted.id}) differs from what was signed and timestamped`);
    const r = await ws.run(['secret', 'report', 'TS-001', '--json'], env);
    expect(r.status).toBe(1);
    const rep = JSON.parse(r.stdout);
    expect(rep.ok).toBe(false);
    expect(rep.events.find((e: { id: string }) => e.id === granted.id).ok).toBe(false);
    expect(rep.problems.join('\n')).toContain(granted.id);
    // No evidence pack of records that fail.
    oneLine(await ws.run(['secret', 'report', 'TS-001', '--evidence', 'pack2'], env), 1, /do not verify/);
    // The original home is untouched and verifies.
    expect((await ws.run(['secret', 'verify'])).status).toBe(0);
    expect((await ws.run(['registry', 'verify'])).status).toBe(0);
  });

  it('a deleted record is named by registry verify and secret verify', async () => {
    const home = copyHome('tampered-delete');
    const rec3 = events(home).filter((e) => e.kind === 'secret.record')[2]!;
    const d = new DatabaseSync(path.join(home, 'registry.db'));
    d.exec('DROP TRIGGER events_no_delete');
    d.prepare('DELETE FROM events WHERE seq = ?').run(rec3.seq);
    d.close();
    const env = { TSPROOF_HOME: home };
    const reg = await ws.run(['registry', 'verify'], env);
    expect(reg.status).toBe(1);
    expect(reg.stdout).toMatch(/event\(s\) deleted|does not follow/);
    const v = await ws.run(['secret', 'verify', '--json'], env);
    expect(v.status).toBe(1);
    expect(
      JSON.parse(v.stdout)
        .problems.map((p: { message: string }) => p.message)
        .join('\n'),
    ).toMatch(/a record was removed or reordered/);
  });
});

describe('pledges signed elsewhere, and OpenSSL on what the people signed', () => {
  it("OpenSSL verifies an employee's acknowledgement (from the evidence pack) up to the fixtures' root CA", () => {
    const ack = path.join(ws.work, 'pack', 'events', '000006-pledged', 'acknowledgement.p7s');
    const chain = path.join(ws.dir, 'ca-chain.pem');
    writeFileSync(chain, readFileSync(path.join(PKI, 'root-ca.pem'), 'utf8') + readFileSync(path.join(PKI, 'holder-ca.pem'), 'utf8'));
    const r = spawnSync('openssl', ['cms', '-verify', '-binary', '-inform', 'DER', '-in', ack, '-CAfile', chain, '-purpose', 'any'], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const statement = JSON.parse(r.stdout);
    expect(statement).toMatchObject({ format: 'tsproof.secret.pledge', kind: 'joining', person: { name: '박민수', employeeId: 'E001' }, secrets: ['TS-001'] });
  });

  it('a statement signed with openssl cms -sign is recorded with --acknowledgement; a different one is refused (exit 1)', async () => {
    const flags = ['--person', '박민수', '--employee-id', 'E001', '--kind', 'project', '--date', '2026-06-01', '--document', '서약서.pdf'];
    ok(await ws.run(['secret', 'statement', 'TS-001', ...flags, '--out', 'statement.json']));
    const sign = (input: string, out: string) =>
      execFileSync(
        'openssl',
        ['cms', '-sign', '-nodetach', '-binary', '-outform', 'DER', '-in', input, '-signer', path.join(ws.dir, 'park.pem'), '-inkey', path.join(ws.dir, 'park.key'), '-certfile', path.join(PKI, 'holder-ca.pem'), '-out', out],
        { cwd: ws.work },
      );
    sign('statement.json', 'ack.p7s');
    // The same statement with another date: a valid signature, but not this pledge.
    writeFileSync(path.join(ws.work, 'other.json'), readFileSync(path.join(ws.work, 'statement.json'), 'utf8').replace('2026-06-01', '2026-06-02'));
    sign('other.json', 'other.p7s');
    const before = snapshot();
    oneLine(await rec(['secret', 'pledge', 'TS-001', ...flags, '--acknowledgement', 'other.p7s']), 1, /the signed statement is not the pledge recorded/);
    expect(snapshot()).toBe(before);
    ok(await rec(['secret', 'pledge', 'TS-001', ...flags, '--acknowledgement', 'ack.p7s']));
    const rep = JSON.parse((await ws.run(['secret', 'report', 'TS-001', '--json'])).stdout);
    expect(rep.ok).toBe(true);
    expect(rep.pledges.at(-1)).toMatchObject({ kind: 'project', form: 'signed', status: 'verified', date: '2026-06-01' });
    expect(rep.pledges.at(-1).signer.subject).toContain('박민수');
  });
});

describe('Korean, concurrency, sizes', () => {
  it('the report speaks Korean under --lang ko', async () => {
    const r = await ws.run(['secret', 'show', 'TS-001', '--lang', 'ko']);
    expect(r.status, r.stderr).toBe(0);
    for (const s of ['영업비밀 TS-001 — 도료 배합비', '  등급            대외비', '등급 이력:', '접근 권한:', '서약서:', '취급 이력:', '입사 서약', '서명 검증됨', '서면 서약 (스캔 등록)']) expect(r.stdout).toContain(s);
  });

  it('two recorders at once both land, in one unbroken chain', async () => {
    const [a, b] = await Promise.all([
      rec(['secret', 'event', 'TS-001', 'viewed', '--person', '김영희', '--employee-id', 'E002', '--date', '2026-07-01', '--json']),
      rec(['secret', 'event', 'TS-001', 'copied', '--person', '김영희', '--employee-id', 'E002', '--date', '2026-07-01', '--json']),
    ]);
    const seqs = [a, b].map((r) => JSON.parse(ok(r).stdout).events[0].seq).sort();
    expect(seqs[1] - seqs[0]).toBe(1);
    ok(await ws.run(['secret', 'verify']));
  });

  it('an acknowledgement beyond the size limit is refused at once (exit 2)', async () => {
    writeFileSync(path.join(ws.work, 'huge.p7s'), Buffer.alloc(5 * 1024 * 1024));
    oneLine(await rec(['secret', 'pledge', 'TS-001', '--person', '박민수', '--kind', 'leaving', '--document', '서약서.pdf', '--acknowledgement', 'huge.p7s']), 2, /beyond the limit/);
  });
});

describe('one TSA request per command', () => {
  it('a pledge covering two secrets writes two events under one registration, with one request to the TSA', async () => {
    ok(await rec(['secret', 'add', 'TS-002', '--title', '고객 목록', '--level', 'internal']));
    const before = tsa.requests;
    const r = JSON.parse(
      ok(await rec(['secret', 'pledge', 'TS-001', 'TS-002', '--person', '김영희', '--employee-id', 'E002', '--kind', 'leaving', '--date', '2026-08-01', '--document', '서약서.pdf', '--signer', 'kim', '--json'], SIGNER)).stdout,
    );
    expect(tsa.requests - before).toBe(1);
    expect(r.events.map((e: { secret: string; type: string }) => [e.secret, e.type])).toEqual([
      ['TS-001', 'pledged'],
      ['TS-002', 'pledged'],
    ]);
    // Each secret's report shows the pledge, verified, under the same registration.
    for (const id of ['TS-001', 'TS-002']) {
      const rep = JSON.parse((await ws.run(['secret', 'report', id, '--json'])).stdout);
      expect(rep.pledges.at(-1)).toMatchObject({ kind: 'leaving', status: 'verified' });
      expect(rep.events.at(-1).registration).toBe(r.registration);
    }
  });
});
