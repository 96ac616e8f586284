/**
 * tsproof demo — an offline walkthrough in a temporary folder: the bundled TSA on
 * loopback, a throwaway identity, registration of sample files (Korean names, an empty
 * file, binary data), verification, OpenSSL's independent verdict, and tampering.
 * Exits 0 only when everything behaved as expected.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createTsaServer, listen } from '../../core/tsa/server.js';
import { authorityFor, createTsaMaterial, TSA_FILES, writeTsaMaterial } from '../../core/tsa/setup.js';
import { extractPieces } from '../../core/receipt/extract.js';
import { parseReceiptJson } from '../../core/receipt/receipt.js';
import { identityNew } from './identity.js';
import { registerCommand } from './register.js';
import { verifyCommand } from './verify.js';
import { receiptExtract } from './receipt.js';
import { certificateCommand, exportCommand } from './export.js';
import type { CliContext, Writable } from '../context.js';
import { plain, t, type Text } from '../../core/text.js';
import { note, paint, printJson } from '../output.js';
import { envForLang } from '../i18n.js';

function indented(w: Writable): Writable {
  return { write: (s: string) => w.write(s.replace(/^(?=.)/gm, '    ')) };
}

export async function demoCommand(ctx: CliContext, o: { keep?: boolean }): Promise<number> {
  const say = (s?: Text) => note(ctx, s);
  const bold = (s: Text) => paint(ctx, 'bold', s);
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'tsproof-demo-'));
  const home = path.join(tmp, 'home');
  const work = path.join(tmp, 'work');
  const sub: CliContext = {
    ...ctx,
    home,
    cwd: work,
    json: false,
    stdout: indented(ctx.stderr),
    stderr: indented(ctx.stderr),
    env: { ...ctx.env, TSPROOF_PASSPHRASE: randomBytes(18).toString('base64') },
  };
  const expectations: [Text, boolean][] = [];
  const server = { close: () => undefined as unknown };
  try {
    say(bold(t`tsproof demo — everything happens offline in ${tmp}`));
    say();
    say(bold(t`1. A local RFC 3161 time-stamping authority on loopback`));
    const tsa = createTsaMaterial({ name: 'tsproof demo', now: ctx.now() });
    await writeTsaMaterial(path.join(home, 'tsa'), tsa);
    await mkdir(path.join(home, 'trust'), { recursive: true });
    await writeFile(path.join(home, 'trust', 'demo-tsa-root.pem'), tsa.root.toPEM());
    const srv = createTsaServer(authorityFor(tsa, ctx.now));
    const addr = await listen(srv, '127.0.0.1', 0);
    server.close = () => srv.close();
    const url = `http://127.0.0.1:${addr.port}/`;
    say(t`    ${tsa.certificate.subject} at ${url}; its root is trusted in the demo's home`);
    say();

    say(bold(t`2. A throwaway holder identity (self-asserted)`));
    await identityNew(sub, { name: '홍길동', org: 'Demo Design Co.', as: 'demo' });
    say();

    say(bold(t`3. Sample files: a Korean-named drawing, a CAD part, an empty file, 1 MiB of binary data`));
    await mkdir(path.join(work, 'designs', '설계도면'), { recursive: true });
    const files = {
      drawing: path.join('designs', '설계도면', '회로도-v1.txt'),
      part: path.join('designs', 'bracket.step'),
      empty: path.join('designs', 'empty.txt'),
      blob: path.join('designs', 'sensor-capture.bin'),
    };
    await writeFile(path.join(work, files.drawing), '회로도 v1: 전원부 3.3V, MCU, 센서 인터페이스\n');
    await writeFile(path.join(work, files.part), "ISO-10303-21;\nHEADER;\nFILE_NAME('bracket');\nENDSEC;\nDATA;\n#1=CARTESIAN_POINT('',(0.,0.,0.));\nENDSEC;\nEND-ISO-10303-21;\n");
    await writeFile(path.join(work, files.empty), '');
    await writeFile(path.join(work, files.blob), randomBytes(1 << 20));
    for (const f of Object.values(files)) say(plain`    ${f}`);
    say();

    say(bold(t`4. tsproof register designs --tsa ${url}`));
    say(paint(ctx, 'dim', t`   (one signature over the manifest, one timestamp over the signature, whatever the number of files)`));
    expectations.push([t`register exits 0`, (await registerCommand(sub, ['designs'], { tsa: [url], trust: [], algorithm: [], timeout: '10', out: '.' })) === 0]);
    const receiptName = (await import('node:fs')).readdirSync(work).find((n) => n.endsWith('.tsproof.json'))!;
    const receiptPath = path.join(work, receiptName);
    say();

    say(bold(t`5. tsproof verify — each file, offline, found through the local registry`));
    const verified = await verifyCommand(sub, Object.values(files), { trust: [], brief: true });
    expectations.push([t`all four files verify`, verified === 0]);
    say();

    say(bold(t`6. An independent verdict: OpenSSL checks the same receipt`));
    const pieces = extractPieces(parseReceiptJson(await readFile(receiptPath, 'utf8'), receiptName));
    const ev = path.join(tmp, 'openssl');
    await mkdir(ev);
    await writeFile(path.join(ev, 'manifest.json'), pieces.manifest);
    await writeFile(path.join(ev, 'signature.p7s'), pieces.signature);
    await writeFile(path.join(ev, 'signature-value.bin'), pieces.signatureValue);
    await writeFile(path.join(ev, 'token.tst'), pieces.tokens[0]!.token);
    await writeFile(path.join(ev, 'holder.pem'), pieces.holderCertificates.map((x) => x.toPEM()).join(''));
    const root = path.join(home, 'tsa', TSA_FILES.root);
    const openssl = (args: string[]) => {
      try {
        execFileSync('openssl', args, { cwd: ev, stdio: ['ignore', 'pipe', 'pipe'] });
        return true;
      } catch (err) {
        return (err as NodeJS.ErrnoException).code === 'ENOENT' ? undefined : false;
      }
    };
    const tsOk = openssl(['ts', '-verify', '-token_in', '-in', 'token.tst', '-data', 'signature-value.bin', '-CAfile', root]);
    const cmsOk = openssl(['cms', '-verify', '-binary', '-inform', 'DER', '-in', 'signature.p7s', '-content', 'manifest.json', '-CAfile', 'holder.pem', '-purpose', 'any', '-out', '/dev/null']);
    if (tsOk === undefined || cmsOk === undefined) say(t`    openssl is not installed; skipping the independent check`);
    else {
      const failed = paint(ctx, 'red', t`FAILED`);
      say(t`    openssl ts -verify  (token over the signature value, TSA root)  → ${tsOk ? paint(ctx, 'green', plain`Verification: OK`) : failed}`);
      say(t`    openssl cms -verify (holder signature over the manifest)        → ${cmsOk ? paint(ctx, 'green', plain`Verification successful`) : failed}`);
      expectations.push([t`OpenSSL accepts the token`, tsOk], [t`OpenSSL accepts the signature`, cmsOk]);
    }
    say();

    say(bold(t`7. Tampering: one byte of bracket.step changes`));
    const partPath = path.join(work, files.part);
    const bytes = await readFile(partPath);
    bytes[bytes.length - 2] = bytes[bytes.length - 2]! ^ 0x01;
    await writeFile(partPath, bytes);
    const tampered = await verifyCommand(sub, [files.part], { trust: [], receipt: [receiptName], brief: true });
    expectations.push([t`the modified file fails (exit 1)`, tampered === 1]);
    say();

    say(bold(t`8. Tampering: the drawing is swapped and the receipt edited to claim the new digest`));
    const forged = JSON.parse(await readFile(receiptPath, 'utf8'));
    const drawingName = files.drawing.split(path.sep).join('/');
    // Someone swaps in another drawing and edits the receipt to claim its digest.
    const other = Buffer.from('회로도 v2: a different drawing\n');
    await writeFile(path.join(work, files.drawing), other);
    forged.entries.find((e: { name: string }) => e.name === drawingName).digests.sha256 = createHash('sha256').update(other).digest('hex');
    await writeFile(path.join(work, 'forged.tsproof.json'), JSON.stringify(forged, null, 2));
    const forgedCode = await verifyCommand(sub, [files.drawing], { trust: [], receipt: ['forged.tsproof.json'], brief: true });
    expectations.push([t`the forged receipt fails (exit 1)`, forgedCode === 1]);
    say();

    say(bold(t`9. Selective disclosure: a receipt for bracket.step alone`));
    await writeFile(
      partPath,
      bytes.map((b, i) => (i === bytes.length - 2 ? b ^ 0x01 : b)),
    );
    expectations.push([t`extract exits 0`, (await receiptExtract(sub, receiptName, { file: files.part, out: 'bracket.tsproof.json' })) === 0]);
    const single = await readFile(path.join(work, 'bracket.tsproof.json'), 'utf8');
    expectations.push([t`the per-file receipt names no other file`, !single.includes('sensor-capture') && !single.includes('회로도')]);
    expectations.push([t`the per-file receipt verifies`, (await verifyCommand(sub, [files.part], { trust: [], receipt: ['bracket.tsproof.json'], brief: true })) === 0]);
    say();

    say(bold(t`10. For readers without tsproof: an evidence pack checked by OpenSSL alone, and a PDF certificate`));
    expectations.push([t`export --format evidence exits 0`, (await exportCommand(sub, 'bracket.tsproof.json', { format: 'evidence', out: 'evidence', trust: [] })) === 0]);
    // verify.sh picks its language from the locale: the demo's (--lang or the environment's).
    const sh = spawnSync('bash', [path.join('evidence', 'verify.sh'), files.part], { cwd: work, encoding: 'utf8', env: envForLang(ctx.env, ctx.lang) });
    for (const line of `${sh.stdout}${sh.stderr}`.trim().split('\n')) say(plain`    ${line}`);
    expectations.push([t`verify.sh (bash + OpenSSL + POSIX tools) accepts bracket.step`, sh.status === 0]);
    expectations.push([t`certificate writes a Korean/English PDF`, (await certificateCommand(sub, receiptName, { lang: 'both', out: 'certificate.pdf', trust: [] })) === 0]);
    say();
  } finally {
    server.close();
    if (!o.keep) await rm(tmp, { recursive: true, force: true });
  }
  const ok = expectations.every(([, v]) => v);
  say(bold(t`Summary`));
  for (const [what, v] of expectations) say(plain`    ${v ? paint(ctx, 'green', plain`✔`) : paint(ctx, 'red', plain`✘`)} ${what}`);
  say(
    ok
      ? paint(ctx, 'green', t`Demo OK: registered, verified offline, confirmed by OpenSSL, tampering detected, one file disclosed alone, evidence pack and certificate written.`)
      : paint(ctx, 'red', t`Demo FAILED: something did not behave as expected.`),
  );
  if (o.keep) say(t`Files kept in ${tmp}`);
  if (ctx.json) printJson(ctx, { ok, expectations: expectations.map(([what, passed]) => ({ what, ok: passed })) });
  return ok ? 0 : 1;
}
