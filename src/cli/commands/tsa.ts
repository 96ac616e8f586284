/** tsproof tsa init|serve — the bundled RFC 3161 TSA. */
import { copyFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { InputError } from '../../core/errors.js';
import { createTsaServer, listen } from '../../core/tsa/server.js';
import { authorityFor, createTsaCsr, createTsaMaterial, loadTsaMaterial, TSA_FILES, writeTsaMaterial } from '../../core/tsa/setup.js';
import { loadTsaConfig } from '../../core/tsa/config.js';
import { effectiveLimits, openFileLimit } from '../../core/tsa/limits.js';
import { ClockGuard } from '../../core/tsa/clock.js';
import { PersistentSerials, SERIAL_STATE_FILE } from '../../core/tsa/serials.js';
import { writeAtomic } from '../../core/io/fs.js';
import { toPem } from '../../core/pki/certificate.js';
import { note, out, paint, printJson, warn } from '../output.js';
import type { CliContext } from '../context.js';
import { PUBLIC_TSAS, PUBLIC_TSA_LIST_VERSION } from '../../core/tsa/public-tsas.js';
import { knownTsa } from '../../core/trust/known.js';
import { probeTsa } from '../../core/tsa/probe.js';
import { proxyFromEnv } from '../../core/tsp/http.js';
import { resolveTsas } from './register.js';
import { trustAnchors } from '../common.js';
import { ExitCode } from '../exit.js';
import { jsonSafe } from '../../core/display.js';
import { joinTexts, plain, t, type Text } from '../../core/text.js';

export function tsaDir(ctx: CliContext, dir?: string): string {
  return dir ? path.resolve(ctx.cwd, dir) : path.join(ctx.home, 'tsa');
}

export async function tsaInit(ctx: CliContext, o: { dir?: string; name: string; rsa?: boolean; trust: boolean; csr?: string }): Promise<number> {
  const dir = tsaDir(ctx, o.dir);
  if (o.csr) {
    // A key and a request for an external CA; the issued certificate goes in tsa.pem.
    const { csr } = await createTsaCsr(dir, { name: o.name, rsa: !!o.rsa });
    await writeAtomic(path.resolve(ctx.cwd, o.csr), toPem('CERTIFICATE REQUEST', csr));
    if (ctx.json) printJson(ctx, { ok: true, dir, csr: o.csr });
    else out(ctx, t`Created the TSA key in ${dir} and the request ${o.csr}. Ask your CA for a certificate with extendedKeyUsage=critical,timeStamping and save it (with its chain) as ${path.join(dir, TSA_FILES.cert)}.`);
    return 0;
  }
  const m = createTsaMaterial({ name: o.name, now: ctx.now(), rsa: !!o.rsa });
  await writeTsaMaterial(dir, m);
  // Trusting the root you just made is the point of a local TSA; --no-trust skips it.
  let trusted: string | undefined;
  if (o.trust) {
    const trustDir = path.join(ctx.home, 'trust');
    await mkdir(trustDir, { recursive: true, mode: 0o700 });
    trusted = path.join(trustDir, `tsa-${m.root.sha256.slice(0, 16)}.pem`);
    await copyFile(path.join(dir, TSA_FILES.root), trusted);
  }
  if (ctx.json) {
    printJson(ctx, { ok: true, dir, root: m.root.subject, tsa: m.certificate.subject, rootSha256: m.root.sha256, trusted: trusted ?? null });
    return 0;
  }
  out(ctx, t`Created a TSA in ${dir}`);
  out(ctx, t`  root  ${m.root.subject} (${TSA_FILES.root})`);
  out(ctx, t`  tsa   ${m.certificate.subject} (${TSA_FILES.cert}; key ${TSA_FILES.key}, owner-only)`);
  if (trusted) out(ctx, t`  trust root added to ${trusted}`);
  out(ctx, t`Start it with: tsproof tsa serve${o.dir ? ` --dir ${o.dir}` : ''}`);
  return 0;
}

/** One server per TSA directory: the serial state must have a single writer. */
async function lock(dir: string): Promise<() => Promise<void>> {
  const file = path.join(dir, 'serve.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await writeFile(file, `${process.pid}\n`, { flag: 'wx', mode: 0o600 });
      return () => rm(file, { force: true });
    } catch {
      const pid = Number((await readFile(file, 'utf8').catch(() => '')).trim());
      let alive = false;
      try {
        if (pid > 0) process.kill(pid, 0);
        alive = pid > 0;
      } catch {
        alive = false;
      }
      if (alive) throw new InputError({ code: 'BAD_ARGUMENT', message: t`a TSA server (pid ${pid}) already serves ${dir}` });
      await rm(file, { force: true }); // stale lock from a crashed server
    }
  }
  throw new InputError({ code: 'BAD_ARGUMENT', message: t`cannot lock ${dir}` });
}

export async function tsaServe(ctx: CliContext, o: { dir?: string; host: string; port: string }): Promise<number> {
  const port = Number(o.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new InputError({ code: 'BAD_ARGUMENT', message: t`--port ${o.port}: expected 0-65535` });
  const dir = tsaDir(ctx, o.dir);
  const config = await loadTsaConfig(dir);
  const passphrase = ctx.env.TSPROOF_TSA_PASSPHRASE;
  const m = await loadTsaMaterial(dir, { ...(config.pkcs12 ? { pkcs12: config.pkcs12 } : {}), ...(passphrase ? { passphrase } : {}) });
  const unlock = await lock(dir);
  const guard = new ClockGuard(config.clock ?? {}, ctx.now);
  try {
    if (guard.configured) {
      const s = await guard.check();
      if (!s.trusted) warn(ctx, t`refusing to issue until the clock is trusted: ${s.reason ?? ''}`);
      guard.start();
    }
    const serials = new PersistentSerials(path.join(dir, SERIAL_STATE_FILE), ctx.now);
    const authority = authorityFor(m, ctx.now, { config, serials: () => serials.next(), clockGuard: guard });
    // Every connection must fit under the open-file limit, or accept() fails for everyone.
    const fdLimit = openFileLimit();
    const { limits, lowered } = effectiveLimits(config.limits, fdLimit);
    if (lowered) (config.limits?.maxConnections ? warn : note)(ctx, t`at most ${limits.maxConnections} connections at once (lowered to fit the open-file limit of ${fdLimit ?? 0}; raise it with ulimit -n)`);
    const server = createTsaServer(authority, {
      limits,
      log: (e) => ctx.stderr.write(`${jsonSafe(JSON.stringify(e))}\n`),
      health: () => ({ status: guard.current.trusted ? 'ok' : 'unavailable', tsa: m.certificate.subject, issued: authority.issued, lastSerial: serials.lastIssued.toString(16), clock: guard.current }),
    });
    let addr;
    try {
      addr = await listen(server, o.host, port);
    } catch (err) {
      throw new InputError({ code: 'BAD_ARGUMENT', message: t`cannot listen on ${o.host}:${port} (${(err as NodeJS.ErrnoException).code ?? 'error'})` });
    }
    const url = `http://${addr.host.includes(':') ? `[${addr.host}]` : addr.host}:${addr.port}/`;
    note(ctx, t`tsproof TSA "${m.certificate.subject}" listening on ${url}`);
    if (ctx.json) printJson(ctx, { ok: true, url, tsa: m.certificate.subject });
    // SIGINT, SIGTERM or SIGHUP: finish the requests in flight, then stop. A repeated signal
    // changes nothing (Ctrl-C under the launcher arrives twice: from the terminal and passed on).
    let stopping = false;
    const stop = () => {
      if (stopping) return;
      stopping = true;
      note(ctx, t`shutting down: finishing requests in flight`);
      server.close(() => resolveStop());
      server.closeIdleConnections();
    };
    let resolveStop: () => void = () => undefined;
    const stopped = new Promise<void>((r) => (resolveStop = r));
    const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
    for (const s of signals) process.on(s, stop);
    try {
      await stopped;
    } finally {
      for (const s of signals) process.off(s, stop);
    }
    return 0;
  } finally {
    guard.stop();
    await unlock();
  }
}

export async function tsaList(ctx: CliContext): Promise<number> {
  if (ctx.json) {
    // `knownRoots`: the curated roots `tsproof trust add --known <name>` trusts (none are trusted until then).
    printJson(ctx, {
      ok: true,
      version: PUBLIC_TSA_LIST_VERSION,
      tsas: PUBLIC_TSAS.map((x) => {
        const k = knownTsa(x.name);
        return k ? { ...x, knownRoots: k.roots.map((r) => ({ subject: r.subject, sha256: r.sha256, source: r.source })) } : x;
      }),
    });
    return 0;
  }
  out(ctx, t`Public TSAs (list of ${PUBLIC_TSA_LIST_VERSION}; check one with: tsproof tsa probe <name>)`);
  for (const tsa of PUBLIC_TSAS) {
    const flags: Text[] = [];
    if (tsa.testOnly) flags.push(t`test only`);
    if (tsa.authRequired) flags.push(t`needs credentials`);
    if (tsa.minIntervalMs) flags.push(t`≥ ${tsa.minIntervalMs / 1000} s between requests`);
    out(ctx, plain`  ${tsa.name.padEnd(11)} ${tsa.url}`);
    // The operators' notes are data of the curated list (English).
    out(ctx, plain`  ${''.padEnd(11)} ${tsa.operator}${flags.length ? plain` — ${joinTexts(flags, ', ')}` : ''}${tsa.notes ? `. ${tsa.notes}` : ''}`);
    const k = knownTsa(tsa.name);
    if (k) out(ctx, plain`  ${''.padEnd(11)} ${t`curated root(s), not trusted until you run: tsproof trust add --known ${k.name}`}`);
  }
  return 0;
}

export async function tsaProbe(ctx: CliContext, target: string, o: { trust: string[]; timeout: string }): Promise<number> {
  const [endpoint] = await resolveTsas(ctx, [target]);
  const r = await probeTsa(endpoint!, { random: ctx.random, now: ctx.now, trust: await trustAnchors(ctx, o.trust), timeoutMs: Number(o.timeout) * 1000, proxy: proxyFromEnv(ctx.env) });
  if (ctx.json) printJson(ctx, { ok: r.ok, probe: r });
  else {
    out(ctx, plain`${r.ok ? paint(ctx, 'green', plain`✔`) : paint(ctx, 'red', plain`✘`)} ${r.url}${r.latencyMs !== undefined ? `  (${r.latencyMs} ms)` : ''}`);
    for (const [alg, status] of Object.entries(r.algorithms)) out(ctx, plain`  ${alg.toUpperCase().padEnd(7)} ${status}`);
    if (r.info) {
      out(ctx, t`  TSA     ${r.info.tsa}`);
      out(ctx, r.info.trusted ? t`  chain   ${r.info.chain.join(' → ')} (trusted)` : t`  chain   ${r.info.chain.join(' → ')}`);
      out(ctx, t`  policy  ${r.info.policy}`);
    }
    for (const q of r.quirks) out(ctx, t`  note    ${q}`);
    for (const c of r.failedChecks) out(ctx, plain`  ${c.status === 'fail' ? paint(ctx, 'red', plain`✘`) : paint(ctx, 'yellow', plain`!`)} ${c.id}  ${c.detail}`);
  }
  return r.ok ? 0 : ExitCode.SERVICE;
}
