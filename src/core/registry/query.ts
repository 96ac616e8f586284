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

type Brief = { id: string; time: string; status: string };
type FileDigests = { name: string; digests: Partial<Record<HashAlgorithm, string>> };

const byTime = (a: Brief, b: Brief) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0);
const live = (list: readonly Brief[]) => (list.some((x) => x.status === 'destroyed') ? list.filter((x) => x.status !== 'destroyed') : list);

/**
 * Each file's state against the registry: its content registered (earliest), its name registered
 * with other content, or neither. Files are looked up a batch at a time — `status` looks up those
 * already hashed while the others are still being hashed — with batched queries, and per file
 * nothing but its result (the registrations' references are shared).
 */
export class StatusLookup {
  /** Each file's state, set by `lookUp`. */
  readonly statuses: FileStatus[];
  private readonly refs = new Map<string, FileStatus['registration']>();

  /** `files[i].digests` may be filled in later, before `lookUp` is given `i`. */
  constructor(
    private readonly store: RegistryStore,
    private readonly files: readonly FileDigests[],
  ) {
    this.statuses = new Array(files.length);
  }

  /** Looks up these files (whose digests are set) and sets their statuses. */
  async lookUp(indices: readonly number[]): Promise<void> {
    const { files, store, refs } = this;
    // Per algorithm, per file (by its place in `indices`): the registrations covering its content,
    // earliest first, destroyed ones left out.
    const covering: (readonly Brief[] | undefined)[] = new Array(indices.length);
    const algs = new Set<HashAlgorithm>();
    for (const i of indices) for (const a in files[i]!.digests) algs.add(a as HashAlgorithm);
    for (const alg of algs) {
      const which: number[] = [];
      const hexes: string[] = [];
      indices.forEach((i, k) => {
        const hex = files[i]!.digests[alg];
        if (hex !== undefined) which.push(k), hexes.push(hex);
      });
      const found = await store.idsByDigests(alg, hexes);
      for (let n = 0; n < found.length; n++) {
        if (!found[n]!.length) continue;
        const list = live(found[n]!);
        if (!list.length) continue;
        const k = which[n]!;
        const had = covering[k];
        // Another algorithm's registrations too (registrations that recorded only SHA-384, say): each once.
        covering[k] = had ? [...had, ...list.filter((x) => !had.some((h) => h.id === x.id))].sort(byTime) : list;
      }
    }
    // Files whose content no registration covers: is their name registered (modified)?
    const uncovered: number[] = [];
    for (let k = 0; k < indices.length; k++) if (!covering[k]) uncovered.push(k);
    const named = uncovered.length ? await store.idsByNames(uncovered.map((k) => files[indices[k]!]!.name)) : [];
    const latest: (Brief | undefined)[] = new Array(indices.length);
    for (const [n, k] of uncovered.entries()) latest[k] = live(named[n]!).at(-1);
    // Each registration named is read once, and its reference shared by its files.
    const ids = new Set<string>();
    for (let k = 0; k < indices.length; k++) {
      const id = (covering[k]?.[0] ?? latest[k])?.id;
      if (id !== undefined && !refs.has(id)) ids.add(id);
    }
    for (const id of ids) {
      const r = (await store.registration(id))!;
      refs.set(id, { id: r.id, time: r.time, receipt: r.receipt });
    }
    for (let k = 0; k < indices.length; k++) {
      const i = indices[k]!;
      const c = covering[k];
      const last = latest[k];
      const file = files[i]!.name;
      if (c) this.statuses[i] = { file, status: 'registered', registration: refs.get(c[0]!.id)!, others: c.length - 1 };
      else this.statuses[i] = last ? { file, status: 'modified', registration: refs.get(last.id)! } : { file, status: 'unregistered' };
    }
  }
}

/** Every file's state against the registry at once (see StatusLookup). */
export async function fileStatuses(store: RegistryStore, files: readonly FileDigests[]): Promise<FileStatus[]> {
  const lookup = new StatusLookup(store, files);
  await lookup.lookUp(files.map((_, i) => i));
  return lookup.statuses;
}
