/**
 * What a client of the organisation registry keeps under $TSPROOF_HOME/org/ (docs/org-registry.md#what-a-client-keeps):
 *   state-<hash of URL>.json   the pinned log key and the largest tree head seen (RemoteState)
 *   queue/<id>.json            registrations not yet pushed (the server was unreachable)
 *   proofs/<id>.json           each pushed registration's log entry, inclusion proof and signed tree head
 * Written atomically, owner-only.
 */
import { mkdir, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { readJsonFile, writeAtomic } from '../io/fs.js';
import { sha256Hex } from './records.js';
import type { RemoteState } from './client.js';
import type { SignedTreeHead } from './tree-head.js';

export interface QueuedPush {
  id: string;
  /** Content-Type of the document. */
  type: string;
  project?: string;
  /** The document, base64 (the receipt, or its redacted form). */
  document: string;
  queuedAt: string;
}

export interface LogProof {
  url: string;
  registration: { id: string; project: string; pushedAt: string; redacted: boolean; documentSha256: string; index: number };
  head: SignedTreeHead;
  inclusion: string[];
}

const dir = (home: string, ...p: string[]) => path.join(home, 'org', ...p);
const safeId = (id: string) => (/^[A-Za-z0-9._-]{1,128}$/.test(id) ? id : sha256Hex(id));

async function write(file: string, value: unknown): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  await writeAtomic(file, `${JSON.stringify(value, null, 2)}\n`, 0o600);
}

export function stateFile(home: string, url: string): string {
  return dir(home, `state-${sha256Hex(url.replace(/\/+$/, '')).slice(0, 16)}.json`);
}

export async function loadRemoteState(home: string, url: string): Promise<RemoteState | undefined> {
  const v = (await readJsonFile(stateFile(home, url))) as RemoteState | undefined;
  return v && typeof v === 'object' && typeof v.publicKey === 'string' && v.head ? v : undefined;
}

export async function saveRemoteState(home: string, s: RemoteState): Promise<void> {
  await write(stateFile(home, s.url), s);
}

export async function enqueue(home: string, q: QueuedPush): Promise<string> {
  const file = dir(home, 'queue', `${safeId(q.id)}.json`);
  await write(file, q);
  return file;
}

export async function queued(home: string): Promise<{ file: string; item: QueuedPush }[]> {
  let names: string[];
  try {
    names = (await readdir(dir(home, 'queue'))).filter((n) => n.endsWith('.json')).sort();
  } catch {
    return [];
  }
  const out: { file: string; item: QueuedPush }[] = [];
  for (const n of names) {
    const file = dir(home, 'queue', n);
    const item = (await readJsonFile(file).catch(() => undefined)) as QueuedPush | undefined;
    if (item && typeof item.document === 'string' && typeof item.type === 'string') out.push({ file, item });
  }
  return out;
}

export async function unqueue(file: string): Promise<void> {
  await rm(file, { force: true });
}

export async function saveProof(home: string, p: LogProof): Promise<string> {
  const file = dir(home, 'proofs', `${safeId(p.registration.id)}.json`);
  await write(file, p);
  return file;
}
