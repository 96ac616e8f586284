/** tsproof log, registry list|find|history|verify|seal|retire|destroy|import|export|rebuild (docs/registry.md); status is status.ts. */
import { existsSync } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { InputError } from '../../core/errors.js';
import type { HashAlgorithm } from '../../core/crypto/algorithms.js';
import { coveringRegistrations } from '../../core/registry/lookup.js';
import { openExistingRegistry, openRegistry, registryPath } from '../../core/registry/open.js';
import { SCHEMA_VERSION, SqliteRegistry } from '../../core/registry/sqlite.js';
import { resolveRegistration } from '../../core/registry/query.js';
import type { RegistryCheck } from '../../core/registry/check.js';
import type { Adoption } from '../../core/registry/operations.js';
import type { Coverage, RegistrationFilter, RegistrationRecord, RegistrationStatus } from '../../core/registry/types.js';
import { plain, t, type Text } from '../../core/text.js';
import type { CliContext } from '../context.js';
import { ExitCode } from '../exit.js';
import { note, out, printJson, writeChunks } from '../output.js';

const opts = (ctx: CliContext) => ({ now: ctx.now });

async function withStore<T>(ctx: CliContext, f: (s: SqliteRegistry) => Promise<T>): Promise<T> {
  const store = await openRegistry(ctx.home, opts(ctx));
  try {
    return await f(store);
  } finally {
    store.close();
  }
}

/** For commands that only read: opened read-only (works on a home nobody may write); an empty answer on a home that never registered anything (no file is created). */
async function withExisting<T>(ctx: CliContext, empty: () => T, f: (s: SqliteRegistry) => Promise<T>): Promise<T> {
  const store = await openExistingRegistry(ctx.home, { ...opts(ctx), readOnly: true });
  if (!store) return empty();
  try {
    return await f(store);
  } finally {
    store.close();
  }
}

const shortId = (id: string) => id.slice(0, 8);
const shown = (ctx: CliContext, p: string) => path.relative(ctx.cwd, p) || p;

function parseTime(flag: string, v: string | undefined): string | undefined {
  if (v === undefined) return undefined;
  const d = new Date(/^\d{4}-\d{2}-\d{2}$/.test(v) ? `${v}T00:00:00Z` : v);
  if (Number.isNaN(d.getTime())) throw new InputError({ code: 'BAD_ARGUMENT', message: t`${flag} ${v}: expected a date (2026-12-01) or a time (2026-12-01T09:00:00Z)` });
  return d.toISOString();
}

const STATUSES: readonly RegistrationStatus[] = ['active', 'retired', 'destroyed'];

export interface ListFlags {
  since?: string;
  until?: string;
  holder?: string;
  name?: string;
  project?: string;
  tag: string[];
  status?: string;
  limit?: string;
}

export async function listCommand(ctx: CliContext, o: ListFlags): Promise<number> {
  const filter: RegistrationFilter = {};
  const since = parseTime('--since', o.since);
  let until = parseTime('--until', o.until);
  // A date alone means the whole day.
  if (until && o.until && /^\d{4}-\d{2}-\d{2}$/.test(o.until)) until = new Date(Date.parse(until) + 86_399_999).toISOString();
  if (since) filter.since = since;
  if (until) filter.until = until;
  if (o.holder) filter.holder = o.holder;
  if (o.name) filter.name = o.name;
  if (o.project) filter.project = o.project;
  // A tag filter is a key (the tag is there) or key=value; an empty key matches nothing ever.
  for (const tag of o.tag) if (tag.length === 0 || tag.startsWith('=')) throw new InputError({ code: 'BAD_ARGUMENT', message: t`--tag ${tag}: expected key or key=value` });
  if (o.tag.length) filter.tags = o.tag;
  if (o.status) {
    if (!STATUSES.includes(o.status as RegistrationStatus)) throw new InputError({ code: 'BAD_ARGUMENT', message: t`--status ${o.status}: expected active, retired or destroyed` });
    filter.status = o.status as RegistrationStatus;
  }
  if (o.limit !== undefined) {
    const n = Number(o.limit);
    if (!Number.isInteger(n) || n < 1) throw new InputError({ code: 'BAD_ARGUMENT', message: t`--limit ${o.limit}: expected a positive whole number` });
    filter.limit = n;
  }
  const regs = await withExisting(
    ctx,
    () => [] as RegistrationRecord[],
    (s) => s.registrations(filter),
  );
  if (ctx.json) {
    printJson(ctx, { ok: true, registrations: regs });
    return ExitCode.OK;
  }
  if (!regs.length) note(ctx, t`No registrations on record match.`);
  for (const r of regs) out(ctx, registrationLine(r));
  return ExitCode.OK;
}

function registrationLine(r: RegistrationRecord): Text {
  const meta = [r.project ? `[${r.project}]` : '', r.title ?? '', r.status !== 'active' ? `(${r.status})` : ''].filter(Boolean).join(' ');
  return plain`${shortId(r.id)}  ${r.time}  ${String(r.count).padStart(6)} file(s)  ${r.holder}${meta ? `  ${meta}` : ''}`;
}

const HEX_ALG: Record<number, HashAlgorithm> = { 64: 'sha256', 96: 'sha384', 128: 'sha512' };

/** A name as registered (docs/files.md#names): NFC, no leading "./" (typed by habit, never part of a registered name). */
const registeredName = (name: string) => name.normalize('NFC').replace(/^(?:\.\/)+/, '');

/** What `find` was asked: a file (its content), a digest (alg:hex or bare hex), or a registered name. */
async function findQuery(ctx: CliContext, q: string, algs: readonly HashAlgorithm[]): Promise<{ kind: 'file' | 'digest' | 'name'; digests?: Partial<Record<HashAlgorithm, string>> }> {
  if (q === '') throw new InputError({ code: 'BAD_ARGUMENT', message: t`registry find: give a file, a digest (sha256:<hex>) or a registered name` });
  const abs = path.resolve(ctx.cwd, q);
  if ((await stat(abs).catch(() => undefined))?.isFile()) return { kind: 'file', digests: (await (await import('../../core/hash/engine.js')).hashFile(abs, [...new Set<HashAlgorithm>(['sha256', ...algs])], q)).digests };
  const width = { sha256: 64, sha384: 96, sha512: 128 };
  const m = /^(?:(sha256|sha384|sha512):)?([0-9a-fA-F]+)$/i.exec(q);
  if (m) {
    const alg = (m[1]?.toLowerCase() as HashAlgorithm | undefined) ?? HEX_ALG[m[2]!.length];
    if (alg && m[2]!.length === width[alg]) return { kind: 'digest', digests: { [alg]: m[2]!.toLowerCase() } };
  }
  // "sha256:…" that is not a whole digest (cut short, a typo) is a mistake, not a name to look for.
  const typed = /^(sha256|sha384|sha512):/i.exec(q);
  if (typed) {
    const alg = typed[1]!.toLowerCase() as HashAlgorithm;
    throw new InputError({ code: 'BAD_ARGUMENT', message: t`${q}: not a ${alg} digest (expected ${width[alg]} hex digits after "${alg}:"), and no such file` });
  }
  return { kind: 'name' };
}

export async function findCommand(ctx: CliContext, q: string): Promise<number> {
  const result = await withExisting(
    ctx,
    () => ({ kind: 'name' as const, found: [] as (Coverage & { receiptPresent: boolean })[] }),
    async (s) => {
      const query = await findQuery(ctx, q, await s.algorithms());
      let covers: Coverage[];
      if (query.digests) {
        const regs = await coveringRegistrations(s, query.digests);
        covers = [];
        for (const r of regs) {
          const [alg, hex] = Object.entries(query.digests).find(([a, h]) => r.algorithms.includes(a as HashAlgorithm) && h) ?? [];
          const c = alg ? (await s.findByDigest(alg as HashAlgorithm, hex!)).find((x) => x.registration.id === r.id) : undefined;
          if (c) covers.push(c);
        }
      } else covers = await s.findByName(registeredName(q));
      const found = [];
      for (const c of covers) found.push({ ...c, receiptPresent: existsSync(c.registration.receipt) });
      return { kind: query.kind, found };
    },
  );
  if (ctx.json) {
    printJson(ctx, { ok: true, query: { value: q, kind: result.kind }, registrations: result.found.map((c) => ({ ...c.registration, entry: c.entry, receiptPresent: c.receiptPresent })) });
    return ExitCode.OK;
  }
  if (!result.found.length) {
    out(ctx, result.kind === 'name' ? t`No registration covers the name ${q}.` : t`No registration covers the content of ${q}.`);
    return ExitCode.OK;
  }
  out(ctx, t`${result.found.length} registration(s) cover ${q}, earliest first:`);
  for (const c of result.found) {
    const r = c.registration;
    out(ctx, plain`  ${r.time}  ${r.id}  "${c.entry.name}" (${c.entry.size} bytes)${r.status !== 'active' ? `  (${r.status})` : ''}`);
    out(ctx, c.receiptPresent ? t`      receipt ${shown(ctx, r.receipt)}` : t`      receipt ${shown(ctx, r.receipt)} (not there now)`);
  }
  return ExitCode.OK;
}

export async function historyCommand(ctx: CliContext, name: string): Promise<number> {
  const covers = await withExisting(
    ctx,
    () => [] as Coverage[],
    (s) => s.findByName(registeredName(name)),
  );
  // One line per distinct content, in the order first registered.
  const versions: { digests: Coverage['entry']['digests']; size: number; registrations: { id: string; time: string; status: RegistrationStatus; receipt: string }[] }[] = [];
  for (const c of covers) {
    const key = JSON.stringify(c.entry.digests);
    let v = versions.find((x) => JSON.stringify(x.digests) === key);
    if (!v) versions.push((v = { digests: c.entry.digests, size: c.entry.size, registrations: [] }));
    v.registrations.push({ id: c.registration.id, time: c.registration.time, status: c.registration.status, receipt: c.registration.receipt });
  }
  if (ctx.json) {
    printJson(ctx, { ok: true, name, versions });
    return ExitCode.OK;
  }
  if (!versions.length) {
    out(ctx, t`No registration of the name ${name}.`);
    return ExitCode.OK;
  }
  out(ctx, t`${name}: ${versions.length} version(s), first registered:`);
  versions.forEach((v, i) => {
    const [alg, hex] = Object.entries(v.digests)[0] ?? ['sha256', '?'];
    const first = v.registrations[0]!;
    out(ctx, plain`  ${String(i + 1).padStart(3)}. ${first.time}  ${alg}:${hex}  ${v.size} bytes  ${shortId(first.id)}${v.registrations.length > 1 ? ` (+${v.registrations.length - 1})` : ''}`);
  });
  return ExitCode.OK;
}

export async function verifyRegistryCommand(ctx: CliContext, o: { trust: string[]; receipts?: boolean }): Promise<number> {
  const none = () => new InputError({ code: 'FILE_NOT_FOUND', message: t`no registry at ${registryPath(ctx.home)}: nothing registered yet` });
  if (!existsSync(registryPath(ctx.home)) && !existsSync(path.join(ctx.home, 'index.jsonl'))) throw none();
  const { trustAnchors } = await import('../common.js');
  const { checkRegistry } = await import('../../core/registry/check.js');
  const trust = await trustAnchors(ctx, o.trust);
  const r = await withExisting(
    ctx,
    () => {
      throw none();
    },
    (s) => checkRegistry(s, { trust, now: ctx.now(), receipts: o.receipts !== false }),
  );
  if (ctx.json) printJson(ctx, { ...r, problems: r.problems.map((p) => ({ ...p, detail: p.detail.render() })) });
  else renderCheck(ctx, r);
  return r.ok ? ExitCode.OK : ExitCode.VERIFY_FAILED;
}

function renderCheck(ctx: CliContext, r: RegistryCheck): void {
  out(ctx, r.ok ? t`Registry ${r.file}: intact` : t`Registry ${r.file}: ${r.problems.length} problem(s)`);
  out(ctx, t`  ${r.events} event(s), head ${r.head ?? '-'}; ${r.registrations} registration(s), ${r.entries} entries`);
  for (const p of r.problems) out(ctx, t`  ✘ ${p.detail}`);
  if (r.pending.registrations)
    note(
      ctx,
      t`${r.pending.entries} entries of ${r.pending.registrations} registration(s) in progress or interrupted are put aside, on no record; the next change to the registry removes them once their process has ended, or after an hour`,
    );
  if (r.seal) out(ctx, r.seal.ok ? t`  sealed   events 1–${r.seal.events} at ${r.seal.times.join(', ')} (${r.seal.tsas.join(', ')})` : t`  sealed   events 1–${r.seal.events}, but the seal does not check out`);
  else note(ctx, t`Never sealed: "tsproof registry seal" timestamps the chain head.`);
}

export async function sealCommand(ctx: CliContext, o: { tsa: string[]; trust: string[]; timeout: string; minTimestamps?: string; requireOperators?: string }): Promise<number> {
  const [{ resolveTsas, timestampPolicy }, { trustAnchors }, { obtainUnderPolicy }, { proxyFromEnv }, { fileRateState }, { toBase64 }] = await Promise.all([
    import('./register.js'),
    import('../common.js'),
    import('../../core/timestamps/obtain.js'),
    import('../../core/tsp/http.js'),
    import('../../core/home.js'),
    import('../../core/bytes.js'),
  ]);
  const tsas = await resolveTsas(ctx, o.tsa);
  // The timestamp policy (config.json's timestamps.require, --require-operators) holds for seals too; it is not recorded in the seal.
  const policy = await timestampPolicy(ctx, o.requireOperators);
  const trust = await trustAnchors(ctx, o.trust);
  const timeoutMs = Number(o.timeout) * 1000;
  if (!(timeoutMs > 0)) throw new InputError({ code: 'BAD_ARGUMENT', message: t`--timeout ${o.timeout}: expected a number of seconds` });
  return withStore(ctx, async (s) => {
    const head = await s.head();
    if (!head) throw new InputError({ code: 'BAD_ARGUMENT', message: t`the registry is empty: nothing to seal` });
    const minimum = o.minTimestamps ? Number(o.minTimestamps) : (policy?.require ?? tsas.length);
    const { stamps } = await obtainUnderPolicy(
      tsas,
      Buffer.from(head.hash, 'hex'),
      { minimum, ...(policy ? { policy } : {}) },
      {
        timeoutMs,
        random: ctx.random,
        now: ctx.now,
        anchors: [],
        trust,
        proxy: proxyFromEnv(ctx.env),
        rateState: fileRateState(ctx.home),
      },
    );
    const tokens = stamps.map((st) => ({ tsa: st.url, token: toBase64(st.token), time: st.verification.info?.genTime ?? '' }));
    const ev = await s.append({ kind: 'seal', payload: { head: head.hash, events: head.seq, tokens } });
    if (ctx.json) printJson(ctx, { ok: true, seq: ev.seq, head: head.hash, events: head.seq, timestamps: tokens.map(({ tsa, time }) => ({ tsa, time })) });
    else {
      out(ctx, t`Sealed the registry: events 1–${head.seq}, head ${head.hash}`);
      for (const tk of tokens) out(ctx, t`  time     ${tk.time} (${tk.tsa})`);
    }
    return ExitCode.OK;
  });
}

export async function endCommand(ctx: CliContext, kind: 'retire' | 'destroy', id: string, o: { reason: string; identity?: string; passphraseFile?: string; receipts?: boolean }): Promise<number> {
  const { unlockIdentity } = await import('../common.js');
  const { endRegistration } = await import('../../core/registry/operations.js');
  const r = await withStore(ctx, async (s) => {
    await resolveRegistration(s, id); // an unknown id is refused before any passphrase is asked
    const signer = await unlockIdentity(ctx, o.identity, o.passphraseFile);
    return endRegistration(s, id, { kind, reason: o.reason, signer, now: ctx.now(), receipts: !!o.receipts });
  });
  if (ctx.json) printJson(ctx, { ok: true, id: r.registration.id, status: r.registration.status, reason: r.registration.reason, event: { seq: r.event.seq, hash: r.event.hash }, deletedReceipts: r.deleted });
  else {
    out(ctx, kind === 'retire' ? t`Retired ${r.registration.id} (it stays verifiable): ${o.reason}` : t`Destroyed ${r.registration.id}: its ${r.registration.count} entries' names and digests are removed; a signed tombstone remains`);
    for (const d of r.deleted) out(ctx, t`  deleted  ${shown(ctx, d)}`);
  }
  return ExitCode.OK;
}

function renderAdoptions(ctx: CliContext, list: readonly Adoption[]): void {
  for (const a of list) {
    if (a.outcome === 'adopted') out(ctx, t`  adopted  ${shown(ctx, a.receipt)} (${a.id!})`);
    else if (a.outcome === 'known') out(ctx, t`  known    ${shown(ctx, a.receipt)} (${a.id!}, on record already)`);
    else out(ctx, t`  refused  ${shown(ctx, a.receipt)}: ${a.reason!}`);
  }
}

const adoptionJson = (a: Adoption) => ({ receipt: a.receipt, outcome: a.outcome, ...(a.id ? { id: a.id } : {}), ...(a.reason ? { reason: a.reason.render() } : {}) });

export async function importCommand(ctx: CliContext, inputs: string[], o: { trust: string[] }): Promise<number> {
  const [{ verifySettings }, { adoptReceipts, receiptFiles }] = await Promise.all([import('../common.js'), import('../../core/registry/operations.js')]);
  const files = await receiptFiles(inputs, ctx.cwd);
  if (!files.length) throw new InputError({ code: 'NO_FILES', message: t`no receipts (*.tsproof.json) found` });
  const vctx = { ...(await verifySettings(ctx, { trust: o.trust })), now: ctx.now() };
  const list = await withStore(ctx, (s) => adoptReceipts(s, files, 'import', vctx));
  const ok = list.every((a) => a.outcome !== 'refused');
  if (ctx.json) printJson(ctx, { ok, receipts: list.map(adoptionJson) });
  else {
    renderAdoptions(ctx, list);
    out(ctx, t`${list.filter((a) => a.outcome === 'adopted').length} adopted, ${list.filter((a) => a.outcome === 'known').length} on record already, ${list.filter((a) => a.outcome === 'refused').length} refused`);
  }
  return ok ? ExitCode.OK : ExitCode.VERIFY_FAILED;
}

export async function exportCommand(ctx: CliContext, o: { out?: string; force?: boolean }): Promise<number> {
  if (ctx.json && !o.out) throw new InputError({ code: 'BAD_ARGUMENT', message: t`registry export writes JSON Lines: with --json, give --out <file> (the summary goes to stdout)` });
  const [{ exportLines }, { writeAtomic }] = await Promise.all([import('../../core/registry/operations.js'), import('../../core/io/fs.js')]);
  // Read-only when there is a registry (an empty export, header only, when there is none).
  const s = (await openExistingRegistry(ctx.home, { ...opts(ctx), readOnly: true })) ?? (await openRegistry(ctx.home, opts(ctx)));
  try {
    const regs = await s.registrations();
    const lines = exportLines(s, regs, SCHEMA_VERSION);
    if (!o.out) {
      await writeChunks(ctx, lines);
      return ExitCode.OK;
    }
    const file = path.resolve(ctx.cwd, o.out);
    if (!o.force && existsSync(file)) throw new InputError({ code: 'BAD_ARGUMENT', message: t`${o.out} exists (--force replaces it)` });
    try {
      await writeAtomic(file, lines, 0o600);
    } catch (err) {
      // A missing folder, no permission, a read-only disk: bad input (exit 2), not a bug. Nothing is left behind.
      const code = (err as NodeJS.ErrnoException).code;
      if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) throw new InputError({ code: 'BAD_ARGUMENT', message: t`cannot write ${o.out} (${code}): is its folder there and writable?`, cause: err });
      throw err;
    }
    const stats = s.stats();
    if (ctx.json) printJson(ctx, { ok: true, out: o.out, ...stats });
    else out(ctx, t`Exported ${stats.registrations} registration(s), ${stats.entries} entries and ${stats.events} event(s) to ${o.out}`);
    return ExitCode.OK;
  } finally {
    s.close();
  }
}

/**
 * Recreates the registry from receipts: a new database is filled first; the old file (if any,
 * damaged or not) is then kept beside it as registry.db.replaced-<time>, never deleted.
 */
export async function rebuildCommand(ctx: CliContext, o: { from: string[]; trust: string[] }): Promise<number> {
  if (!o.from.length) throw new InputError({ code: 'BAD_ARGUMENT', message: t`registry rebuild needs --from <folder> (repeatable): where the receipts are` });
  const [{ verifySettings }, { adoptReceipts, receiptFiles }] = await Promise.all([import('../common.js'), import('../../core/registry/operations.js')]);
  const files = await receiptFiles(o.from, ctx.cwd);
  const vctx = { ...(await verifySettings(ctx, { trust: o.trust })), now: ctx.now() };
  const file = registryPath(ctx.home);
  const tmp = `${file}.rebuild-${process.pid}`;
  await rm(tmp, { force: true });
  const store = SqliteRegistry.open(tmp, opts(ctx));
  let list: Adoption[];
  try {
    list = await adoptReceipts(store, files, 'rebuild', vctx);
  } finally {
    store.close();
  }
  let kept: string | undefined;
  if (existsSync(file)) {
    kept = `${file}.replaced-${ctx.now().toISOString().replace(/[:.]/g, '-')}`;
    for (const suffix of ['-wal', '-shm']) if (existsSync(file + suffix)) await rename(file + suffix, kept + suffix);
    await rename(file, kept);
  }
  await rename(tmp, file);
  const adopted = list.filter((a) => a.outcome === 'adopted').length;
  if (ctx.json) printJson(ctx, { ok: true, registry: file, ...(kept ? { previous: kept } : {}), receipts: list.map(adoptionJson) });
  else {
    renderAdoptions(ctx, list);
    out(ctx, t`Rebuilt ${file} from ${adopted} receipt(s)`);
    if (kept) note(ctx, t`The previous registry is kept as ${kept}`);
  }
  return ExitCode.OK;
}
