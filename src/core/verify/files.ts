/**
 * Verifying local files: find each file's receipt (given, beside the file, or through the
 * local registry), stream-hash the file with the receipt's algorithms, and judge it.
 */
import { statSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { InputError, messageOf, withSource } from '../errors.js';
import { fileError, hashFile, hashFiles, type HashPool, type HashProgress } from '../hash/engine.js';
import { openExistingRegistry, openRegistry, registryPath } from '../registry/open.js';
import { coveringRegistrations, locateReceipt, recordMove } from '../registry/lookup.js';
import type { RegistrationRecord, RegistryStore } from '../registry/types.js';
import { collectFiles, RECEIPT_SUFFIX } from '../io/files.js';
import type { Receipt } from '../receipt/receipt.js';
import { loadReceiptSource, looksLikeReceipt, type LoadedReceipt } from '../receipt/source.js';
import { CheckList, type Check } from './checks.js';
import { checkRenewedDigests, fileAlgorithms, verifyFileAgainst, verifyReceipt, type FileVerification, type ReceiptVerification, type VerifyContext } from './receipt.js';
import { reasonOf, type Reason } from './verdict.js';
import type { HashAlgorithm } from '../crypto/algorithms.js';
import { t } from '../text.js';

/** A receipt file or an evidence pack (folder or zip), as a receipt (receipt/source.ts), within the limits of docs/limits.md. */
export async function loadReceipt(file: string): Promise<Receipt> {
  return (await loadReceiptSource(file)).receipt;
}

/** Verifies a loaded receipt; a limit passed inside it (a token, a certificate) names the file. */
export function verifyReceiptFile(file: string, receipt: Receipt, ctx: VerifyContext): ReceiptVerification {
  return withSource(file, () => verifyReceipt(receipt, ctx));
}

/** Receipt files named after `file`: `<name>.tsproof.json` and `<name>.<id>.tsproof.json`. */
async function receiptsBeside(file: string): Promise<string[]> {
  const dir = path.dirname(file);
  const base = path.basename(file);
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  return names
    .filter((n) => n === `${base}${RECEIPT_SUFFIX}` || (n.startsWith(`${base}.`) && n.endsWith(RECEIPT_SUFFIX) && /^[0-9a-f]{8}$/.test(n.slice(base.length + 1, -RECEIPT_SUFFIX.length))))
    .sort()
    .map((n) => path.join(dir, n));
}

function receiptHas(receipt: Receipt, alg: HashAlgorithm, hex: string): boolean {
  return receipt.entries.some((e) => e.digests[alg] === hex);
}

export interface VerifyFilesOptions extends VerifyContext {
  files: readonly string[];
  cwd: string;
  home: string;
  /** Receipts to verify against (files, evidence packs, or folders of `*.tsproof.json`): each file against the first that registers its content. */
  receipts?: readonly string[];
  /** Files that do not exist are left out instead of failing (their names in `missing`). */
  ignoreMissing?: boolean;
  /** Filled with the files left out by `ignoreMissing`. */
  missing?: string[];
}

/**
 * The receipts a --receipt names: itself (a receipt, an evidence pack — folder or zip), or, for a
 * folder that is not a pack, every `*.tsproof.json` directly in it, by name.
 */
export async function expandReceipts(given: readonly string[], cwd: string): Promise<string[]> {
  const out: string[] = [];
  for (const g of given) {
    const abs = path.resolve(cwd, g);
    let isDir = false;
    try {
      isDir = statSync(abs).isDirectory();
    } catch {
      // not there: loading it says so
    }
    if (isDir && !(await looksLikeReceipt(abs))) {
      const names = (await readdir(abs)).filter((n) => n.endsWith(RECEIPT_SUFFIX)).sort();
      if (names.length === 0) throw new InputError({ code: 'RECEIPT_NOT_FOUND', message: t`${g}: a folder with no receipts (*.tsproof.json) and not an evidence pack` });
      out.push(...names.map((n) => path.join(abs, n)));
    } else out.push(abs);
  }
  return [...new Set(out)];
}

export async function verifyFiles(o: VerifyFilesOptions): Promise<FileVerification[]> {
  const cache = new Map<string, { receipt: Receipt; loaded: LoadedReceipt; verification: ReceiptVerification }>();
  const judge = async (receiptPath: string) => {
    let hit = cache.get(receiptPath);
    if (!hit) {
      const loaded = await loadReceiptSource(receiptPath);
      hit = { receipt: loaded.receipt, loaded, verification: verifyReceiptFile(receiptPath, loaded.receipt, { ...o, extraCertificates: loaded.certificates }) };
      cache.set(receiptPath, hit);
    }
    return hit;
  };
  const given = o.receipts?.length ? await expandReceipts(o.receipts, o.cwd) : [];
  for (const g of given) await judge(g); // a bad --receipt is bad input before any hashing

  const results: FileVerification[] = [];
  // Read-only: verifying writes nothing, so it works on a home nobody may write (a lawyer's copy, a
  // read-only CI cache). Only a moved receipt's new place is recorded, through a second, writing
  // connection opened when needed; when that fails, the result says so and verification goes on.
  const store = given.length ? undefined : await openExistingRegistry(o.home, { now: () => new Date(), readOnly: true });
  let writer: Promise<RegistryStore> | undefined;
  const recordMoved = async (rec: RegistrationRecord, to: string): Promise<string | undefined> => {
    try {
      writer ??= openRegistry(o.home, { now: () => new Date() });
      await recordMove(await writer, rec, to);
      return undefined;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) return t`${registryPath(o.home)} cannot be written here (${code})`.render();
      return messageOf(err)
        .render()
        .replace(/\s*\n\s*/g, ' ');
    }
  };
  try {
    for (const f of o.files) {
      if (o.ignoreMissing && !statSync(path.resolve(o.cwd, f), { throwIfNoEntry: false })) {
        o.missing?.push(f);
        continue;
      }
      results.push(await verifyOne(f, store));
    }
  } finally {
    store?.close();
    if (writer) (await writer.catch(() => undefined))?.close();
  }
  return results;

  async function verifyOne(f: string, store: RegistryStore | undefined): Promise<FileVerification> {
    const abs = path.resolve(o.cwd, f);
    let receiptPath = given.length === 1 ? given[0] : undefined;
    let registry: FileVerification['registry'];
    const gone: { id: string; time: string }[] = [];
    if (given.length > 1) {
      // The first given receipt that registers the file's content (else the first, which says it does not).
      const algs = new Set<HashAlgorithm>();
      for (const g of given) for (const a of (await judge(g)).verification.manifest?.algorithms ?? ['sha256']) algs.add(a);
      const local = await hashFile(abs, [...algs], f);
      for (const g of given) {
        const { receipt } = await judge(g);
        if ([...algs].some((a) => receiptHas(receipt, a, local.digests[a]!))) {
          receiptPath = g;
          break;
        }
      }
      receiptPath ??= given[0];
    }
    if (!receiptPath) {
      // The registry first, earliest registration first; then a receipt beside the file — either way matched by content digest.
      const algs = new Set<HashAlgorithm>(['sha256', ...((await store?.algorithms()) ?? [])]);
      const local = await hashFile(abs, [...algs], f);
      if (store) {
        // The earliest registration whose receipt is at hand and verifies here; failing that, the earliest at hand.
        const covering = await coveringRegistrations(store, local.digests);
        let fallback: { path: string; registry: NonNullable<FileVerification['registry']> } | undefined;
        for (const [i, rec] of covering.entries()) {
          const at = await locateReceipt(rec, [o.cwd, path.dirname(abs)]);
          if (!at) {
            gone.push({ id: rec.id, time: rec.time });
            continue;
          }
          const notRecorded = at.movedFrom ? await recordMoved(rec, at.receipt) : undefined;
          const found = {
            path: at.receipt,
            registry: { id: rec.id, time: rec.time, others: covering.length - 1, earliest: i === 0, ...(at.movedFrom ? { movedFrom: at.movedFrom } : {}), ...(notRecorded ? { moveNotRecorded: notRecorded } : {}) },
          };
          fallback ??= found;
          if ((await judge(at.receipt)).verification.ok) {
            receiptPath = found.path;
            registry = found.registry;
            break;
          }
        }
        if (!receiptPath && fallback) {
          receiptPath = fallback.path;
          registry = fallback.registry;
        }
      }
      if (!receiptPath) {
        for (const r of await receiptsBeside(abs)) {
          const { receipt } = await judge(r);
          if ([...algs].some((a) => receiptHas(receipt, a, local.digests[a]!))) {
            receiptPath = r;
            break;
          }
        }
      }
      receiptPath ??= gone.length ? undefined : (await receiptsBeside(abs))[0];
    }
    if (!receiptPath) {
      const checks = new CheckList();
      const g = gone[0];
      if (g)
        checks.fail(
          'receipt.located',
          t`registered in ${g.id} (proven ${g.time}; ${gone.length} registration(s) cover this content), but its receipt is gone from where it was recorded and was not found in this folder or its parents: point at it with --receipt <file>`,
        );
      else checks.fail('receipt.located', t`no receipt given, none beside the file, and no registration of its content in the local registry`);
      return { file: f, ok: false, checks: checks.items, reason: reasonOf(checks.items), timestamps: [] };
    }
    const { verification, loaded, receipt } = await judge(receiptPath);
    const algs = fileAlgorithms(receipt, verification.manifest?.algorithms ?? ['sha256']);
    const local = await hashFile(abs, algs, f);
    const r = verifyFileAgainst(verification, f, abs, local);
    r.receipt = path.relative(o.cwd, receiptPath) || receiptPath;
    r.receiptSha256 = loaded.sha256;
    r.receiptKind = loaded.kind;
    if (registry) r.registry = registry;
    return r;
  }
}

export type DirStatus = 'matched' | 'modified' | 'missing' | 'unregistered';

export interface DirResult {
  file: string;
  /** Where the entry was found when not under its registered name: matched by digest (flattened downloads). */
  foundAs?: string;
  status: DirStatus;
  ok: boolean;
  /** The verdict in one word: the file's own (`modified`, `missing`), else the receipt's. */
  reason: Reason;
  /** The file-level checks (the receipt's own checks are reported once, beside the results). */
  checks: Check[];
}

export interface DirVerification {
  receipt: {
    path: string;
    /** SHA-256 of what was examined as the receipt (receipt/source.ts). */
    sha256: string;
    ok: boolean;
    reason: Reason;
    checks: Check[];
    id?: string;
    time?: string;
    claimedTime?: string;
    holder?: ReceiptVerification['holder'];
    timestamps: ReceiptVerification['timestamps'];
    untrusted?: ReceiptVerification['untrusted'];
  };
  ok: boolean;
  results: DirResult[];
  /** With `ignoreMissing`: how many registered entries were found neither by name nor by digest, and left out. */
  missingIgnored?: number;
}

/**
 * A whole batch against a folder: each disclosed entry is matched, modified or missing;
 * with `unregistered`, files in the folder that the receipt does not list are reported too.
 * Entry names are resolved against `dir`; when every name starts with the folder's own name
 * (registered as `tsproof register <dir>` from its parent), against its parent.
 */
/** A progress display for the hashing of a batch, started once the number of files is known (the CLI's bar). */
export type ProgressStarter = (totalFiles: number, totalBytes?: number) => Promise<{ attach: (read: () => HashProgress) => void; stop: () => void }>;

/**
 * Whether a registered name is a file in the folder. A name that cannot be there — a folder on its
 * way is a file, a link loop, a path longer than the system allows — is missing (a failed check,
 * exit 1), not a crash; a folder that cannot be searched is bad input (exit 2).
 */
function presence(abs: string, name: string): 'file' | 'missing' | 'too-long' {
  try {
    return statSync(abs, { throwIfNoEntry: false })?.isFile() ? 'file' : 'missing';
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENAMETOOLONG') return 'too-long';
    if (code === 'ENOTDIR' || code === 'ELOOP') return 'missing';
    throw fileError(code, name);
  }
}

/**
 * The folder `verify --dir <dir>` resolves entry names against: `dir`, or its parent when every
 * name starts with the folder's own name (registered as `tsproof register <dir>`, docs/files.md#names).
 */
export function dirBase(dir: string, names: readonly string[]): string {
  const head = `${path.basename(dir).normalize('NFC')}/`;
  return names.length && names.every((n) => n.startsWith(head)) ? path.dirname(dir) : dir;
}

export async function verifyDirectory(o: VerifyContext & { receipt: string; dir: string; cwd: string; unregistered?: boolean; ignoreMissing?: boolean; progress?: ProgressStarter; pool?: HashPool }): Promise<DirVerification> {
  const receiptPath = path.resolve(o.cwd, o.receipt);
  const loaded = await loadReceiptSource(receiptPath);
  const rv = verifyReceiptFile(receiptPath, loaded.receipt, { ...o, extraCertificates: loaded.certificates });
  const dir = path.resolve(o.cwd, o.dir);
  const base = dirBase(
    dir,
    rv.entries.map((e) => e.name),
  );
  const algs = rv.manifest?.algorithms ?? ['sha256'];
  const hashed = fileAlgorithms(loaded.receipt, algs);
  const present: { entry: (typeof rv.entries)[number]; abs: string }[] = [];
  const results: DirResult[] = [];
  const absent: { entry: (typeof rv.entries)[number]; found: 'missing' | 'too-long' }[] = [];
  for (const entry of rv.entries) {
    const abs = path.join(base, ...entry.name.split('/'));
    // Synchronous: 100,000s of entries, and nothing else waits meanwhile.
    const found = presence(abs, entry.name);
    if (found === 'file') present.push({ entry, abs });
    else absent.push({ entry, found });
  }
  // Entries not under their registered names may be there under others — downloaded artifacts
  // land flattened (dist/app.tgz as app.tgz): matched by size and digest, and said so.
  const elsewhere = absent.length
    ? await findByDigest(
        absent.map((a) => a.entry),
        dir,
        base,
        new Set(rv.entries.map((e) => e.name)),
        algs,
        o.pool,
      )
    : new Map<string, string>();
  let missingIgnored = 0;
  for (const { entry, found } of absent) {
    const other = elsewhere.get(entry.name);
    if (other !== undefined) {
      const detail = t`registered as "${entry.name}", found as "${other}" with the same ${algs.map((a) => a.toUpperCase()).join(', ')} and size (${entry.size} bytes)`;
      results.push({
        file: entry.name,
        foundAs: other,
        status: 'matched',
        ok: rv.ok,
        reason: rv.reason,
        checks: [
          { id: 'file.present', ok: true, status: 'warn', detail },
          { id: 'file.digest', ok: true, status: 'pass', detail: t`matched by digest` },
        ],
      });
    } else if (o.ignoreMissing) missingIgnored++;
    else {
      const detail = found === 'too-long' ? t`registered "${entry.name}" (${entry.size} bytes) is missing: its name is too long for a path on this system` : t`registered "${entry.name}" (${entry.size} bytes) is missing`;
      results.push({ file: entry.name, status: 'missing', ok: false, reason: 'missing', checks: [{ id: 'file.present', ok: false, status: 'fail', detail }] });
    }
  }
  const bar = await o.progress?.(
    present.length,
    present.reduce((sum, p) => sum + p.entry.size, 0),
  );
  let digests;
  try {
    digests = await hashFiles(
      present.map((p) => ({ path: p.abs, display: p.entry.name })),
      { algorithms: hashed, ...(bar ? { progress: bar.attach } : {}), ...(o.pool ? { pool: o.pool } : {}) },
    );
  } finally {
    bar?.stop();
  }
  present.forEach(({ entry }, i) => {
    const local = digests[i]!;
    const c = new CheckList();
    for (const a of algs)
      c.expect('file.digest', local.digests[a] === entry.digests[a], t`${a.toUpperCase()} matches`, t`${a.toUpperCase()} of the file is ${local.digests[a] ?? '(not computed)'}, registered ${entry.digests[a] ?? '(none)'}`);
    c.expect('file.size', local.size === entry.size, t`${local.size} bytes`, t`file has ${local.size} bytes, registered ${entry.size}`);
    checkRenewedDigests(c, entry, local.digests);
    results.push({ file: entry.name, status: c.ok ? 'matched' : 'modified', ok: c.ok && rv.ok, reason: c.ok ? rv.reason : 'modified', checks: c.items });
  });
  if (o.unregistered) {
    const names = new Set([...rv.entries.map((e) => e.name), ...elsewhere.values()]);
    const { files } = await collectFiles([dir], base);
    for (const f of files) {
      if (names.has(f.name)) continue;
      results.push({ file: f.name, status: 'unregistered', ok: true, reason: 'not-covered', checks: [{ id: 'file.registered', ok: true, status: 'warn', detail: t`present in the folder but not registered in this receipt` }] });
    }
  }
  results.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  const rec: DirVerification['receipt'] = { path: path.relative(o.cwd, receiptPath) || receiptPath, sha256: loaded.sha256, ok: rv.ok, reason: rv.reason, checks: rv.checks, timestamps: rv.timestamps };
  if (rv.id) rec.id = rv.id;
  if (rv.time) rec.time = rv.time;
  if (rv.claimedTime) rec.claimedTime = rv.claimedTime;
  if (rv.holder) rec.holder = rv.holder;
  if (rv.untrusted) rec.untrusted = rv.untrusted;
  return { receipt: rec, ok: rv.ok && results.every((r) => r.ok), results, ...(o.ignoreMissing ? { missingIgnored } : {}) };
}

/**
 * Files under `dir` whose names no entry has, with the file name (the last part of the path),
 * size and digests of an entry that is not under its own name — a download flattened: registered name → the name found (relative to `base`, '/'-separated).
 * Only files of a wanted size are hashed.
 */
async function findByDigest(wanted: readonly ReceiptEntryLike[], dir: string, base: string, registered: ReadonlySet<string>, algs: readonly HashAlgorithm[], pool?: HashPool): Promise<Map<string, string>> {
  const sizes = new Set(wanted.map((e) => e.size));
  let files;
  try {
    ({ files } = await collectFiles([dir], base));
  } catch {
    return new Map();
  }
  const candidates = files.filter((f) => !registered.has(f.name) && sizes.has(statSync(f.absolute).size));
  if (candidates.length === 0) return new Map();
  const digests = await hashFiles(
    candidates.map((c) => ({ path: c.absolute, display: c.name })),
    { algorithms: algs, ...(pool ? { pool } : {}) },
  );
  const byKey = new Map<string, string>();
  candidates.forEach((c, i) => {
    const d = digests[i]!;
    const key = `${c.name.split('/').pop()}:${d.size}:${algs.map((a) => d.digests[a]).join(':')}`;
    if (!byKey.has(key)) byKey.set(key, c.name);
  });
  const out = new Map<string, string>();
  for (const e of wanted) {
    const hit = byKey.get(`${e.name.split('/').pop()}:${e.size}:${algs.map((a) => e.digests[a]).join(':')}`);
    if (hit !== undefined) out.set(e.name, hit);
  }
  return out;
}

interface ReceiptEntryLike {
  name: string;
  size: number;
  digests: Partial<Record<HashAlgorithm, string>>;
}
