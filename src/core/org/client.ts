/**
 * Client of the organisation registry. Every answer that carries a signed tree head is checked
 * before anything else is believed: the head is signed by the log key this client pinned on first
 * contact, and it is consistent (RFC 9162 consistency proof) with the last head this client saw.
 * Every registration the server returns is checked to be a leaf of that head (inclusion proof
 * over the leaf recomputed from the returned fields), and a pulled document to match the leaf.
 * A server — or a database — that dropped, edited or reordered history fails these checks: the
 * error names the inconsistency (exit 1).
 */
import { createPublicKey } from 'node:crypto';
import { InputError, TsaError, VerificationError } from '../errors.js';
import { t, verbatim, type Text } from '../text.js';
import { EMPTY_ROOT, MerkleLog, verifyConsistency, verifyInclusion } from './log.js';
import { recordLeaf, sha256Hex, type LogRecord, type StoredEntry } from './records.js';
import { logIdOf, verifyTreeHead, type SignedTreeHead } from './tree-head.js';
import type { RegistrationJson } from './server.js';

/** What a client remembers about one registry (docs/org-registry.md#what-a-client-keeps). */
export interface RemoteState {
  url: string;
  logId: string;
  /** The log's public key (SPKI PEM), pinned on first contact. */
  publicKey: string;
  /** The largest tree head seen so far. */
  head: SignedTreeHead;
}

export interface OrgClientOptions {
  url: string;
  token: string;
  state?: RemoteState;
  /** Called whenever the remembered state changes (the caller persists it). */
  save?: (s: RemoteState) => Promise<void>;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

export interface Proven<T> {
  value: T;
  head: SignedTreeHead;
}

const inconsistent = (message: Text) => new VerificationError({ code: 'LOG_INCONSISTENT', message });

export class OrgClient {
  state: RemoteState | undefined;
  private readonly base: URL;

  constructor(private readonly o: OrgClientOptions) {
    this.state = o.state;
    try {
      this.base = new URL(o.url.endsWith('/') ? o.url : `${o.url}/`);
    } catch {
      throw new InputError({ code: 'BAD_CONFIG', message: t`registry.url ${o.url} is not a URL` });
    }
    if (this.base.protocol !== 'http:' && this.base.protocol !== 'https:') throw new InputError({ code: 'BAD_CONFIG', message: t`registry.url ${o.url}: expected http: or https:` });
  }

  /** One request; a refusal (4xx) is an InputError, anything else that fails a TsaError (exit 3). */
  async request(method: string, path: string, o: { query?: Record<string, string | undefined>; body?: Uint8Array | string; type?: string; accept409?: boolean } = {}): Promise<{ status: number; json: Record<string, unknown> }> {
    const url = new URL(path.replace(/^\//, ''), this.base);
    for (const [k, v] of Object.entries(o.query ?? {})) if (v !== undefined) url.searchParams.set(k, v);
    const f = this.o.fetch ?? fetch;
    let res: Response;
    try {
      res = await f(url, {
        method,
        headers: { authorization: `Bearer ${this.o.token}`, accept: 'application/json', ...(o.type ? { 'content-type': o.type } : {}) },
        ...(o.body !== undefined ? { body: o.body as unknown as string } : {}),
        signal: AbortSignal.timeout(this.o.timeoutMs ?? 30_000),
      });
    } catch (err) {
      const why = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).name;
      throw new TsaError({ code: 'REGISTRY_UNAVAILABLE', message: t`the registry ${this.base.origin} cannot be reached (${why})`, retriable: true });
    }
    let json: Record<string, unknown>;
    try {
      json = (await res.json()) as Record<string, unknown>;
    } catch {
      throw new TsaError({ code: 'REGISTRY_UNAVAILABLE', message: t`the registry ${this.base.origin} answered HTTP ${res.status} without JSON` });
    }
    if (res.status >= 400 && !(o.accept409 && res.status === 409)) {
      const e = (json.error ?? {}) as { code?: string; message?: string };
      const message = t`the registry refused (HTTP ${res.status} ${e.code ?? ''}): ${verbatim(String(e.message ?? ''))}`;
      if (res.status >= 500) throw new TsaError({ code: 'REGISTRY_UNAVAILABLE', message, retriable: true });
      throw new InputError({ code: 'REGISTRY_REFUSED', message });
    }
    return { status: res.status, json };
  }

  private publicKey() {
    return createPublicKey(this.state!.publicKey);
  }

  /**
   * Checks a head the server sent, with the consistency proof from our last head, and remembers it.
   * Without a pinned key yet (first contact), the key is fetched and pinned.
   */
  async acceptHead(head: unknown, consistency: unknown): Promise<SignedTreeHead> {
    const h = parseHead(head);
    if (!this.state) throw new InternalState();
    if (!verifyTreeHead(this.publicKey(), h)) throw inconsistent(t`the registry's tree head (size ${h.size}) is not signed by the log key pinned on first contact (${this.state.logId.slice(0, 16)}…)`);
    const old = this.state.head;
    if (consistency === null || h.size < old.size) throw inconsistent(t`the registry's log has ${h.size} entries, fewer than the ${old.size} seen on ${new Date(old.timestamp).toISOString()}: history was dropped`);
    const proof = hashes(consistency, 'consistency');
    if (!verifyConsistency(old.size, h.size, Buffer.from(old.root, 'hex'), Buffer.from(h.root, 'hex'), proof))
      throw inconsistent(
        t`the registry's log (size ${h.size}, root ${h.root.slice(0, 16)}…) is not consistent with the tree head seen on ${new Date(old.timestamp).toISOString()} (size ${old.size}, root ${old.root.slice(0, 16)}…): history was edited, reordered or dropped`,
      );
    if (h.size > old.size || h.timestamp > old.timestamp) {
      this.state = { ...this.state, head: h };
      await this.o.save?.(this.state);
    }
    return h;
  }

  /** Contacts the log: pins its key on first contact, then checks the current head against the last one seen. */
  async contact(): Promise<SignedTreeHead> {
    const from = this.state?.head.size;
    const { json } = await this.request('GET', 'v1/log', { query: { from: from === undefined ? '0' : String(from) } });
    if (!this.state) {
      if (typeof json.publicKey !== 'string') throw new TsaError({ code: 'REGISTRY_UNAVAILABLE', message: t`the registry sent no log key` });
      const key = createPublicKey(json.publicKey);
      if (key.asymmetricKeyType !== 'ed25519') throw new TsaError({ code: 'REGISTRY_UNAVAILABLE', message: t`the registry's log key is not Ed25519` });
      const logId = logIdOf(key);
      this.state = { url: this.o.url, logId, publicKey: json.publicKey, head: { size: 0, root: EMPTY_ROOT.toString('hex'), timestamp: 0, logId, signature: '' } };
    }
    return this.acceptHead(json.head, json.consistency);
  }

  private async withHead(json: Record<string, unknown>): Promise<SignedTreeHead> {
    if (!this.state) await this.contact();
    return this.acceptHead(json.head, json.consistency);
  }

  private from(): Record<string, string> {
    return this.state ? { from: String(this.state.head.size) } : {};
  }

  /** Checks that `r` is leaf `r.index` of `head`. */
  checkIncluded(r: RegistrationJson | (LogRecord & { index: number }), inclusion: unknown, head: SignedTreeHead): void {
    const proof = inclusion === null ? null : hashes(inclusion, 'inclusion');
    const leaf = recordLeaf({ id: r.id, project: r.project, pushedAt: r.pushedAt, redacted: r.redacted, documentSha256: r.documentSha256 });
    if (!proof || !verifyInclusion(r.index, head.size, leaf, proof, Buffer.from(head.root, 'hex')))
      throw inconsistent(t`registration ${r.id} as the registry returned it is not entry ${r.index} of its signed log (size ${head.size}): the stored record was changed`);
  }

  /** Pushes a document; an already-registered identical document counts as pushed. */
  async push(document: Uint8Array, type: string, project?: string): Promise<{ registration: LogRecord & { index: number }; head: SignedTreeHead; inclusion: string[]; already: boolean }> {
    if (!this.state) await this.contact();
    const { status, json } = await this.request('POST', 'v1/registrations', { query: { project, ...this.from() }, body: document, type, accept409: true });
    if (status === 409) {
      const e = (json.error ?? {}) as { code?: string; message?: string };
      if (e.code !== 'ALREADY_REGISTERED') throw new InputError({ code: 'REGISTRY_REFUSED', message: t`the registry refused (HTTP 409 ${e.code ?? ''}): ${verbatim(String(e.message ?? ''))}` });
      const id = (JSON.parse(Buffer.from(document).toString('utf8')) as { id: string }).id;
      const got = await this.pull(id);
      if (got.documentSha256 !== sha256Hex(document)) throw inconsistent(t`registration ${id} is in the log with other content`);
      return { registration: got.registration, head: got.head, inclusion: [], already: true };
    }
    const reg = json.registration as LogRecord & { index: number };
    const head = await this.acceptHead(json.head, json.consistency);
    this.checkIncluded(reg, json.inclusion, head);
    if (reg.documentSha256 !== sha256Hex(document)) throw inconsistent(t`the registry logged other content than was pushed for ${reg.id}`);
    return { registration: reg, head, inclusion: json.inclusion as string[], already: false };
  }

  /** A registration and its document, checked against the log. */
  async pull(id: string): Promise<{ registration: RegistrationJson; document: Buffer; documentSha256: string; head: SignedTreeHead; inclusion: string[] }> {
    if (!this.state) await this.contact();
    const { json } = await this.request('GET', `v1/registrations/${encodeURIComponent(id)}`, { query: this.from() });
    const head = await this.withHead(json);
    const reg = json.registration as RegistrationJson;
    this.checkIncluded(reg, json.inclusion, head);
    const document = Buffer.from(String(json.document ?? ''), 'base64');
    const documentSha256 = sha256Hex(document);
    if (documentSha256 !== reg.documentSha256)
      throw inconsistent(t`the document of registration ${id} does not match its log entry (SHA-256 ${documentSha256.slice(0, 16)}…, logged ${reg.documentSha256.slice(0, 16)}…): the stored document was changed`);
    return { registration: reg, document, documentSha256, head, inclusion: json.inclusion as string[] };
  }

  /** Registrations matching a query (digest, name or list), each checked against the log. */
  async query(q: { digest?: string; name?: string; nameSha256?: string; project?: string; limit?: number }): Promise<{ results: { registration: RegistrationJson; entries?: StoredEntry[] }[]; head: SignedTreeHead }> {
    if (!this.state) await this.contact();
    const { json } = await this.request('GET', 'v1/registrations', { query: { ...q, limit: q.limit === undefined ? undefined : String(q.limit), ...this.from() } });
    const head = await this.withHead(json);
    const results = (json.results as { registration: RegistrationJson; entries?: StoredEntry[]; inclusion: unknown }[]) ?? [];
    for (const r of results) this.checkIncluded(r.registration, r.inclusion, head);
    return { results: results.map((r) => ({ registration: r.registration, ...(r.entries ? { entries: r.entries } : {}) })), head };
  }

  /** The whole log: every record fetched, the tree rebuilt and compared with the signed head. */
  async audit(): Promise<{ size: number; head: SignedTreeHead; projects: Record<string, number>; log: MerkleLog }> {
    const head = await this.contact();
    const log = new MerkleLog();
    const projects: Record<string, number> = {};
    let after = -1;
    while (log.size < head.size) {
      const { json } = await this.request('GET', 'v1/log/records', { query: { after: after < 0 ? undefined : String(after) } });
      const records = (json.records as (LogRecord & { seq: number })[]) ?? [];
      if (records.length === 0) break;
      for (const r of records.slice(0, head.size - log.size)) {
        log.append(recordLeaf(r));
        projects[r.project] = (projects[r.project] ?? 0) + 1;
      }
      after = records[records.length - 1]!.seq;
    }
    if (log.size !== head.size || log.root().toString('hex') !== head.root)
      throw inconsistent(t`the registry's ${log.size} log records hash to ${log.root().toString('hex').slice(0, 16)}…, not the root ${head.root.slice(0, 16)}… of its signed tree head (size ${head.size})`);
    return { size: head.size, head, projects, log };
  }
}

class InternalState extends Error {}

function parseHead(v: unknown): SignedTreeHead {
  const h = v as SignedTreeHead;
  if (
    !h ||
    typeof h !== 'object' ||
    !Number.isSafeInteger(h.size) ||
    h.size < 0 ||
    typeof h.root !== 'string' ||
    !/^[0-9a-f]{64}$/.test(h.root) ||
    !Number.isSafeInteger(h.timestamp) ||
    typeof h.signature !== 'string' ||
    typeof h.logId !== 'string'
  )
    throw new TsaError({ code: 'REGISTRY_UNAVAILABLE', message: t`the registry sent a malformed tree head` });
  return { size: h.size, root: h.root, timestamp: h.timestamp, logId: h.logId, signature: h.signature };
}

function hashes(v: unknown, what: string): Buffer[] {
  if (!Array.isArray(v) || v.length > 64 || !v.every((x) => typeof x === 'string' && /^[0-9a-f]{64}$/.test(x))) throw new TsaError({ code: 'REGISTRY_UNAVAILABLE', message: t`the registry sent a malformed ${what} proof` });
  return v.map((x: string) => Buffer.from(x, 'hex'));
}
