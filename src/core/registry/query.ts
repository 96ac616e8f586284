/**
 * Registry queries that need nothing but the store: a registration by id or prefix, and the
 * state of files against the registry (`status`). Kept light: `status`, `find` and `log` load
 * only this, the store and the hashing engine.
 */
import type { HashAlgorithm } from '../crypto/algorithms.js';
import { InputError } from '../errors.js';
import { t } from '../text.js';
import type { RegistrationRecord, RegistryStore } from './types.js';

/** A registration by its id or an unambiguous prefix of it (at least 4 characters). */
export async function resolveRegistration(store: RegistryStore, id: string): Promise<RegistrationRecord> {
  const exact = await store.registration(id);
  if (exact) return exact;
  const found = id.length >= 4 ? await store.registrationsByPrefix(id.toLowerCase(), 2) : [];
  if (found.length === 1) return found[0]!;
  if (found.length > 1) throw new InputError({ code: 'BAD_ARGUMENT', message: t`${id} names more than one registration: give more of its id` });
  throw new InputError({ code: 'REGISTRATION_NOT_FOUND', message: t`no registration ${id} in the registry (tsproof log lists them)` });
}

export type FileState = 'registered' | 'modified' | 'unregistered';

export interface FileStatus {
  file: string;
  status: FileState;
  /** registered: the earliest registration covering the content; modified: the latest one of this name. */
  registration?: { id: string; time: string; receipt: string };
  /** registered: how many other registrations cover it too. */
  others?: number;
}

/** Each file's state against the registry: its content registered (earliest), its name registered with other content, or neither. */
export async function fileStatuses(store: RegistryStore, files: readonly { name: string; digests: Partial<Record<HashAlgorithm, string>> }[]): Promise<FileStatus[]> {
  type Brief = { id: string; time: string };
  const byTime = (a: Brief, b: Brief) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0);
  // Batched lookups (ids and times only) per algorithm: per file, the registrations covering its
  // content, earliest first, destroyed ones left out.
  const covering: (Brief[] | undefined)[] = new Array(files.length);
  const algs = new Set(files.flatMap((f) => Object.keys(f.digests) as HashAlgorithm[]));
  for (const alg of algs) {
    const which = files.flatMap((f, i) => (f.digests[alg] === undefined ? [] : [i]));
    const found = await store.idsByDigests(
      alg,
      which.map((i) => files[i]!.digests[alg]!),
    );
    for (const [n, list] of found.entries()) {
      const live = list.filter((x) => x.status !== 'destroyed');
      if (!live.length) continue;
      const i = which[n]!;
      const had = covering[i];
      // Another algorithm's registrations too (registrations that recorded only SHA-384, say): each once.
      covering[i] = had ? [...had, ...live.filter((x) => !had.some((h) => h.id === x.id))].sort(byTime) : live;
    }
  }
  // Files whose content no registration covers: is their name registered (modified)? Also batched.
  const uncovered = files.flatMap((_, i) => (covering[i] ? [] : [i]));
  const named = await store.idsByNames(uncovered.map((i) => files[i]!.name));
  const latest = new Map<number, Brief>();
  for (const [n, i] of uncovered.entries()) {
    const last = named[n]!.filter((x) => x.status !== 'destroyed').at(-1);
    if (last) latest.set(i, last);
  }
  // Each registration named is read once.
  const records = new Map<string, RegistrationRecord>();
  for (const id of new Set([...covering.map((c) => c?.[0]?.id), ...[...latest.values()].map((x) => x.id)])) if (id !== undefined) records.set(id, (await store.registration(id))!);
  const ref = (id: string) => {
    const r = records.get(id)!;
    return { id: r.id, time: r.time, receipt: r.receipt };
  };
  const out: FileStatus[] = new Array(files.length);
  for (const [i, f] of files.entries()) {
    const c = covering[i];
    const last = c ? undefined : latest.get(i);
    if (c) out[i] = { file: f.name, status: 'registered', registration: ref(c[0]!.id), others: c.length - 1 };
    else if (last) out[i] = { file: f.name, status: 'modified', registration: ref(last.id) };
    else out[i] = { file: f.name, status: 'unregistered' };
  }
  return out;
}
