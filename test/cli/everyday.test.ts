/**
 * Issue 14, the engineer's everyday path, end to end through the built CLI: names that keep the
 * tree from anywhere, one receipt placement rule, a "verify later" hint that works, --out.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundledTsa, cliWorkspace, type CliWorkspace } from '../helpers/setup.js';
import { KOREAN_PASSWORD, PKI, ROOT } from '../helpers/fixtures.js';
import { aliceWorkspace, expectOneLineError } from '../helpers/hostile.js';
import { BIN, runCli } from '../helpers/cli.js';
import { serve } from '../helpers/servers.js';

const PREFIX = 'tsproof-everyday-';
const PASSPHRASE = 'hostile-input passphrase 41';
let tsa: Awaited<ReturnType<typeof bundledTsa>>;

beforeAll(async () => {
  tsa = await bundledTsa('tsa-ec');
});
afterAll(async () => {
  await tsa.close();
});

/** Runs the CLI of `ws` from another current folder. */
function runIn(ws: CliWorkspace, cwd: string, args: string[]) {
  mkdirSync(cwd, { recursive: true });
  return runCli(args, { cwd, env: { TSPROOF_HOME: ws.home, TSPROOF_PASSPHRASE: PASSPHRASE } });
}

/** ws.dir/srv/cad/project with a small CAD-like tree. */
function project(ws: CliWorkspace): string {
  const p = path.join(ws.dir, 'srv', 'cad', 'project');
  mkdirSync(path.join(p, 'mech', 'bracket'), { recursive: true });
  writeFileSync(path.join(p, 'README.md'), 'readme');
  writeFileSync(path.join(p, 'mech', 'bracket', 'part.step'), 'ISO-10303-21;');
  writeFileSync(path.join(p, 'mech', 'assembly.dwg'), 'dwg');
  return p;
}

const entryNames = (file: string) => (JSON.parse(readFileSync(file, 'utf8')) as { entries: { name: string }[] }).entries.map((e) => e.name);

/** The command after "Verify later, offline, with:" on stderr, as argv (the hint quotes with '…' only when needed). */
function hint(stderr: string): string[] {
  const line = stderr.split('\n').find((l) => l.includes('Verify later'));
  expect(line, stderr).toBeDefined();
  const cmd = line!.slice(line!.indexOf('tsproof verify'));
  return [...cmd.matchAll(/'((?:[^']|'\\'')*)'|(\S+)/g)].map((m) => (m[1] !== undefined ? m[1].replace(/'\\''/g, "'") : m[2]!)).slice(1);
}

describe('names that keep the tree, from anywhere', () => {
  it('the same tree registered from three current folders gives receipts with identical entry names', async () => {
    const ws = await aliceWorkspace(PREFIX);
    const p = project(ws);
    const a = await runIn(ws, path.join(ws.dir, 'srv', 'cad'), ['register', 'project', '--tsa', tsa.url, '--json']);
    const b = await runIn(ws, path.join(ws.dir, 'elsewhere'), ['register', p, '--tsa', tsa.url, '--json']);
    const c = await runIn(ws, path.join(ws.dir, 'srv', 'cad', 'other'), ['register', '../project', '--tsa', tsa.url, '--json']);
    const receipts = [
      [a, 'srv/cad'],
      [b, 'elsewhere'],
      [c, 'srv/cad/other'],
    ].map(([r, cwd]) => {
      const res = r as Awaited<typeof a>;
      expect(res.status, res.stderr).toBe(0);
      return path.join(ws.dir, cwd as string, JSON.parse(res.stdout).receipt);
    });
    const want = ['project/README.md', 'project/mech/assembly.dwg', 'project/mech/bracket/part.step'];
    for (const r of receipts) expect(entryNames(r)).toEqual(want);
    // hash names them the same way, from the same places
    const h = await runIn(ws, path.join(ws.dir, 'elsewhere'), ['hash', p]);
    expect(
      h.stdout
        .trim()
        .split('\n')
        .map((l) => l.split('  ')[1]),
    ).toEqual(want);
    // status too (all registered)
    const st = await runIn(ws, path.join(ws.dir, 'elsewhere'), ['status', p, '--json']);
    expect(st.status, st.stderr).toBe(0);
    expect(
      JSON.parse(st.stdout).files.map((f: { file: string }) => f.file),
      st.stdout,
    ).toEqual(want);
    // and verify --dir finds them from anywhere, given the folder
    const v = await runIn(ws, path.join(ws.dir, 'elsewhere'), ['verify', '--receipt', receipts[0]!, '--dir', p]);
    expect(v.status, v.stdout + v.stderr).toBe(0);
  });

  it('-C names relative to the base; collisions name both paths', async () => {
    const ws = await aliceWorkspace(PREFIX);
    const p = project(ws);
    const h = await ws.run(['hash', '-C', path.join(ws.dir, 'srv'), 'cad/project/mech', '--json']);
    expect(JSON.parse(h.stdout).files.map((f: { file: string }) => f.file)).toEqual(['cad/project/mech/assembly.dwg', 'cad/project/mech/bracket/part.step']);
    mkdirSync(path.join(ws.dir, 'x'));
    writeFileSync(path.join(ws.dir, 'x', 'README.md'), 'other readme');
    expectOneLineError(await ws.run(['register', path.join(p, 'README.md'), '../x/README.md', '--tsa', tsa.url]), 2, /two files would be recorded as "README\.md": .*project\/README\.md and .*x\/README\.md/);
  });
});

describe('receipts: one placement rule, a hint that works, --out', () => {
  it('--changed-only puts the receipt in the current folder whether one or two files changed', async () => {
    const ws = await aliceWorkspace(PREFIX);
    const p = project(ws);
    const reg = async () => {
      const r = await ws.run(['register', p, '--tsa', tsa.url, '--changed-only', '--json']);
      expect(r.status, r.stderr).toBe(0);
      return JSON.parse(r.stdout) as { receipt: string; files: unknown[] };
    };
    const first = await reg();
    expect(path.dirname(first.receipt)).toBe('.');
    writeFileSync(path.join(p, 'mech', 'bracket', 'part.step'), 'ISO-10303-21; v2');
    const one = await reg();
    expect(one.files).toHaveLength(1);
    expect(path.dirname(one.receipt)).toBe('.');
    expect(one.receipt).toMatch(/^project-\d{4}-\d\d-\d\d\.[0-9a-f]{8}\.tsproof\.json$/);
    expect(readdirSync(path.join(p, 'mech', 'bracket'))).toEqual(['part.step']);
    writeFileSync(path.join(p, 'README.md'), 'readme v2');
    writeFileSync(path.join(p, 'mech', 'assembly.dwg'), 'dwg v2');
    const two = await reg();
    expect(two.files).toHaveLength(2);
    expect(path.dirname(two.receipt)).toBe('.');
  });

  it('the "verify later" hint is a command that works: a folder of one file, a file in a subfolder, a folder from elsewhere', async () => {
    const ws = await aliceWorkspace(PREFIX);
    mkdirSync(path.join(ws.work, 'one'));
    writeFileSync(path.join(ws.work, 'one', 'only.txt'), 'only');
    mkdirSync(path.join(ws.work, 'sub', 'deep'), { recursive: true });
    writeFileSync(path.join(ws.work, 'sub', 'deep', 'a.txt'), 'a');
    const p = project(ws);
    for (const args of [['one'], ['sub/deep/a.txt'], [p], ['.'], ['one', 'sub']]) {
      const r = await ws.run(['register', ...args, '--tsa', tsa.url]);
      expect(r.status, r.stderr).toBe(0);
      const cmd = hint(r.stderr);
      const v = await ws.run(cmd);
      expect(v.status, `${args.join(' ')} → ${cmd.join(' ')}\n${v.stdout}${v.stderr}`).toBe(0);
    }
  });

  it('--out: a name ending in .json is the file (never overwritten); a folder otherwise', async () => {
    const ws = await aliceWorkspace(PREFIX);
    writeFileSync(path.join(ws.work, 'a.txt'), 'a');
    writeFileSync(path.join(ws.work, 'b.txt'), 'b');
    const r = await ws.run(['register', 'a.txt', 'b.txt', '--tsa', tsa.url, '--out', 'x.tsproof.json']);
    expect(r.status, r.stderr).toBe(0);
    expect(entryNames(path.join(ws.work, 'x.tsproof.json'))).toEqual(['a.txt', 'b.txt']);
    expectOneLineError(await ws.run(['register', 'a.txt', '--tsa', tsa.url, '--out', 'x.tsproof.json']), 2, /--out x\.tsproof\.json already exists/);
    const f = await ws.run(['register', 'a.txt', '--tsa', tsa.url, '--out', 'receipts/']);
    expect(f.status, f.stderr).toBe(0);
    expect(existsSync(path.join(ws.work, 'receipts', 'a.txt.tsproof.json'))).toBe(true);
    expectOneLineError(await ws.run(['register', 'a.txt', '--tsa', tsa.url, '--out', 'b.txt']), 2, /--out b\.txt is not a folder/);
  });
});

describe('defaults for project folders', () => {
  /** work/proj: a git checkout with a build output, a nested .tsproofignore. */
  function checkout(ws: CliWorkspace): void {
    const p = path.join(ws.work, 'proj');
    for (const d of ['.git/objects/ab', 'build', 'src/gen', 'docs']) mkdirSync(path.join(p, d), { recursive: true });
    writeFileSync(path.join(p, '.git', 'HEAD'), 'ref: refs/heads/main\n');
    writeFileSync(path.join(p, '.git', 'objects', 'ab', 'cdef'), 'blob');
    writeFileSync(path.join(p, '.gitignore'), 'build/\n*.o\n');
    writeFileSync(path.join(p, 'build', 'app.bin'), 'binary');
    writeFileSync(path.join(p, 'src', 'main.c'), 'int main(){}');
    writeFileSync(path.join(p, 'src', 'main.o'), 'obj');
    writeFileSync(path.join(p, 'src', 'gen', 'table.c'), 'generated');
    writeFileSync(path.join(p, 'src', '.tsproofignore'), 'gen/\n');
    writeFileSync(path.join(p, 'docs', 'spec.md'), 'spec');
  }
  const listed = (stdout: string) =>
    stdout
      .trim()
      .split('\n')
      .map((l) => l.split('  ')[1]);

  it('VCS folders are left out with a note; --include-vcs keeps them; .tsproofignore is read in every folder; --gitignore; hash --exclude', async () => {
    const ws = await aliceWorkspace(PREFIX);
    checkout(ws);
    const h = await ws.run(['hash', 'proj']);
    expect(h.status, h.stderr).toBe(0);
    expect(listed(h.stdout)).toEqual(['proj/.gitignore', 'proj/build/app.bin', 'proj/docs/spec.md', 'proj/src/main.c', 'proj/src/main.o']);
    expect(h.stderr.trim()).toBe('left out version control: proj/.git/ (--include-vcs keeps it)');
    const all = await ws.run(['hash', 'proj', '--include-vcs']);
    expect(listed(all.stdout)).toContain('proj/.git/objects/ab/cdef');
    expect(all.stderr).toBe('');
    const git = await ws.run(['hash', 'proj', '--gitignore']);
    expect(listed(git.stdout)).toEqual(['proj/.gitignore', 'proj/docs/spec.md', 'proj/src/main.c']);
    const ex = await ws.run(['hash', 'proj', '--exclude', 'docs/', '--exclude', '*.o', '--json']);
    expect(JSON.parse(ex.stdout).files.map((f: { file: string }) => f.file)).toEqual(['proj/.gitignore', 'proj/build/app.bin', 'proj/src/main.c']);
  });

  it('register --dry-run lists what would be registered and why anything is left out, asks for no passphrase and writes nothing', async () => {
    const ws = await aliceWorkspace(PREFIX);
    checkout(ws);
    const before = readdirSync(ws.work).sort();
    const r = await runCli(['register', 'proj', '--gitignore', '--dry-run', '--tsa', 'http://127.0.0.1:9/'], { cwd: ws.work, env: { TSPROOF_HOME: ws.home } });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^ {2}proj\/src\/main\.c {2}\(12 bytes\)$/m);
    expect(r.stdout).toMatch(/^- proj\/\.git\/ {2}left out: version control \(--include-vcs keeps it\)$/m);
    expect(r.stdout).toMatch(/^- proj\/build\/ {2}left out: proj\/\.gitignore:1 build\/$/m);
    expect(r.stdout).toMatch(/^- proj\/src\/main\.o {2}left out: proj\/\.gitignore:2 \*\.o$/m);
    expect(r.stdout).toMatch(/^- proj\/src\/gen\/ {2}left out: proj\/src\/\.tsproofignore:1 gen\/$/m);
    expect(r.stdout).toMatch(/Would register 3 file\(s\), .*nothing was registered \(--dry-run\)\./);
    expect(readdirSync(ws.work).sort()).toEqual(before);
    const j = JSON.parse((await runCli(['register', 'proj', '--dry-run', '--json'], { cwd: ws.work, env: { TSPROOF_HOME: ws.home } })).stdout);
    expect(j).toMatchObject({ ok: true, dryRun: true });
    expect(j.excluded).toContainEqual({ path: 'proj/.git/', kind: 'vcs', reason: 'version control (--include-vcs keeps it)' });
  });
});

/** Runs a Python pty driver (async: the test's TSA answers meanwhile). */
function onTerminal(driver: string, argv: string[], ws: CliWorkspace): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('python3', ['-c', driver, ...argv], { cwd: ws.work, env: { PATH: process.env.PATH, HOME: process.env.HOME, LANG: 'C.UTF-8', NO_COLOR: '1', TSPROOF_HOME: ws.home } });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

describe('passphrase first, and the key agent', () => {
  it('a wrong passphrase is reported before any file is hashed (a 64 GiB sparse file would take minutes)', async () => {
    const ws = await aliceWorkspace(PREFIX);
    mkdirSync(path.join(ws.work, 'big'));
    writeFileSync(path.join(ws.work, 'big', 'small.txt'), 'x');
    spawnSync('truncate', ['-s', '64G', path.join(ws.work, 'big', 'huge.img')]);
    const t0 = Date.now();
    const r = await ws.run(['register', 'big', '--tsa', tsa.url], { TSPROOF_PASSPHRASE: 'not the passphrase' });
    expectOneLineError(r, 2, /wrong passphrase/);
    expect(Date.now() - t0).toBeLessThan(15_000);
  });

  it('on a terminal, a wrong passphrase is asked again (up to three tries)', async () => {
    const ws = await aliceWorkspace(PREFIX);
    writeFileSync(path.join(ws.work, 'a.txt'), 'a');
    // A pseudo-terminal driven by Python: type a wrong passphrase, then the right one.
    const driver = `
import os, pty, sys, time
pid, fd = pty.fork()
if pid == 0:
    os.execvpe(sys.argv[1], sys.argv[1:], os.environ)
out = b''
def until(s, limit=30):
    global out
    end = time.time() + limit
    while s not in out and time.time() < end:
        try: out += os.read(fd, 4096)
        except OSError: break
until(b'Passphrase for identity'); os.write(fd, b'wrong one\\r')
until(b'try again'); until(b'Passphrase for identity', 10)
os.write(fd, ${JSON.stringify(PASSPHRASE)}.encode() + b'\\r')
while True:
    try:
        b = os.read(fd, 4096)
        if not b: break
        out += b
    except OSError: break
_, status = os.waitpid(pid, 0)
sys.stdout.write(out.decode('utf8', 'replace'))
sys.exit(os.waitstatus_to_exitcode(status))
`;
    const r = await onTerminal(driver, [process.execPath, BIN, 'register', 'a.txt', '--tsa', tsa.url], ws);
    expect(r.stdout).toContain('wrong passphrase; try again (2 of 3)');
    expect(r.stdout).toMatch(/Registered 1 file → a\.txt\.tsproof\.json/);
    expect(r.status, r.stdout + r.stderr).toBe(0);
  });

  it('tsproof agent: register neither prompts nor derives the key; the socket is owner-only; stop forgets; expiry stops it', async () => {
    const ws = await aliceWorkspace(PREFIX);
    writeFileSync(path.join(ws.work, 'a.txt'), 'a');
    const noPass = (args: string[]) => runCli(args, { cwd: ws.work, env: { TSPROOF_HOME: ws.home } });
    try {
      const start = await ws.run(['agent', 'start', '--timeout', '10m', '--json']);
      expect(start.status, start.stderr).toBe(0);
      const info = JSON.parse(start.stdout);
      expect(Object.keys(info).sort()).toEqual(['expires', 'identities', 'ok', 'pid', 'socket']);
      expect(JSON.stringify(info)).not.toMatch(/PRIVATE|BEGIN|key"/);
      const st = lstatSync(path.join(ws.home, 'agent.sock'));
      expect(st.isSocket()).toBe(true);
      expect(st.mode & 0o777).toBe(0o600);
      expect((await ws.run(['agent', 'start'])).status).toBe(2); // one at a time
      // No TSPROOF_PASSPHRASE and no terminal: only the agent can sign.
      const reg = await noPass(['register', 'a.txt', '--tsa', tsa.url, '--json']);
      expect(reg.status, reg.stderr).toBe(0);
      const v = await noPass(['verify', 'a.txt', '--receipt', JSON.parse(reg.stdout).receipt]);
      expect(v.status, v.stdout).toBe(0);
      expect((await noPass(['agent', 'status'])).stdout).toMatch(/holds \S+ until/);
      expect((await noPass(['agent', 'stop'])).stdout).toMatch(/stopped; it forgot the key/);
      expect(existsSync(path.join(ws.home, 'agent.sock'))).toBe(false);
      expectOneLineError(await noPass(['register', 'a.txt', '--tsa', tsa.url]), 2, /a passphrase is needed/);
      // A lifetime ends it by itself.
      expect((await ws.run(['agent', 'start', '--timeout', '2s'])).status).toBe(0);
      await new Promise((r) => setTimeout(r, 3000));
      expect((await noPass(['agent', 'status', '--json'])).stdout).toMatch(/"running": false/);
      expect(existsSync(path.join(ws.home, 'agent.sock'))).toBe(false);
      // SIGTERM ends it at once, socket removed.
      const again = JSON.parse((await ws.run(['agent', 'start', '--json'])).stdout);
      process.kill(again.pid, 'SIGTERM');
      await new Promise((r) => setTimeout(r, 1500));
      // (the process itself may linger as a zombie where nothing reaps orphans: judged by what it serves)
      expect((await noPass(['agent', 'status', '--json'])).stdout).toMatch(/"running": false/);
      expect(existsSync(path.join(ws.home, 'agent.sock'))).toBe(false);
    } finally {
      await noPass(['agent', 'stop']);
    }
  });
});

/** A pty driver: runs argv on a terminal, waits for `waitFor` (a regex source) on it, then sends `send` (JSON-escaped), and prints everything. */
const PTY_DRIVER = (waitFor: string, send: string) => `
import os, pty, re, sys, time
pid, fd = pty.fork()
if pid == 0:
    os.execvpe(sys.argv[1], sys.argv[1:], os.environ)
out = b''
end = time.time() + 40
while not re.search(${JSON.stringify(waitFor)}.encode(), out) and time.time() < end:
    try:
        b = os.read(fd, 4096)
        if not b: break
        out += b
    except OSError: break
os.write(fd, ${JSON.stringify(send)}.encode())
while True:
    try:
        b = os.read(fd, 4096)
        if not b: break
        out += b
    except OSError: break
_, status = os.waitpid(pid, 0)
sys.stdout.write(out.decode('utf8', 'replace'))
sys.exit(os.waitstatus_to_exitcode(status))
`;

describe('progress and Ctrl-C', () => {
  it('progress is by bytes with a total and an ETA; Ctrl-C restores the cursor, says nothing was registered, exits 130', async () => {
    const ws = await aliceWorkspace(PREFIX);
    mkdirSync(path.join(ws.work, 'cad'));
    writeFileSync(path.join(ws.work, 'cad', 'a.step'), 'a');
    spawnSync('truncate', ['-s', '64G', path.join(ws.work, 'cad', 'huge.img')]);
    const env = { TSPROOF_PASSPHRASE: PASSPHRASE };
    const r = await onTerminal(PTY_DRIVER('of 64 GiB .* ETA \\d', '\u0003'), ['env', ...Object.entries(env).map(([k, v]) => `${k}=${v}`), process.execPath, BIN, 'register', 'cad', '--tsa', tsa.url], ws);
    expect(r.stdout).toMatch(/hashing [█░]+ \d+ % · [\d.]+ [KMG]iB of 64 GiB · \d+\/2 files · [\d.]+ [KMG]iB\/s · ETA \d+ (s|min)/);
    expect(r.stdout).not.toMatch(/NF|NaN|Infinity|LLs/);
    expect(r.stdout).toMatch(/interrupted — nothing was registered/);
    // the cursor hidden while drawing is shown again, after the last drawing
    expect(r.stdout.lastIndexOf('\x1b[?25h')).toBeGreaterThan(r.stdout.lastIndexOf('\x1b[?25l'));
    expect(r.status, r.stdout).toBe(130);
    expect(readdirSync(ws.work).filter((n) => n.endsWith('.tsproof.json'))).toEqual([]);
    expect(existsSync(path.join(ws.home, 'index.jsonl'))).toBe(false);
  });

  it('a slow TSA shows "timestamping at <host>…" with its own timer, not "hashing"', async () => {
    const ws = await aliceWorkspace(PREFIX);
    writeFileSync(path.join(ws.work, 'a.txt'), 'a');
    const real = await bundledTsa('tsa-ec');
    const slow = await serve((_req, body, res) => {
      setTimeout(async () => {
        const answer = await fetch(real.url, { method: 'POST', headers: { 'content-type': 'application/timestamp-query' }, body });
        res.writeHead(200, { 'content-type': 'application/timestamp-reply' }).end(Buffer.from(await answer.arrayBuffer()));
      }, 3000);
    });
    try {
      const r = await onTerminal(PTY_DRIVER('Registered', ''), ['env', `TSPROOF_PASSPHRASE=${PASSPHRASE}`, process.execPath, BIN, 'register', 'a.txt', '--tsa', slow.url], ws);
      expect(r.status, r.stdout).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`timestamping at ${new URL(slow.url).host.replace(/\./g, '\\.')}… [12] s`));
      expect(r.stdout).not.toMatch(/hashing/);
    } finally {
      await slow.close();
      await real.close();
    }
  });
});

describe('identities and config.json', () => {
  const NPKI = path.join(ROOT, 'fixtures', 'npki', 'seed-cbc-sha1');
  /** `<root>/NPKI/yessign/USER/<folder>/` holding a copy of the fixture NPKI certificate. */
  const npkiTree = (root: string, folder: string) => {
    const dir = path.join(root, 'NPKI', 'yessign', 'USER', folder);
    mkdirSync(dir, { recursive: true });
    for (const f of ['signCert.der', 'signPri.key']) cpSync(path.join(NPKI, f), path.join(dir, f));
    return dir;
  };

  it('import --npki searches below the folder, takes the one certificate there; importing it again says so and changes nothing', async () => {
    const ws = cliWorkspace(PREFIX, { passphrase: PASSPHRASE });
    npkiTree(path.join(ws.dir, 'usb'), 'cn=김영희()0001');
    const imp = await ws.run(['identity', 'import', '--npki', path.join(ws.dir, 'usb')], { TSPROOF_IMPORT_PASSPHRASE: KOREAN_PASSWORD });
    expect(imp.status, imp.stderr).toBe(0);
    expect(imp.stderr).toMatch(/Found the NPKI certificate of 김영희 in .*NPKI\/yessign\/USER\/cn=김영희\(\)0001\./);
    expect(imp.stdout).toMatch(/Imported identity/);
    const again = await ws.run(['identity', 'import', '--npki', path.join(ws.dir, 'usb'), '--json']);
    expect(again.status, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ ok: true, unchanged: true });
    const list = JSON.parse((await ws.run(['identity', 'list', '--json'])).stdout);
    expect(list.identities).toHaveLength(1);
    // The same certificate from a PEM + key: also already there.
    const pem = await ws.run(['identity', 'import', path.join(PKI, 'holder-alice-chain.pem'), '--key', path.join(PKI, 'holder-alice.key')]);
    expect(pem.status, pem.stderr).toBe(0);
    expect(pem.stderr).toMatch(/already holds this certificate .*nothing imported/);
    // Two certificates below: refused, each listed.
    npkiTree(path.join(ws.dir, 'usb'), 'cn=other()0002');
    expectOneLineError(await ws.run(['identity', 'import', '--npki', path.join(ws.dir, 'usb')]), 2, /2 certificates below it: .*0002 \(김영희, tsproof test, until 2045-01-01\); .*0001 .*; give the folder/);
  });

  it('identity default <name>; config.json refuses unknown keys', async () => {
    const ws = await aliceWorkspace(PREFIX);
    const other = await ws.run(['identity', 'new', '--name', 'Other Person', '--as', 'other']);
    expect(other.status, other.stderr).toBe(0);
    expect((await ws.run(['identity', 'default', 'other'])).stdout).toMatch(/"other" \(CN=Other Person\) is now the default identity\./);
    expect(JSON.parse((await ws.run(['identity', 'list', '--json'])).stdout).default).toBe('other');
    writeFileSync(path.join(ws.work, 'a.txt'), 'a');
    const reg = await ws.run(['register', 'a.txt', '--tsa', tsa.url, '--json']);
    expect(JSON.parse(reg.stdout).holder.subject).toBe('CN=Other Person');
    expectOneLineError(await ws.run(['identity', 'default', 'nobody']), 2, /no identity named "nobody"/);
    writeFileSync(path.join(ws.home, 'config.json'), JSON.stringify({ defaultIdentiy: 'other', tsa: [tsa.url] }));
    expectOneLineError(await ws.run(['register', 'a.txt']), 2, /config\.json: defaultIdentiy: unknown key \(known: tsa, timestamps, defaultIdentity, acceptedPolicies, pins, registry, deprecations, secrets\)/);
  });
});

describe('PDFs fit for a court exhibit', () => {
  const pdfText = (pdf: string) => execFileSync('pdftotext', ['-enc', 'UTF-8', '-layout', pdf, '-'], { encoding: 'utf8' });

  it('human sizes beside exact bytes, accuracy in ms or s, page numbers and the receipt id on every page, the TSA’s CA named; --file gives the per-file receipt command', async () => {
    const ws = await aliceWorkspace(PREFIX);
    mkdirSync(path.join(ws.work, 'proj'));
    for (let i = 0; i < 90; i++) writeFileSync(path.join(ws.work, 'proj', `part-${String(i).padStart(2, '0')}.step`), Buffer.alloc(1536 + i, i));
    const reg = JSON.parse((await ws.run(['register', 'proj', '--tsa', tsa.url, '--json'])).stdout);
    const pdf = path.join(ws.work, 'all.pdf');
    const r = await ws.run(['certificate', reg.receipt, '--lang', 'en', '--out', pdf]);
    expect(r.status, r.stderr).toBe(0);
    const text = pdfText(pdf);
    const pages = text.split('\f').filter((p) => p.trim());
    expect(pages.length).toBeGreaterThan(1);
    pages.forEach((page, i) => {
      expect(page, `page ${i + 1}`).toContain(`Page ${i + 1} of ${pages.length}`);
      expect(page, `page ${i + 1}`).toContain(reg.id);
    });
    expect(text).toContain('1.5 KiB (1,536 bytes)');
    expect(text).toMatch(/accuracy ±\d+(\.\d+)? (s|ms)/);
    expect(text).not.toMatch(/µs/);
    expect(text).toContain('CN=Test TSA EC, O=tsproof test, C=KR — issued by CN=root-ca, O=tsproof test, C=KR');
    // One file: how to check it without the batch's receipt, which names every other file.
    const one = path.join(ws.work, 'one.pdf');
    expect((await ws.run(['certificate', reg.receipt, '--file', 'proj/part-07.step', '--lang', 'en', '--out', one])).status).toBe(0);
    const oneText = pdfText(one).replace(/\s+/g, ' ');
    expect(oneText).toContain(`tsproof receipt extract ${reg.receipt} --file proj/part-07.step --out part-07.step.tsproof.json`);
    expect(oneText).toContain('tsproof verify proj/part-07.step --receipt part-07.step.tsproof.json');
    expect(oneText).not.toContain('tsproof verify <file> --receipt <receipt>');
    // and the commands it prints work
    expect((await ws.run(['receipt', 'extract', reg.receipt, '--file', 'proj/part-07.step', '--out', 'part-07.step.tsproof.json'])).status).toBe(0);
    expect((await ws.run(['verify', 'proj/part-07.step', '--receipt', 'part-07.step.tsproof.json'])).status).toBe(0);
  });
});
