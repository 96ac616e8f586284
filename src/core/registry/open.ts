/**
 * Opening the local registry ($TSPROOF_HOME/registry.db), and folding the index of earlier
 * versions ($TSPROOF_HOME/index.jsonl) into it on first use: each line becomes a registration
 * (with its entries' names and sizes when its receipt is still where it was written), then the
 * file is renamed index.jsonl.bak. Idempotent — registrations already on record are skipped —
 * so two processes migrating at once, or a migration cut short, end in the same state.
 */
import { mkdir, rename } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { readIndex, type IndexEntry } from '../home.js';
import { DIGEST_LENGTH, type HashAlgorithm } from '../crypto/algorithms.js';
import { entryRecords, registrationEvent } from './record.js';
import { SqliteRegistry } from './sqlite.js';
import type { EntryRecord, RegistrationRecord } from './types.js';
import { hasRegistry, INDEX_BACKUP, INDEX_FILE, registryPath } from './paths.js';

export { hasRegistry, INDEX_BACKUP, INDEX_FILE, REGISTRY_FILE, registryPath } from './paths.js';

export interface OpenOptions {
  now: () => Date;
  busyTimeoutMs?: number;
}

/** For commands that only read: open read-only (nothing written, also on a home nobody may write). */
export interface ExistingOptions extends OpenOptions {
  readOnly?: boolean;
}

/** Opens (creating) the registry, migrating index.jsonl when there is one. */
export async function openRegistry(home: string, o: OpenOptions): Promise<SqliteRegistry> {
  await mkdir(home, { recursive: true, mode: 0o700 });
  const store = SqliteRegistry.open(registryPath(home), o);
  try {
    await migrateIndex(store, home);
  } catch (err) {
    store.close();
    throw err;
  }
  return store;
}

/**
 * The registry when there is one (or an index to migrate); undefined on a home that never
 * registered anything. `readOnly`: opened read-only unless it must be migrated first (an
 * index.jsonl, an empty file), which only a writer can do; schema 1 and 2 are read as they are.
 */
export async function openExistingRegistry(home: string, o: ExistingOptions): Promise<SqliteRegistry | undefined> {
  if (!hasRegistry(home)) return undefined;
  const file = registryPath(home);
  const index = existsSync(path.join(home, INDEX_FILE));
  if (o.readOnly && !index) {
    const store = SqliteRegistry.open(file, { now: o.now, readOnly: true, ...(o.busyTimeoutMs !== undefined ? { busyTimeoutMs: o.busyTimeoutMs } : {}) });
    if (!store.needsMigration) return store;
    store.close();
  }
  const { readOnly: _readOnly, ...writable } = o;
  return openRegistry(home, writable);
}

async function migrateIndex(store: SqliteRegistry, home: string): Promise<void> {
  const file = path.join(home, INDEX_FILE);
  if (!existsSync(file)) return;
  for (const line of await readIndex(home)) {
    if (await store.registration(line.id)) continue;
    const { rec, entries } = await fromIndexLine(line);
    await store.addRegistration(rec, entries, registrationEvent('migrate', rec, entries));
  }
  await rename(file, path.join(home, INDEX_BACKUP)).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'ENOENT') throw err; // another process moved it first
  });
}

/** A registration from an index line: from its receipt when it still reads, else from the line alone (names unknown: ""). */
async function fromIndexLine(line: IndexEntry): Promise<{ rec: RegistrationRecord; entries: EntryRecord[] }> {
  const algorithms = Object.keys(line.digests) as HashAlgorithm[];
  const rec: RegistrationRecord = {
    id: line.id,
    time: line.time,
    times: [line.time],
    created: line.time,
    holder: line.holder,
    holderSha256: line.holderSha256 ?? '',
    tsas: [],
    algorithms,
    receipt: line.receipt,
    receiptSha256: '',
    count: 0,
    status: 'active',
  };
  try {
    const { loadReceiptSource } = await import('../receipt/source.js');
    const { decodeManifest } = await import('../receipt/manifest.js');
    const { fromBase64Strict } = await import('../bytes.js');
    const loaded = await loadReceiptSource(line.receipt);
    const bytes = fromBase64Strict(loaded.receipt.manifest);
    const manifest = bytes ? decodeManifest(bytes).manifest : undefined;
    if (manifest && manifest.id === line.id) {
      const entries = entryRecords(loaded.receipt.entries);
      return { rec: { ...rec, created: manifest.created, tsas: manifest.tsas, algorithms: manifest.algorithms, receiptSha256: loaded.sha256, count: manifest.merkle.count }, entries };
    }
  } catch {
    // The receipt moved or is unreadable: what the line says is all there is.
  }
  const entries: EntryRecord[] = [];
  const first = algorithms[0];
  if (first) {
    const w = DIGEST_LENGTH[first] * 2;
    const n = Math.floor((line.digests[first] ?? '').length / w);
    for (let i = 0; i < n; i++) {
      const digests: EntryRecord['digests'] = {};
      for (const a of algorithms) digests[a] = line.digests[a]!.slice(i * DIGEST_LENGTH[a] * 2, (i + 1) * DIGEST_LENGTH[a] * 2);
      entries.push({ index: i, name: '', size: -1, digests });
    }
  }
  return { rec: { ...rec, count: entries.length }, entries };
}
