/**
 * tsproof registry serve|token|push|pull|audit, and the --remote side of find|list|history|log:
 * the organisation registry (docs/org-registry.md). The server and its store live in core/org;
 * this module reads flags, configuration and secrets (database URL and tokens from the
 * environment or files, never printed) and renders.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { InputError, TsaError, VerificationError, messageOf } from '../../core/errors.js';
import { loadConfig, type RegistryConfig } from '../../core/home.js';
import { writeAtomic, exists } from '../../core/io/fs.js';
import { OrgClient } from '../../core/org/client.js';
import { RECEIPT_TYPE, REDACTED_TYPE, redactReceipt } from '../../core/org/document.js';
import { enqueue, loadRemoteState, queued, saveProof, saveRemoteState, unqueue } from '../../core/org/local.js';
import type { StoredEntry } from '../../core/org/records.js';
import type { checkStampedHead } from '../../core/org/stamp.js';
import { loadOrCreateLogKey } from '../../core/org/tree-head.js';
import { checkProject, newToken, roleOption } from '../../core/org/tokens.js';
import { parseReceiptBytes } from '../../core/receipt/load.js';
import { serializeReceipt, type Receipt } from '../../core/receipt/receipt.js';
import { isFileHash } from '../../core/crypto/algorithms.js';
import { plain, t } from '../../core/text.js';
import { jsonSafe } from '../../core/display.js';
import type { CliContext } from '../context.js';
import { trustAnchors } from '../common.js';
import { note, out, printJson, warn } from '../output.js';
import { ExitCode } from '../exit.js';

// ---------------------------------------------------------------- server side

// The server, the database client (pg) and the verifier load only for the commands that use them.
const openPgStore: typeof import('../../core/org/pg-store.js')['openPgStore'] = async (o) => (await import('../../core/org/pg-store.js')).openPgStore(o);

function databaseUrl(ctx: CliContext, flag?: string): string {
  const url = flag ?? ctx.env.TSPROOF_REGISTRY_DATABASE;
  if (!url) throw new InputError({ code: 'BAD_ARGUMENT', message: t`give the database as --database postgres://… or in TSPROOF_REGISTRY_DATABASE` });
  if (!/^postgres(ql)?:\/\//.test(url)) throw new InputError({ code: 'BAD_ARGUMENT', message: t`the database must be a postgres:// URL` });
  if (flag && /^postgres(ql)?:\/\/[^/@]*:[^/@]*@/.test(flag)) warn(ctx, t`the database URL holds a password on the command line, where other users can see it: use TSPROOF_REGISTRY_DATABASE or ~/.pgpass`);
  return url;
}

function listenOption(v: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(v);
  const port = m ? Number(m[3]) : NaN;
  if (!m || port > 65535) throw new InputError({ code: 'BAD_ARGUMENT', message: t`--listen ${v}: expected host:port` });
  return { host: (m[1] ?? m[2])!, port };
}

export interface ServeFlags {
  database?: string;
  listen: string;
  tlsCert?: string;
  tlsKey?: string;
  migrate?: boolean;
  logKey?: string;
  trust: string[];
  pool?: string;
  tsa?: string;
  stampEvery?: string;
}

export async function registryServe(ctx: CliContext, o: ServeFlags): Promise<number> {
  const { host, port } = listenOption(o.listen);
  if (!!o.tlsCert !== !!o.tlsKey) throw new InputError({ code: 'BAD_ARGUMENT', message: t`give both --tls-cert and --tls-key, or neither` });
  const stampEvery = Number(o.stampEvery ?? '10');
  if (!(stampEvery > 0)) throw new InputError({ code: 'BAD_ARGUMENT', message: t`--stamp-every ${o.stampEvery ?? ''}: expected minutes, more than 0` });
  const tls = o.tlsCert && o.tlsKey ? { cert: await readFile(path.resolve(ctx.cwd, o.tlsCert)), key: await readFile(path.resolve(ctx.cwd, o.tlsKey)) } : undefined;
  const url = databaseUrl(ctx, o.database);
  const key = await loadOrCreateLogKey(path.resolve(ctx.cwd, o.logKey ?? path.join(ctx.home, 'registry-log-key.pem')));
  if (key.created) note(ctx, t`created the log key ${o.logKey ?? path.join(ctx.home, 'registry-log-key.pem')} (log id ${key.logId}); give the same file to every server of this registry`);
  const trust = await trustAnchors(ctx, o.trust);
  const store = await openPgStore({ url, migrate: !!o.migrate, max: o.pool ? Number(o.pool) : 10 });
  const { createOrgServer } = await import('../../core/org/server.js');
  const { verifyReceipt } = await import('../../core/verify/receipt.js');
  const { stampHead } = await import('../../core/org/stamp.js');
  const server = createOrgServer({
    store,
    key,
    now: ctx.now,
    random: (n) => new Uint8Array(randomBytes(n)),
    verify: (r, merkleDone) => verifyReceipt(r, { anchors: [], trust, now: ctx.now(), ...(merkleDone ? { merkleAlreadyComputed: true } : {}) }),
    ...(tls ? { tls } : {}),
    log: (e) => ctx.stderr.write(`${jsonSafe(JSON.stringify(e))}\n`),
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
  } catch (err) {
    await store.close();
    throw new InputError({ code: 'BAD_ARGUMENT', message: t`cannot listen on ${o.listen} (${(err as NodeJS.ErrnoException).code ?? 'error'})` });
  }
  const addr = server.address() as { address: string; port: number };
  const shown = `${tls ? 'https' : 'http'}://${addr.address.includes(':') ? `[${addr.address}]` : addr.address}:${addr.port}/`;
  note(ctx, t`tsproof registry listening on ${shown} (log ${key.logId.slice(0, 16)}…)`);
  if (ctx.json) printJson(ctx, { ok: true, url: shown, logId: key.logId });
  // Tree heads timestamped by the TSA at least every --stamp-every minutes (when the log grew).
  let timer: NodeJS.Timeout | undefined;
  if (o.tsa) {
    const tsa = { url: o.tsa };
    const stamp = async () => {
      try {
        const s = await stampHead(store, await server.signedHead(), tsa, { random: (n) => new Uint8Array(randomBytes(n)), now: ctx.now, anchors: [], trust, retries: 1, timeoutMs: 15_000 });
        if (s) ctx.stderr.write(`${JSON.stringify({ at: ctx.now().toISOString(), stamped: s.size })}\n`);
      } catch (err) {
        warn(ctx, t`could not timestamp the tree head: ${messageOf(err)}`);
      }
    };
    void stamp();
    timer = setInterval(() => void stamp(), stampEvery * 60_000);
  }
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      if (timer) clearInterval(timer);
      server.close(() => resolve());
      server.closeIdleConnections();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await store.close();
  return 0;
}

// ---------------------------------------------------------------- tokens

export async function tokenCreate(ctx: CliContext, o: { name: string; role: string; project?: string; database?: string }): Promise<number> {
  const role = roleOption(o.role);
  const project = o.project === undefined ? null : checkProject(o.project);
  let created: { id: string; token: string };
  if (o.database || ctx.env.TSPROOF_REGISTRY_DATABASE) {
    const store = await openPgStore({ url: databaseUrl(ctx, o.database) });
    try {
      const tk = newToken(ctx.random);
      await store.createToken({ id: tk.id, hash: tk.hash, name: o.name, role, project, createdBy: 'cli', at: ctx.now() });
      await store.audit({ at: ctx.now().toISOString(), tokenId: null, action: 'token create (database)', project, target: tk.id, status: 201, detail: `${role} ${o.name}` });
      created = tk;
    } finally {
      await store.close();
    }
  } else {
    const { client } = await remote(ctx);
    const { json } = await client.request('POST', 'v1/tokens', { body: JSON.stringify({ name: o.name, role, project }), type: 'application/json' });
    created = { id: String(json.id), token: String(json.token) };
  }
  // The token is the command's result: on stdout, once. It is stored nowhere in clear.
  if (ctx.json) printJson(ctx, { ok: true, id: created.id, token: created.token, role, project, name: o.name });
  else {
    out(ctx, plain`${created.token}`);
    note(ctx, t`Created token ${created.id} (${role}${project ? `, project ${project}` : ''}) for ${o.name}. It is shown only now: keep it in a secret store (TSPROOF_REGISTRY_TOKEN).`);
  }
  return 0;
}

export async function tokenList(ctx: CliContext, o: { database?: string }): Promise<number> {
  let tokens: { id: string; name: string; role: string; project: string | null; createdAt: string; revokedAt: string | null }[];
  if (o.database || ctx.env.TSPROOF_REGISTRY_DATABASE) {
    const store = await openPgStore({ url: databaseUrl(ctx, o.database) });
    try {
      tokens = await store.listTokens();
    } finally {
      await store.close();
    }
  } else {
    const { client } = await remote(ctx);
    tokens = (await client.request('GET', 'v1/tokens')).json.tokens as typeof tokens;
  }
  if (ctx.json) printJson(ctx, { ok: true, tokens });
  else for (const k of tokens) out(ctx, plain`${k.id}  ${k.role.padEnd(9)}  ${k.project ?? '*'}  ${k.createdAt}  ${k.revokedAt ? `revoked ${k.revokedAt}` : 'active'}  ${k.name}`);
  return 0;
}

export async function tokenRevoke(ctx: CliContext, id: string, o: { database?: string }): Promise<number> {
  if (!/^[0-9a-f]{16}$/.test(id)) throw new InputError({ code: 'BAD_ARGUMENT', message: t`token id ${id}: expected 16 hex digits (see tsproof registry token list)` });
  let ok: boolean;
  if (o.database || ctx.env.TSPROOF_REGISTRY_DATABASE) {
    const store = await openPgStore({ url: databaseUrl(ctx, o.database) });
    try {
      ok = await store.revokeToken(id, ctx.now());
      await store.audit({ at: ctx.now().toISOString(), tokenId: null, action: 'token revoke (database)', project: null, target: id, status: ok ? 200 : 404, detail: null });
    } finally {
      await store.close();
    }
  } else {
    const { client } = await remote(ctx);
    ok = (await client.request('DELETE', `v1/tokens/${id}`)).json.revoked === true;
  }
  if (!ok) throw new InputError({ code: 'BAD_ARGUMENT', message: t`no active token ${id}` });
  if (ctx.json) printJson(ctx, { ok: true, id, revoked: true });
  else out(ctx, t`Revoked token ${id}.`);
  return 0;
}

// ---------------------------------------------------------------- client side

async function registryConfig(ctx: CliContext): Promise<RegistryConfig | undefined> {
  return (await loadConfig(ctx.home)).registry;
}

async function tokenOf(ctx: CliContext, cfg: RegistryConfig): Promise<string> {
  const env = ctx.env.TSPROOF_REGISTRY_TOKEN;
  if (env) return env.trim();
  if (cfg.tokenFile) {
    try {
      return (await readFile(path.resolve(ctx.home, cfg.tokenFile), 'utf8')).trim();
    } catch {
      throw new InputError({ code: 'BAD_CONFIG', message: t`registry.tokenFile ${cfg.tokenFile}: cannot read` });
    }
  }
  throw new InputError({ code: 'BAD_CONFIG', message: t`no registry token: set TSPROOF_REGISTRY_TOKEN, or registry.tokenFile in config.json` });
}

/** A client of the configured registry, with the state this machine remembers about it. */
async function remote(ctx: CliContext, cfg?: RegistryConfig): Promise<{ client: OrgClient; cfg: RegistryConfig }> {
  cfg ??= await registryConfig(ctx);
  if (!cfg) throw new InputError({ code: 'BAD_CONFIG', message: t`no organisation registry configured: add {"registry": {"url": "https://…"}} to $TSPROOF_HOME/config.json` });
  const state = await loadRemoteState(ctx.home, cfg.url);
  const client = new OrgClient({ url: cfg.url, token: await tokenOf(ctx, cfg), ...(state ? { state } : {}), save: (s) => saveRemoteState(ctx.home, s), timeoutMs: Number(ctx.env.TSPROOF_REGISTRY_TIMEOUT_MS ?? 15_000) });
  return { client, cfg };
}

interface Pushable {
  id: string;
  type: string;
  document: Buffer;
  project?: string;
}

function pushable(receipt: Receipt, receiptText: string | undefined, cfg: RegistryConfig, redact: boolean, project?: string): Pushable {
  const alg = (JSON.parse(Buffer.from(receipt.manifest, 'base64').toString('utf8')) as { merkle: { algorithm: string } }).merkle.algorithm;
  const document = redact ? Buffer.from(JSON.stringify(redactReceipt(receipt, alg))) : Buffer.from(receiptText ?? serializeReceipt(receipt));
  const p = project ?? cfg.project;
  return { id: receipt.id, type: redact ? REDACTED_TYPE : RECEIPT_TYPE, document, ...(p ? { project: p } : {}) };
}

async function pushOne(ctx: CliContext, client: OrgClient, p: Pushable) {
  const r = await client.push(p.document, p.type, p.project);
  await saveProof(ctx.home, { url: client.state!.url, registration: r.registration, head: r.head, inclusion: r.inclusion });
  return r;
}

/**
 * After `register` wrote its receipt: push it when a registry is configured. An unreachable or
 * failing server never fails the registration — it is queued for `tsproof registry push`.
 * Returns what happened, for --json (undefined when no registry is configured).
 */
export async function pushAfterRegister(ctx: CliContext, receipt: Receipt, o: { redactNames?: boolean; project?: string }): Promise<Record<string, unknown> | undefined> {
  const cfg = await registryConfig(ctx);
  if (!cfg) {
    if (o.redactNames) warn(ctx, t`--redact-names has no effect: no organisation registry is configured`);
    return undefined;
  }
  // The project signed in the manifest (register --project), else the configured one.
  const p = pushable(receipt, undefined, cfg, !!(o.redactNames || cfg.redactNames), o.project);
  try {
    const { client } = await remote(ctx, cfg);
    const r = await pushOne(ctx, client, p);
    if (!ctx.json) note(ctx, t`Pushed to the organisation registry: entry ${r.registration.index} of its log (size ${r.head.size}), proof kept.`);
    return { status: 'pushed', index: r.registration.index, treeSize: r.head.size, redacted: p.type === REDACTED_TYPE };
  } catch (err) {
    if (err instanceof VerificationError) throw err; // the log is inconsistent: that must be seen
    const file = await enqueue(ctx.home, { id: p.id, type: p.type, ...(p.project ? { project: p.project } : {}), document: p.document.toString('base64'), queuedAt: ctx.now().toISOString() });
    warn(ctx, t`the registration was not pushed to the organisation registry (${messageOf(err)}); it is queued: run tsproof registry push`);
    return { status: 'queued', queue: file, reason: messageOf(err) };
  }
}

export async function registryPush(ctx: CliContext): Promise<number> {
  const { client } = await remote(ctx);
  const items = await queued(ctx.home);
  const pushed: unknown[] = [];
  const failed: { id: string; reason: string }[] = [];
  let unavailable = false;
  for (const { file, item } of items) {
    if (unavailable) {
      failed.push({ id: item.id, reason: 'not tried: the registry is unavailable' });
      continue;
    }
    try {
      const r = await pushOne(ctx, client, { id: item.id, type: item.type, document: Buffer.from(item.document, 'base64'), ...(item.project ? { project: item.project } : {}) });
      await unqueue(file);
      pushed.push({ id: item.id, index: r.registration.index, already: r.already });
      if (!ctx.json) out(ctx, r.already ? t`${item.id}: already in the log (entry ${r.registration.index})` : t`${item.id}: pushed (entry ${r.registration.index})`);
    } catch (err) {
      if (err instanceof VerificationError) throw err;
      if (err instanceof TsaError) unavailable = true;
      failed.push({ id: item.id, reason: messageOf(err).render() });
      if (!ctx.json) warn(ctx, t`${item.id}: ${messageOf(err)}`);
    }
  }
  if (items.length === 0 && !unavailable) await client.contact(); // still check the log on contact
  if (ctx.json) printJson(ctx, { ok: failed.length === 0, pushed, failed });
  else if (items.length === 0) out(ctx, t`Nothing queued: every registration was pushed.`);
  else out(ctx, t`${pushed.length} pushed, ${failed.length} still queued.`);
  if (failed.length) return unavailable ? ExitCode.SERVICE : ExitCode.USAGE;
  return 0;
}

export async function registryPull(ctx: CliContext, what: string, o: { out?: string; force?: boolean }): Promise<number> {
  const { client } = await remote(ctx);
  let id = what;
  const digest = digestArg(what);
  if (digest) {
    const found = await client.query({ digest, limit: 1 });
    if (!found.results.length) throw new InputError({ code: 'RECEIPT_NOT_FOUND', message: t`the organisation registry has no registration of ${what}` });
    id = found.results[0]!.registration.id;
  }
  const got = await client.pull(id);
  if (got.registration.redacted) throw new InputError({ code: 'BAD_ARGUMENT', message: t`registration ${id} was pushed with names redacted: it cannot be verified from the registry (ask its holder for the receipt)` });
  const receipt = parseReceiptBytes(got.document, `registration ${id}`);
  const file = path.resolve(ctx.cwd, o.out ?? `${receipt.id}.tsproof.json`);
  if (!o.force && (await exists(file))) throw new InputError({ code: 'BAD_ARGUMENT', message: t`${file} exists (use --force to replace it)` });
  await writeAtomic(file, got.document);
  await saveProof(ctx.home, { url: client.state!.url, registration: got.registration, head: got.head, inclusion: got.inclusion });
  const shown = path.relative(ctx.cwd, file) || file;
  if (ctx.json) printJson(ctx, { ok: true, receipt: shown, id: receipt.id, registration: got.registration, treeSize: got.head.size });
  else {
    out(ctx, t`Pulled registration ${receipt.id} → ${shown} (entry ${got.registration.index} of the organisation log, proven).`);
    note(ctx, t`Verify it offline with: tsproof verify <file> --receipt ${shown}`);
  }
  return 0;
}

function digestArg(v: string): string | undefined {
  const m = /^(?:(sha256|sha384|sha512):)?([0-9a-fA-F]{64}|[0-9a-fA-F]{96}|[0-9a-fA-F]{128})$/.exec(v);
  if (!m) return undefined;
  const hex = m[2]!.toLowerCase();
  const alg = m[1] ?? (hex.length === 64 ? 'sha256' : hex.length === 96 ? 'sha384' : 'sha512');
  return isFileHash(alg) ? `${alg}:${hex}` : undefined;
}

const regLine = (r: { provenTime: string | null; project: string; holder: string; id: string; entryCount: number }) => plain`${r.provenTime ?? '-'}  ${r.project}  ${r.id}  ${r.holder}  (${String(r.entryCount)})`;

/** A name is looked up by its SHA-256, which every entry has: registrations pushed with --redact-names are found too. */
const byName = (name: string) => ({ nameSha256: createHash('sha256').update(name.normalize('NFC'), 'utf8').digest('hex') });

/** The SHA-256 of `what` when it names a file here (find takes a file, a digest or a name). */
async function fileDigest(ctx: CliContext, what: string): Promise<string | undefined> {
  const file = path.resolve(ctx.cwd, what);
  const st = await stat(file).catch(() => undefined);
  if (!st?.isFile()) return undefined;
  const h = createHash('sha256');
  for await (const chunk of createReadStream(file)) h.update(chunk as Buffer);
  return `sha256:${h.digest('hex')}`;
}

/** find --remote: by file content, digest (any algorithm) or name; earliest proven time first. */
export async function remoteFind(ctx: CliContext, what: string, o: { project?: string; limit?: string }): Promise<number> {
  const { client } = await remote(ctx);
  const digest = digestArg(what) ?? (await fileDigest(ctx, what));
  const r = await client.query({ ...(digest ? { digest } : byName(what)), ...(o.project ? { project: o.project } : {}), limit: Number(o.limit ?? 100) });
  return renderFound(ctx, r.results, r.head.size, what);
}

/** history --remote: every registration of a name, earliest first. */
export async function remoteHistory(ctx: CliContext, name: string, o: { project?: string; limit?: string }): Promise<number> {
  const { client } = await remote(ctx);
  const r = await client.query({ ...byName(name), ...(o.project ? { project: o.project } : {}), limit: Number(o.limit ?? 100) });
  return renderFound(ctx, r.results, r.head.size, name);
}

function renderFound(ctx: CliContext, results: { registration: { id: string; provenTime: string | null; project: string; holder: string; entryCount: number; index: number }; entries?: StoredEntry[] }[], size: number, what: string): number {
  if (ctx.json) {
    printJson(ctx, { ok: true, found: results.length > 0, treeSize: size, results });
    return results.length ? 0 : ExitCode.VERIFY_FAILED;
  }
  if (!results.length) {
    out(ctx, t`The organisation registry has no registration of ${what}.`);
    return ExitCode.VERIFY_FAILED;
  }
  for (const r of results) {
    out(ctx, regLine(r.registration));
    for (const e of r.entries ?? []) out(ctx, plain`    ${e.name ?? `(name hash ${e.nameSha256.slice(0, 16)}…)`}  ${String(e.size)}  ${e.digests.sha256 ?? Object.values(e.digests)[0] ?? ''}`);
  }
  note(ctx, t`${results.length} registration(s), each proven in the organisation log (size ${size}).`);
  return 0;
}

/** list --remote and log --remote: the latest registrations. */
export async function remoteList(ctx: CliContext, o: { project?: string; limit?: string }): Promise<number> {
  const { client } = await remote(ctx);
  const r = await client.query({ ...(o.project ? { project: o.project } : {}), limit: Number(o.limit ?? 100) });
  if (ctx.json) printJson(ctx, { ok: true, treeSize: r.head.size, results: r.results.map((x) => x.registration) });
  else {
    for (const x of r.results) out(ctx, regLine(x.registration));
    note(ctx, t`${r.results.length} registration(s) shown; the organisation log holds ${r.head.size}.`);
  }
  return 0;
}

/** audit --remote: the whole log re-hashed and compared with its signed head; the TSA-stamped head checked. */
export async function remoteAudit(ctx: CliContext, o: { trust: string[] }): Promise<number> {
  const { client } = await remote(ctx);
  const a = await client.audit();
  const { json } = await client.request('GET', 'v1/log/stamped');
  const stamped = json.stamped as Parameters<typeof checkStampedHead>[0] | null;
  let stampedResult: Record<string, unknown> | null = null;
  if (stamped) {
    const { createPublicKey } = await import('node:crypto');
    const { checkStampedHead } = await import('../../core/org/stamp.js');
    const c = checkStampedHead(stamped, {
      publicKey: createPublicKey(client.state!.publicKey),
      logId: client.state!.logId,
      ...(stamped.size <= a.log.size ? { rootAt: a.log.root(stamped.size).toString('hex') } : {}),
      anchors: [],
      trust: await trustAnchors(ctx, o.trust),
      now: ctx.now(),
    });
    if (!c.ok) throw new VerificationError({ code: 'LOG_INCONSISTENT', message: c.problem! });
    stampedResult = { size: stamped.size, time: c.time ?? null };
  }
  if (ctx.json) printJson(ctx, { ok: true, size: a.size, root: a.head.root, logId: client.state!.logId, projects: a.projects, stamped: stampedResult });
  else {
    out(ctx, t`The organisation log verifies: ${a.size} registration(s), root ${a.head.root}, consistent with every tree head this computer saw.`);
    if (stampedResult) out(ctx, t`  timestamped tree head: size ${String(stampedResult.size)} at ${String(stampedResult.time ?? '?')} (TSA token verified)`);
    else out(ctx, t`  no tree head timestamped by a TSA yet`);
  }
  return 0;
}
