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
  const records = new Map<string, RegistrationRecord>();
  const record = async (id: string) => {
    let r = records.get(id);
    if (!r) {
      r = (await store.registration(id))!;
      records.set(id, r);
    }
    return r;
  };
  // Batched lookups (ids and times only) per algorithm; records are read once per registration.
  const covering = files.map(() => new Map<string, string>());
  const algs = new Set(files.flatMap((f) => Object.keys(f.digests) as HashAlgorithm[]));
  for (const alg of algs) {
    const which = files.flatMap((f, i) => (f.digests[alg] === undefined ? [] : [i]));
    const found = await store.idsByDigests(
      alg,
      which.map((i) => files[i]!.digests[alg]!),
    );
    for (const [n, list] of found.entries()) {
      const seen = covering[which[n]!]!;
      for (const x of list) if (x.status !== 'destroyed' && !seen.has(x.id)) seen.set(x.id, x.time);
    }
  }
  // Files whose content no registration covers: is their name registered (modified)? Also batched.
  const uncovered = files.flatMap((_, i) => (covering[i]!.size ? [] : [i]));
  const named = await store.idsByNames(uncovered.map((i) => files[i]!.name));
  const latest = new Map(uncovered.map((i, n) => [i, named[n]!.filter((x) => x.status !== 'destroyed').at(-1)]));
  const out: FileStatus[] = [];
  for (const [i, f] of files.entries()) {
    const ordered = [...covering[i]!].sort((a, b) => (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
    if (ordered.length) {
      const first = await record(ordered[0]![0]);
      out.push({ file: f.name, status: 'registered', registration: { id: first.id, time: first.time, receipt: first.receipt }, others: ordered.length - 1 });
      continue;
    }
    const last = latest.get(i);
    if (last) {
      const r = await record(last.id);
      out.push({ file: f.name, status: 'modified', registration: { id: r.id, time: r.time, receipt: r.receipt } });
    } else out.push({ file: f.name, status: 'unregistered' });
  }
  return out;
}
