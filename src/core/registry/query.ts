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

/**
 * The algorithms to hash files with so that every registration covering one is found: SHA-256,
 * and the algorithms of registrations that recorded no SHA-256 (`register -a sha512`). A
 * registration that recorded SHA-256 and others is found by its SHA-256 digests alone.
 */
export function lookupAlgorithms(sets: readonly (readonly HashAlgorithm[])[]): HashAlgorithm[] {
  return [...new Set<HashAlgorithm>(['sha256', ...sets.filter((s) => !s.includes('sha256')).flat()])];
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

/**
 * Each file's state against the registry: its content registered (earliest), its name registered
 * with other content, or neither. Written for 10,000s of files: batched lookups, and per file
 * nothing but its result (the registrations' references are shared).
 */
export async function fileStatuses(store: RegistryStore, files: readonly { name: string; digests: Partial<Record<HashAlgorithm, string>> }[]): Promise<FileStatus[]> {
  type Brief = { id: string; time: string; status: string };
  const byTime = (a: Brief, b: Brief) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0);
  const live = (list: readonly Brief[]) => (list.some((x) => x.status === 'destroyed') ? list.filter((x) => x.status !== 'destroyed') : list);
  // Batched lookups (ids and times only) per algorithm: per file, the registrations covering its
  // content, earliest first, destroyed ones left out.
  const covering: (readonly Brief[] | undefined)[] = new Array(files.length);
  const algs = new Set<HashAlgorithm>();
  for (const f of files) for (const a in f.digests) algs.add(a as HashAlgorithm);
  for (const alg of algs) {
    const which: number[] = [];
    const hexes: string[] = [];
    files.forEach((f, i) => {
      const hex = f.digests[alg];
      if (hex !== undefined) which.push(i), hexes.push(hex);
    });
    const found = await store.idsByDigests(alg, hexes);
    for (let n = 0; n < found.length; n++) {
      if (!found[n]!.length) continue;
      const list = live(found[n]!);
      if (!list.length) continue;
      const i = which[n]!;
      const had = covering[i];
      // Another algorithm's registrations too (registrations that recorded only SHA-384, say): each once.
      covering[i] = had ? [...had, ...list.filter((x) => !had.some((h) => h.id === x.id))].sort(byTime) : list;
    }
  }
  // Files whose content no registration covers: is their name registered (modified)? Also batched.
  const uncovered: number[] = [];
  for (let i = 0; i < files.length; i++) if (!covering[i]) uncovered.push(i);
  const named = await store.idsByNames(uncovered.map((i) => files[i]!.name));
  const latest = new Map<number, Brief>();
  for (const [n, i] of uncovered.entries()) {
    const last = live(named[n]!).at(-1);
    if (last) latest.set(i, last);
  }
  // Each registration named is read once, and its reference shared by its files.
  const refs = new Map<string, FileStatus['registration']>();
  for (const c of covering) if (c) refs.set(c[0]!.id, undefined);
  for (const last of latest.values()) refs.set(last.id, undefined);
  for (const id of refs.keys()) {
    const r = (await store.registration(id))!;
    refs.set(id, { id: r.id, time: r.time, receipt: r.receipt });
  }
  const out: FileStatus[] = new Array(files.length);
  for (let i = 0; i < files.length; i++) {
    const c = covering[i];
    const file = files[i]!.name;
    if (c) out[i] = { file, status: 'registered', registration: refs.get(c[0]!.id)!, others: c.length - 1 };
    else {
      const last = latest.get(i);
      out[i] = last ? { file, status: 'modified', registration: refs.get(last.id)! } : { file, status: 'unregistered' };
    }
  }
  return out;
}
