/**
 * The organisation registry on PostgreSQL, through the maintained `pg` client and its pool (the
 * only module that imports `pg`). Every connection runs with synchronous_commit on: a registration
 * is acknowledged only once its commit is durable. Appends take a transaction-level advisory lock,
 * so that several servers on one database append one at a time and keep one tree.
 */
import pg from 'pg';
import { InputError, TsaError, messageOf } from '../errors.js';
import { t } from '../text.js';
import { MIGRATIONS, SCHEMA_VERSION } from './schema.js';
import type { AuditEntry, FindQuery, LogRecord, NewRegistration, OrgStore, Role, SeqRecord, StampedHead, StoredEntry, StoredRegistration, TokenInfo } from './records.js';

/** The advisory lock key of log appends and migrations ("tsproof" in ASCII, truncated). */
const APPEND_LOCK = 0x7473_7072_6f6f;
const MIGRATE_LOCK = APPEND_LOCK + 1;

// bigint (int8) columns as numbers: sequence numbers, sizes and counts stay below 2^53.
pg.types.setTypeParser(20, (v: string) => Number(v));

type Client = pg.PoolClient;

export interface PgStoreOptions {
  url: string;
  /** Connections in the pool (default 10). */
  max?: number;
  /** Give up connecting after this long (default 10 s). */
  connectTimeoutMs?: number;
}

function unavailable(err: unknown): never {
  if (err instanceof InputError || err instanceof TsaError) throw err;
  throw new TsaError({ code: 'REGISTRY_UNAVAILABLE', message: t`the registry database failed: ${messageOf(err)}`, retriable: true, cause: err });
}

const iso = (d: Date | null) => (d === null ? null : d.toISOString());

function regOf(r: Record<string, unknown>): StoredRegistration {
  return {
    seq: r.seq as number,
    id: r.id as string,
    project: r.project as string,
    pushedAt: (r.pushed_at as Date).toISOString(),
    redacted: r.redacted as boolean,
    documentSha256: r.document_sha256 as string,
    pushedBy: r.pushed_by as string,
    holder: r.holder as string,
    holderSha256: r.holder_sha256 as string,
    provenTime: iso(r.proven_time as Date | null),
    entryCount: r.entry_count as number,
  };
}

const REG_COLUMNS = 'seq, id, project, pushed_at, redacted, document_sha256, pushed_by, holder, holder_sha256, proven_time, entry_count';
const seqRecordOf = (r: Record<string, unknown>): SeqRecord => ({ seq: r.seq as number, ...recordOf(r) });
const RECORDS_AFTER = 'SELECT seq, id, project, pushed_at, redacted, document_sha256 FROM registrations WHERE seq > $1 ORDER BY seq';
const recordOf = (r: Record<string, unknown>): LogRecord => ({ id: r.id as string, project: r.project as string, pushedAt: (r.pushed_at as Date).toISOString(), redacted: r.redacted as boolean, documentSha256: r.document_sha256 as string });

function entryOf(r: Record<string, unknown>): StoredEntry {
  const digests: StoredEntry['digests'] = {};
  for (const a of ['sha256', 'sha384', 'sha512'] as const) if (r[a]) digests[a] = r[a] as string;
  return { index: r.idx as number, ...(r.name === null ? {} : { name: r.name as string }), nameSha256: r.name_sha256 as string, size: r.size as number, digests };
}

function tokenOf(r: Record<string, unknown>): TokenInfo {
  return {
    id: r.id as string,
    name: r.name as string,
    role: r.role as Role,
    project: r.project as string | null,
    createdAt: (r.created_at as Date).toISOString(),
    createdBy: r.created_by as string,
    revokedAt: iso(r.revoked_at as Date | null),
  };
}

export class PgStore implements OrgStore {
  private readonly pool: pg.Pool;

  constructor(o: PgStoreOptions) {
    this.pool = new pg.Pool({ connectionString: o.url, max: o.max ?? 10, connectionTimeoutMillis: o.connectTimeoutMs ?? 10_000, options: '-c synchronous_commit=on' });
    // An idle client's error (the server went away) must not crash the process: the next query reports it.
    this.pool.on('error', () => {});
  }

  private async q<R extends pg.QueryResultRow = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<R[]> {
    try {
      return (await this.pool.query<R>(sql, params)).rows;
    } catch (err) {
      return unavailable(err);
    }
  }

  private async tx<T>(f: (c: Client) => Promise<T>): Promise<T> {
    let c: Client;
    try {
      c = await this.pool.connect();
    } catch (err) {
      return unavailable(err);
    }
    try {
      await c.query('BEGIN');
      const r = await f(c);
      await c.query('COMMIT');
      return r;
    } catch (err) {
      await c.query('ROLLBACK').catch(() => {});
      return unavailable(err);
    } finally {
      c.release();
    }
  }

  async schemaVersion(): Promise<number> {
    const exists = await this.q<{ reg: string | null }>(`SELECT to_regclass('tsproof_schema')::text AS reg`);
    if (!exists[0]?.reg) return 0;
    const v = await this.q<{ v: number | null }>('SELECT max(version) AS v FROM tsproof_schema');
    return v[0]?.v ?? 0;
  }

  async migrate(): Promise<{ from: number; to: number }> {
    return this.tx(async (c) => {
      await c.query('SELECT pg_advisory_xact_lock($1)', [MIGRATE_LOCK]);
      await c.query('CREATE TABLE IF NOT EXISTS tsproof_schema (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())');
      const from = ((await c.query<{ v: number | null }>('SELECT max(version) AS v FROM tsproof_schema')).rows[0]?.v ?? 0) as number;
      if (from > SCHEMA_VERSION) throw schemaTooNew(from);
      for (const m of MIGRATIONS) {
        if (m.version <= from) continue;
        await c.query(m.sql);
        await c.query('INSERT INTO tsproof_schema (version) VALUES ($1)', [m.version]);
      }
      return { from, to: SCHEMA_VERSION };
    });
  }

  async logRecords(afterSeq: number): Promise<{ generation: number; records: SeqRecord[] }> {
    return this.tx(async (c) => {
      // One snapshot for both (REPEATABLE READ): the generation matches the rows read.
      await c.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ');
      const g = (await c.query<{ generation: number }>('SELECT generation FROM log_generation')).rows[0]!.generation;
      const rows = (await c.query(RECORDS_AFTER, [afterSeq])).rows;
      return { generation: g, records: rows.map(seqRecordOf) };
    });
  }

  async append(r: NewRegistration, after: { generation: number; seq: number }): Promise<{ appended: true; seq: number; generation: number; before: SeqRecord[] } | { appended: false; existing: LogRecord }> {
    const e = r.entries;
    const rows = await this.q<{ status: string; seq: number | null; generation: number | null; rows: Record<string, unknown>[] | null }>(
      'SELECT * FROM tsproof_append($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)',
      [
        APPEND_LOCK,
        after.generation,
        after.seq,
        r.record.id,
        r.record.project,
        r.record.pushedAt,
        r.pushedBy,
        r.record.redacted,
        r.document,
        r.record.documentSha256,
        r.holder,
        r.holderSha256,
        r.provenTime,
        e.map((x) => x.index),
        e.map((x) => x.name ?? null),
        e.map((x) => x.nameSha256),
        e.map((x) => x.size),
        e.map((x) => x.digests.sha256 ?? null),
        e.map((x) => x.digests.sha384 ?? null),
        e.map((x) => x.digests.sha512 ?? null),
      ],
    );
    const row = rows[0]!;
    const fromJson = (j: Record<string, unknown>): SeqRecord => ({
      seq: Number(j.seq),
      id: j.id as string,
      project: j.project as string,
      pushedAt: j.pushed_at as string,
      redacted: j.redacted as boolean,
      documentSha256: j.document_sha256 as string,
    });
    if (row.status === 'exists') return { appended: false, existing: fromJson(row.rows![0]!) };
    return { appended: true, seq: row.seq!, generation: row.generation!, before: (row.rows ?? []).map(fromJson) };
  }

  async recordsAfter(afterSeq: number, limit: number): Promise<SeqRecord[]> {
    return (await this.q(`${RECORDS_AFTER} LIMIT $2`, [afterSeq, limit])).map(seqRecordOf);
  }

  async registration(id: string): Promise<{ registration: StoredRegistration; document: Buffer } | undefined> {
    const rows = await this.q(`SELECT ${REG_COLUMNS}, document FROM registrations WHERE id = $1`, [id]);
    const row = rows[0];
    return row ? { registration: regOf(row), document: row.document as Buffer } : undefined;
  }

  async find(q: FindQuery): Promise<{ registration: StoredRegistration; entries: StoredEntry[] }[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const p = (v: unknown) => `$${params.push(v)}`;
    if (q.digest) where.push(`e.${q.digest.algorithm} = ${p(q.digest.hex)}`);
    if (q.name !== undefined) where.push(`e.name = ${p(q.name)}`);
    if (q.nameSha256 !== undefined) where.push(`e.name_sha256 = ${p(q.nameSha256)}`);
    if (q.project !== undefined) where.push(`r.project = ${p(q.project)}`);
    const rows = await this.q(
      `SELECT r.seq, r.id, r.project, r.pushed_at, r.redacted, r.document_sha256, r.pushed_by, r.holder, r.holder_sha256, r.proven_time, r.entry_count,
              e.idx, e.name, e.name_sha256, e.size, e.sha256, e.sha384, e.sha512
         FROM entries e JOIN registrations r ON r.seq = e.seq
        WHERE ${where.length ? where.join(' AND ') : 'true'}
        ORDER BY r.proven_time NULLS LAST, r.seq, e.idx LIMIT ${p(q.limit)}`,
      params,
    );
    const out = new Map<number, { registration: StoredRegistration; entries: StoredEntry[] }>();
    for (const row of rows) {
      const seq = row.seq as number;
      let hit = out.get(seq);
      if (!hit) out.set(seq, (hit = { registration: regOf(row), entries: [] }));
      hit.entries.push(entryOf(row));
    }
    return [...out.values()];
  }

  async list(q: { project?: string; limit: number; before?: number }): Promise<StoredRegistration[]> {
    const params: unknown[] = [q.limit];
    const where: string[] = [];
    if (q.project !== undefined) where.push(`project = $${params.push(q.project)}`);
    if (q.before !== undefined) where.push(`seq < $${params.push(q.before)}`);
    const rows = await this.q(`SELECT ${REG_COLUMNS} FROM registrations ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq DESC LIMIT $1`, params);
    return rows.map(regOf);
  }

  async createToken(tk: { id: string; hash: Buffer; name: string; role: Role; project: string | null; createdBy: string; at: Date }): Promise<void> {
    await this.q('INSERT INTO tokens (id, hash, name, role, project, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7)', [tk.id, tk.hash, tk.name, tk.role, tk.project, tk.at, tk.createdBy]);
  }

  async tokenByHash(hash: Buffer): Promise<TokenInfo | undefined> {
    const r = (await this.q('SELECT * FROM tokens WHERE hash = $1', [hash]))[0];
    return r ? tokenOf(r) : undefined;
  }

  async listTokens(): Promise<TokenInfo[]> {
    return (await this.q('SELECT * FROM tokens ORDER BY created_at, id')).map(tokenOf);
  }

  async revokeToken(id: string, at: Date): Promise<boolean> {
    return (await this.q('UPDATE tokens SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL RETURNING id', [id, at])).length === 1;
  }

  async audit(e: AuditEntry): Promise<void> {
    await this.q('INSERT INTO audit (at, token_id, action, project, target, status, detail) VALUES ($1, $2, $3, $4, $5, $6, $7)', [e.at, e.tokenId, e.action, e.project, e.target, e.status, e.detail]);
  }

  async auditLog(limit: number): Promise<AuditEntry[]> {
    const rows = await this.q('SELECT * FROM audit ORDER BY id DESC LIMIT $1', [limit]);
    return rows.map((r) => ({
      at: (r.at as Date).toISOString(),
      tokenId: r.token_id as string | null,
      action: r.action as string,
      project: r.project as string | null,
      target: r.target as string | null,
      status: r.status as number,
      detail: r.detail as string | null,
    }));
  }

  async saveStampedHead(h: StampedHead, at: Date): Promise<void> {
    await this.q('INSERT INTO tree_heads (size, root, timestamp, signature, tsa_token, stamped_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (size) DO NOTHING', [
      h.size,
      h.root,
      h.timestamp,
      h.signature,
      Buffer.from(h.tsaToken, 'base64'),
      at,
    ]);
  }

  async latestStampedHead(): Promise<(StampedHead & { stampedAt: string }) | undefined> {
    const r = (await this.q('SELECT * FROM tree_heads ORDER BY size DESC LIMIT 1'))[0];
    return r
      ? { size: r.size as number, root: r.root as string, timestamp: r.timestamp as number, signature: r.signature as string, tsaToken: (r.tsa_token as Buffer).toString('base64'), stampedAt: (r.stamped_at as Date).toISOString() }
      : undefined;
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

export function schemaTooNew(found: number): InputError {
  return new InputError({ code: 'SCHEMA_MISMATCH', message: t`the registry database has schema version ${found}, newer than this tsproof knows (${SCHEMA_VERSION}): upgrade tsproof; the database was not changed` });
}

/** Opens the store and checks its schema: migrated with `migrate`, else it must already be current. */
export async function openPgStore(o: PgStoreOptions & { migrate?: boolean }): Promise<PgStore> {
  const store = new PgStore(o);
  try {
    if (o.migrate) await store.migrate();
    else {
      const v = await store.schemaVersion();
      if (v > SCHEMA_VERSION) throw schemaTooNew(v);
      if (v < SCHEMA_VERSION) throw new InputError({ code: 'SCHEMA_MISMATCH', message: t`the registry database has schema version ${v}, this tsproof needs ${SCHEMA_VERSION}: start the server once with --migrate` });
    }
    return store;
  } catch (err) {
    await store.close().catch(() => {});
    throw err;
  }
}
