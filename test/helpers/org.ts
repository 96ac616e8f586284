/** The organisation registry in-process, on a throwaway PostgreSQL database, for tests. */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { openPgStore, type PgStore } from '../../src/core/org/pg-store.js';
import { createOrgServer } from '../../src/core/org/server.js';
import { loadOrCreateLogKey } from '../../src/core/org/tree-head.js';
import { newToken } from '../../src/core/org/tokens.js';
import type { Role } from '../../src/core/org/records.js';
import { verifyReceipt } from '../../src/core/verify/receipt.js';
import { register, type Registration } from '../../src/core/register.js';
import { collectFiles } from '../../src/core/io/files.js';
import { serializeReceipt } from '../../src/core/receipt/receipt.js';
import { party } from './fixtures.js';
import { alice } from './setup.js';

export interface OrgServerHandle {
  url: string;
  store: PgStore;
  close: () => Promise<void>;
}

export async function startOrgServer(dbUrl: string, keyFile: string, o: { migrate?: boolean; now?: () => Date } = {}): Promise<OrgServerHandle> {
  const store = await openPgStore({ url: dbUrl, migrate: o.migrate ?? true });
  const key = await loadOrCreateLogKey(keyFile);
  const anchors = [party('root-ca').cert];
  const server = createOrgServer({
    store,
    key,
    now: o.now ?? (() => new Date()),
    random: (n) => randomBytes(n),
    verify: (r, merkleDone) => verifyReceipt(r, { anchors, now: new Date(), ...(merkleDone ? { merkleAlreadyComputed: true } : {}) }),
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    store,
    close: async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await store.close();
    },
  };
}

export async function token(store: PgStore, role: Role, project: string | null = null, name = `${role} test`): Promise<string> {
  const tk = newToken((n) => randomBytes(n));
  await store.createToken({ id: tk.id, hash: tk.hash, name, role, project, createdBy: 'test', at: new Date() });
  return tk.token;
}

/** A real registration (alice, the fixture TSA) of `count` small files; returns it and its receipt text. */
export async function makeReceipt(tsaUrl: string, count = 3, tag = randomBytes(4).toString('hex')): Promise<{ reg: Registration; text: string; dir: string }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tsproof-orgreg-'));
  mkdirSync(path.join(dir, 'work'));
  for (let i = 0; i < count; i++) writeFileSync(path.join(dir, 'work', `file-${tag}-${i}.txt`), `${tag} ${i}\n`);
  const { files } = await collectFiles(['work'], dir);
  const reg = await register({ files, algorithms: ['sha256'], identity: alice(), tsas: [{ url: tsaUrl }], anchors: [party('root-ca').cert], now: () => new Date(), random: (n) => randomBytes(n), client: { retries: 0, timeoutMs: 5000 } });
  if (reg.kind !== 'registered') throw new Error('expected a registration');
  return { reg, text: serializeReceipt(reg.receipt), dir };
}
