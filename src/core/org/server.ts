/**
 * The organisation registry's HTTP API (docs/org-registry.openapi.yaml): JSON in and out, bearer
 * tokens checked on every /v1 request by role and project, an audit row for every write and every
 * refusal. Registrations are verified, appended to the log under the database's lock, committed,
 * and only then acknowledged with their inclusion proof and a signed tree head.
 *
 * Errors are `{"ok":false,"error":{"code","message"}}` with a 4xx/5xx status; nothing is stored
 * for a refused request.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer as createHttp } from 'node:http';
import { createServer as createHttps } from 'node:https';
import { InputError, TsaError, VerificationError, isTsproofError, messageOf } from '../errors.js';
import type { Receipt } from '../receipt/receipt.js';
import type { ReceiptVerification } from '../verify/receipt.js';
import { isFileHash } from '../crypto/algorithms.js';
import { t, type Text } from '../text.js';
import { checkDocument } from './document.js';
import { sha256Hex, type LogRecord, type OrgStore, type Role, type StoredRegistration, type TokenInfo } from './records.js';
import { signTreeHead, type LogKey, type SignedTreeHead } from './tree-head.js';
import { LogTree } from './tree.js';
import { allows, checkProject, isTokenShaped, newToken, roleOption, tokenHash } from './tokens.js';
import { SCHEMA_VERSION } from './schema.js';

export const ORG_API_VERSION = 1;
/** Largest request body (a 100,000-entry receipt is about 22 MB). */
export const MAX_BODY_BYTES = 32 * 1024 * 1024;
/** Most results of one query. */
export const MAX_RESULTS = 1000;

export interface OrgServerOptions {
  store: OrgStore;
  key: LogKey;
  now: () => Date;
  random: (n: number) => Uint8Array;
  /** Verifies a pushed receipt (trust anchors of the server). `merkleDone`: the entries were checked as leaves already. */
  verify: (r: Receipt, merkleDone: boolean) => ReceiptVerification;
  tls?: { cert: Buffer; key: Buffer };
  log?: (e: Record<string, unknown>) => void;
  maxBodyBytes?: number;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly text: Text,
  ) {
    super(text.render());
  }
}

const refuse = (status: number, code: string, text: Text) => new HttpError(status, code, text);

interface Ctx {
  req: IncomingMessage;
  url: URL;
  token?: TokenInfo;
}

/** The public form of a stored registration. */
export interface RegistrationJson extends LogRecord {
  index: number;
  pushedBy: string;
  holder: string;
  holderSha256: string;
  provenTime: string | null;
  entryCount: number;
}

const regJson = (r: StoredRegistration): RegistrationJson => ({
  index: r.seq,
  id: r.id,
  project: r.project,
  pushedAt: r.pushedAt,
  redacted: r.redacted,
  documentSha256: r.documentSha256,
  pushedBy: r.pushedBy,
  holder: r.holder,
  holderSha256: r.holderSha256,
  provenTime: r.provenTime,
  entryCount: r.entryCount,
});

/** The HTTP server, and the current signed tree head (for the periodic TSA timestamp of heads). */
export interface OrgServer extends Server {
  signedHead(): Promise<SignedTreeHead>;
}

export function createOrgServer(o: OrgServerOptions): OrgServer {
  const tree = new LogTree(o.store);
  const hex = (l: Buffer[]) => l.map((b) => b.toString('hex'));

  const head = (): SignedTreeHead => signTreeHead(o.key, { size: tree.log.size, root: tree.log.root().toString('hex'), timestamp: o.now().getTime() });
  /** The consistency proof from the client's last head (`from`), when it asked; null when its head is larger than the log. */
  const consistency = (url: URL): string[] | null | undefined => {
    const f = url.searchParams.get('from');
    if (f === null) return undefined;
    const from = intParam(f, 'from');
    return from > tree.log.size ? null : hex(tree.log.consistencyProof(from));
  };
  const inclusion = (index: number): string[] | null => (index < tree.log.size ? hex(tree.log.inclusionProof(index)) : null);

  const audit = (c: Ctx, action: string, status: number, extra: { project?: string | null; target?: string | null; detail?: string | null } = {}) =>
    o.store.audit({ at: o.now().toISOString(), tokenId: c.token?.id ?? null, action, project: extra.project ?? c.token?.project ?? null, target: extra.target ?? null, status, detail: extra.detail ?? null }).catch(() => {});

  async function authenticate(c: Ctx, need: Role): Promise<TokenInfo> {
    const h = c.req.headers.authorization;
    const m = h ? /^Bearer (\S+)$/.exec(h) : null;
    if (!m) throw refuse(401, 'UNAUTHENTICATED', t`a bearer token is required`);
    const found = isTokenShaped(m[1]!) ? await o.store.tokenByHash(tokenHash(m[1]!)) : undefined;
    if (!found || found.revokedAt) {
      await audit(c, 'auth', 401, { detail: found ? `revoked token ${found.id}` : 'unknown token' });
      throw refuse(401, 'BAD_TOKEN', found ? t`this token was revoked` : t`unknown token`);
    }
    c.token = found;
    if (!allows(found.role, need)) {
      await audit(c, `${c.req.method} ${c.url.pathname}`, 403, { detail: `role ${found.role}` });
      throw refuse(403, 'FORBIDDEN', t`role ${found.role} may not do this (needs ${need})`);
    }
    return found;
  }

  /** The project a request may see: the token's, or any (query ?project=) for unscoped tokens. */
  const scope = (c: Ctx): string | undefined => {
    const q = c.url.searchParams.get('project');
    if (c.token!.project !== null) {
      if (q !== null && q !== c.token!.project) throw refuse(403, 'FORBIDDEN', t`this token is limited to project ${c.token!.project}`);
      return c.token!.project;
    }
    return q === null ? undefined : checkProjectParam(q);
  };

  async function push(c: Ctx, body: Buffer): Promise<[number, unknown]> {
    const tk = await authenticate(c, 'registrar');
    const project = scope(c) ?? 'default';
    const type = (c.req.headers['content-type'] ?? '').split(';')[0]!.trim();
    let doc;
    try {
      doc = checkDocument(body, type, o.verify);
    } catch (err) {
      const status = err instanceof VerificationError ? 422 : 400;
      await audit(c, 'push', status, { project, detail: messageOf(err).render() });
      throw err instanceof VerificationError ? refuse(422, 'RECEIPT_DOES_NOT_VERIFY', err.text) : err;
    }
    const v = doc.verification;
    const record: LogRecord = { id: doc.id, project, pushedAt: o.now().toISOString(), redacted: doc.redacted, documentSha256: sha256Hex(body) };
    const view = tree.view();
    const r = await o.store.append({ record, pushedBy: tk.id, holder: v.holder?.subject ?? '', holderSha256: v.holder?.certificateSha256 ?? '', provenTime: v.time ?? null, document: body, entries: doc.entries }, view);
    if (!r.appended) {
      const same = r.existing.documentSha256 === record.documentSha256 && r.existing.project === project;
      await audit(c, 'push', 409, { project, target: doc.id, detail: same ? 'replayed' : 'id already registered with other content' });
      throw refuse(409, same ? 'ALREADY_REGISTERED' : 'ID_CONFLICT', same ? t`registration ${doc.id} is already in the log` : t`registration ${doc.id} is already in the log with other content`);
    }
    const index = tree.appended(view, r, record);
    await audit(c, 'push', 201, { project, target: doc.id });
    return [201, { ok: true, registration: { ...record, index }, head: head(), consistency: consistency(c.url), inclusion: inclusion(index) }];
  }

  async function route(c: Ctx, body: () => Promise<Buffer>): Promise<[number, unknown]> {
    const { req, url } = c;
    const p = url.pathname;
    const method = req.method ?? 'GET';
    if (p === '/health' && method === 'GET') {
      try {
        await tree.sync();
        return [200, { status: 'ok', api: ORG_API_VERSION, schema: SCHEMA_VERSION, logId: o.key.logId, size: tree.log.size }];
      } catch (err) {
        return [503, { status: 'unavailable', reason: messageOf(err) }];
      }
    }
    if (!p.startsWith('/v1/')) throw refuse(404, 'NOT_FOUND', t`no such resource`);
    if (p === '/v1/registrations' && method === 'POST') return push(c, await body());
    if (method === 'GET') {
      if (p === '/v1/log') {
        await authenticate(c, 'reader');
        await tree.sync();
        return [200, { ok: true, logId: o.key.logId, publicKey: o.key.publicKey.export({ type: 'spki', format: 'pem' }), algorithm: 'ed25519', hash: 'sha256', head: head(), consistency: consistency(url) }];
      }
      if (p === '/v1/log/stamped') {
        await authenticate(c, 'reader');
        return [200, { ok: true, stamped: (await o.store.latestStampedHead()) ?? null }];
      }
      if (p === '/v1/log/records') {
        await authenticate(c, 'reader');
        const after = url.searchParams.get('after');
        const limit = Math.min(intParam(url.searchParams.get('limit') ?? String(MAX_RESULTS), 'limit'), MAX_RESULTS);
        return [200, { ok: true, records: await o.store.recordsAfter(after === null ? -1 : intParam(after, 'after'), limit) }];
      }
      if (p === '/v1/registrations') {
        await authenticate(c, 'reader');
        await tree.sync();
        const project = scope(c);
        const limit = Math.min(intParam(url.searchParams.get('limit') ?? '100', 'limit'), MAX_RESULTS);
        const digest = url.searchParams.get('digest');
        const name = url.searchParams.get('name');
        const nameSha256 = url.searchParams.get('nameSha256');
        const h = head();
        if (digest !== null || name !== null || nameSha256 !== null) {
          const q: Parameters<OrgStore['find']>[0] = { limit, ...(project !== undefined ? { project } : {}) };
          if (digest !== null) {
            const m = /^(sha256|sha384|sha512):([0-9a-f]+)$/.exec(digest);
            if (!m || !isFileHash(m[1]!)) throw refuse(400, 'BAD_REQUEST', t`digest: expected <sha256|sha384|sha512>:<hex>`);
            q.digest = { algorithm: m[1] as 'sha256', hex: m[2]! };
          }
          if (name !== null) q.name = name;
          if (nameSha256 !== null) q.nameSha256 = nameSha256;
          const found = await o.store.find(q);
          return [200, { ok: true, head: h, consistency: consistency(url), results: found.map((f) => ({ registration: regJson(f.registration), entries: f.entries, inclusion: inclusion(f.registration.seq) })) }];
        }
        const before = url.searchParams.get('before');
        const list = await o.store.list({ limit, ...(project !== undefined ? { project } : {}), ...(before !== null ? { before: intParam(before, 'before') } : {}) });
        return [200, { ok: true, head: h, consistency: consistency(url), results: list.map((r) => ({ registration: regJson(r), inclusion: inclusion(r.seq) })) }];
      }
      const one = /^\/v1\/registrations\/([^/]+)$/.exec(p);
      if (one) {
        await authenticate(c, 'reader');
        await tree.sync();
        const found = await o.store.registration(decodeURIComponent(one[1]!));
        const project = scope(c);
        if (!found || (project !== undefined && found.registration.project !== project)) throw refuse(404, 'NOT_FOUND', t`no registration ${decodeURIComponent(one[1]!)}`);
        return [200, { ok: true, registration: regJson(found.registration), document: found.document.toString('base64'), head: head(), consistency: consistency(url), inclusion: inclusion(found.registration.seq) }];
      }
      if (p === '/v1/tokens') {
        await authenticate(c, 'admin');
        return [200, { ok: true, tokens: await o.store.listTokens() }];
      }
      if (p === '/v1/audit') {
        await authenticate(c, 'admin');
        const limit = Math.min(intParam(url.searchParams.get('limit') ?? '100', 'limit'), MAX_RESULTS);
        return [200, { ok: true, audit: await o.store.auditLog(limit) }];
      }
    }
    if (p === '/v1/tokens' && method === 'POST') {
      const admin = await authenticate(c, 'admin');
      const j = jsonBody(await body());
      const role = (() => {
        try {
          return roleOption(String(j.role));
        } catch (err) {
          throw refuse(400, 'BAD_REQUEST', messageOf(err));
        }
      })();
      const project = j.project === undefined || j.project === null ? null : checkProjectParam(String(j.project));
      if (admin.project !== null && project !== admin.project) throw refuse(403, 'FORBIDDEN', t`this token is limited to project ${admin.project}`);
      const name = typeof j.name === 'string' && j.name.length > 0 && j.name.length <= 200 ? j.name : refuseName();
      const tk = newToken(o.random);
      await o.store.createToken({ id: tk.id, hash: tk.hash, name, role, project, createdBy: admin.id, at: o.now() });
      await audit(c, 'token create', 201, { project, target: tk.id, detail: `${role} ${name}` });
      return [201, { ok: true, id: tk.id, token: tk.token, role, project, name }];
    }
    const del = /^\/v1\/tokens\/([0-9a-f]{16})$/.exec(p);
    if (del && method === 'DELETE') {
      await authenticate(c, 'admin');
      const ok = await o.store.revokeToken(del[1]!, o.now());
      await audit(c, 'token revoke', ok ? 200 : 404, { target: del[1]! });
      if (!ok) throw refuse(404, 'NOT_FOUND', t`no active token ${del[1]!}`);
      return [200, { ok: true, id: del[1]!, revoked: true }];
    }
    throw refuse(method === 'GET' || method === 'POST' || method === 'DELETE' ? 404 : 405, 'NOT_FOUND', t`no such resource`);
  }

  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const started = Date.now();
    const send = (status: number, value: unknown) => {
      const text = JSON.stringify(value);
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' });
      res.end(text);
      o.log?.({ at: new Date().toISOString(), method: req.method, path: (req.url ?? '').split('?')[0], status, ms: Date.now() - started });
    };
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://registry.invalid');
    } catch {
      return send(400, errorBody('BAD_REQUEST', t`malformed request URL`));
    }
    const max = o.maxBodyBytes ?? MAX_BODY_BYTES;
    const declared = Number(req.headers['content-length'] ?? 0);
    const body = () =>
      new Promise<Buffer>((resolve, reject) => {
        if (declared > max) return reject(refuse(413, 'TOO_LARGE', t`request body of ${declared} bytes, beyond the limit of ${max}`));
        const parts: Buffer[] = [];
        let n = 0;
        req.on('data', (d: Buffer) => {
          n += d.length;
          if (n > max) {
            reject(refuse(413, 'TOO_LARGE', t`request body beyond the limit of ${max} bytes`));
            req.destroy();
          } else parts.push(d);
        });
        req.on('end', () => resolve(Buffer.concat(parts)));
        req.on('error', reject);
      });
    route({ req, url }, body).then(
      ([status, value]) => send(status, value),
      (err: unknown) => {
        if (err instanceof HttpError) return send(err.status, errorBody(err.code, err.text));
        if (err instanceof TsaError) return send(503, errorBody(err.code, err.text));
        if (err instanceof InputError) return send(err.code === 'LIMIT_EXCEEDED' ? 413 : 400, errorBody(err.code, err.text));
        if (isTsproofError(err)) return send(400, errorBody(err.code, err.text));
        return send(500, errorBody('INTERNAL', t`internal error`));
      },
    );
  };
  const server = o.tls ? createHttps({ cert: o.tls.cert, key: o.tls.key }, handler) : createHttp(handler);
  server.requestTimeout = 60_000;
  server.headersTimeout = 20_000;
  return Object.assign(server, {
    signedHead: async () => {
      await tree.sync();
      return head();
    },
  });
}

function errorBody(code: string, text: Text) {
  return { ok: false, error: { code, message: text.render() } };
}

function intParam(v: string, name: string): number {
  if (!/^\d{1,15}$/.test(v)) throw refuse(400, 'BAD_REQUEST', t`${name}: expected a non-negative integer`);
  return Number(v);
}

function checkProjectParam(p: string): string {
  try {
    return checkProject(p);
  } catch (err) {
    throw refuse(400, 'BAD_REQUEST', messageOf(err));
  }
}

function refuseName(): never {
  throw refuse(400, 'BAD_REQUEST', t`name: expected 1 to 200 characters`);
}

function jsonBody(b: Buffer): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(b.toString('utf8'));
    if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    /* below */
  }
  throw refuse(400, 'BAD_REQUEST', t`expected a JSON object`);
}
