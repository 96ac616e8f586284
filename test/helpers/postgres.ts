/**
 * A throwaway PostgreSQL cluster for tests: Debian's server binaries, `initdb` as an unprivileged
 * user (the `postgres` system user when we run as root — initdb refuses root — else ourselves)
 * into a fresh temporary folder, listening on a free loopback port with its unix socket in that
 * folder, trust authentication for loopback only, stopped and removed at the end. Tests never
 * assume a server that is already running. Each test file starts its own cluster (about 1–2 s)
 * and makes a database per test with {@link PgCluster.database}.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export interface PgCluster {
  /** postgres://tsproof@127.0.0.1:port/postgres */
  url: string;
  port: number;
  dir: string;
  /** The server's bin folder (psql, pgbench, pg_dump). */
  bin: string;
  /** A new empty database; returns its URL. */
  database(name?: string): string;
  /** Runs SQL with psql as the superuser (for tests that tamper with rows). */
  sql(db: string, sql: string): string;
  stop(): void;
}

/** The newest installed server's bin folder, or undefined when PostgreSQL is not installed. */
export function pgBin(): string | undefined {
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return undefined;
  const versions = readdirSync(base)
    .filter((v) => existsSync(path.join(base, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? path.join(base, versions[0], 'bin') : undefined;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

let counter = 0;

/** `durable`: keep fsync on (benchmarks measure real commits); tests run without it. */
export async function startPg(o: { durable?: boolean } = {}): Promise<PgCluster> {
  const bin = pgBin();
  if (!bin) throw new Error('PostgreSQL server binaries not found under /usr/lib/postgresql (apt-get install postgresql; .ci/run does this)');
  const root = process.getuid?.() === 0;
  const owner = root ? { uid: Number(execFileSync('id', ['-u', 'postgres']).toString()), gid: Number(execFileSync('id', ['-g', 'postgres']).toString()) } : undefined;
  // The test run's TMPDIR (test/support/temp-folders.ts) is owner-only: as root, the cluster's own
  // folder goes straight under /tmp, where the postgres user can reach it (removed by stop()).
  const dir = mkdtempSync(path.join(root ? '/tmp' : os.tmpdir(), 'tsproof-pg-'));
  if (owner) chownSync(dir, owner.uid, owner.gid);
  const as = (cmd: string, args: string[]) => (root ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args]) as [string, string[]];
  const run = (cmd: string, args: string[]) => {
    const [c, a] = as(cmd, args);
    const r = spawnSync(c, a, { encoding: 'utf8', cwd: dir });
    if (r.status !== 0) throw new Error(`${cmd} failed (${r.status}): ${r.stderr || r.stdout}`);
    return r.stdout;
  };
  const data = path.join(dir, 'data');
  run(path.join(bin, 'initdb'), ['-D', data, '-U', 'tsproof', '--auth=trust', '-E', 'UTF8', '--locale=C', '--no-sync']);
  // Loopback and the socket folder only; small and quick, but commits stay synchronous (the server
  // relies on a committed registration being durable once acknowledged).
  const port = await freePort();
  const conf = path.join(data, 'postgresql.conf');
  writeFileSync(
    conf,
    `${readFileSync(conf, 'utf8')}\nlisten_addresses = '127.0.0.1'\nport = ${port}\nunix_socket_directories = '${dir}'\nmax_connections = 200\nshared_buffers = ${o.durable ? '128MB' : '32MB'}\n${o.durable ? '' : 'fsync = off\nfull_page_writes = off\n'}`,
  );
  const log = path.join(dir, 'server.log');
  run(path.join(bin, 'pg_ctl'), ['-D', data, '-l', log, '-w', '-t', '60', 'start']);
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    try {
      run(path.join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']);
    } catch {
      /* already gone */
    }
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', stop);
  const url = (db: string) => `postgres://tsproof@127.0.0.1:${port}/${db}`;
  const psql = (db: string, sql: string) => {
    const r = spawnSync(path.join(bin, 'psql'), ['-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-h', '127.0.0.1', '-p', String(port), '-U', 'tsproof', '-d', db, '-c', sql], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`psql: ${r.stderr}`);
    return r.stdout;
  };
  return {
    url: url('postgres'),
    port,
    dir,
    bin,
    database(name) {
      const db = name ?? `t${process.pid}_${++counter}`;
      psql('postgres', `CREATE DATABASE ${db}`);
      return url(db);
    },
    sql: (dbUrl, sql) => psql(new URL(dbUrl).pathname.slice(1) || dbUrl, sql),
    stop,
  };
}
