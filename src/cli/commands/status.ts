/**
 * tsproof status (docs/registry.md): every file under the paths against the registry. Its own
 * module, apart from the other registry commands, so that the registry's modules (node:sqlite)
 * load while the files are hashed rather than before: the hashing lanes start first.
 */
import type { HashAlgorithm } from '../../core/crypto/algorithms.js';
import type { FileDigest, HashTarget, OnResult } from '../../core/hash/engine.js';
import { hasRegistry } from '../../core/registry/paths.js';
import type { FileStatus, StatusLookup } from '../../core/registry/query.js';
import type { SqliteRegistry } from '../../core/registry/sqlite.js';
import { joinTexts, t } from '../../core/text.js';
import type { WalkFlags } from '../common.js';
import type { CliContext } from '../context.js';
import { ExitCode } from '../exit.js';
import { out, printJson, translator, warn, writeChunks } from '../output.js';
import path from 'node:path';

const shortId = (id: string) => id.slice(0, 8);
const shown = (ctx: CliContext, p: string) => path.relative(ctx.cwd, p) || p;
/** Files looked up at a time while the others are hashed. */
const LOOKUP_BATCH = 500;

const line = (x: FileStatus) =>
  x.status === 'registered'
    ? t`  registered    ${x.file}  ${x.registration!.time} (${shortId(x.registration!.id)})`
    : x.status === 'modified'
      ? t`  modified      ${x.file}  since ${x.registration!.time} (${shortId(x.registration!.id)})`
      : t`  unregistered  ${x.file}`;

export async function statusCommand(ctx: CliContext, inputs: string[], o: WalkFlags): Promise<number> {
  const [engine, { collectFiles }, progress, { noteVcs, walkOptions }] = await Promise.all([import('../../core/hash/engine.js'), import('../../core/io/files.js'), import('../progress.js'), import('../common.js')]);
  const pool = engine.takeHashPool();
  let statuses: FileStatus[];
  // The lines of the output, rendered as the files are looked up (not with --json). Each of the
  // three templates is translated once, not once per file.
  const render = translator(ctx);
  let lines: string[] | undefined;
  try {
    // Files are named as hash and register name them (docs/files.md#names).
    const { files, skipped, excluded } = await collectFiles(inputs.length ? inputs : ['.'], ctx.cwd, walkOptions(o));
    for (const s of skipped) warn(ctx, t`skipped ${s.path}: ${s.reason}`);
    noteVcs(ctx, excluded);
    if (!ctx.json) lines = new Array(files.length);
    if (!hasRegistry(ctx.home)) statuses = files.map((f) => ({ file: f.name, status: 'unregistered' as const }));
    else {
      const targets: HashTarget[] = files.map((f) => ({ path: f.absolute, display: f.name }));
      const hash = async (algorithms: readonly HashAlgorithm[], onResult?: OnResult): Promise<FileDigest[]> => {
        const before = pool.progress();
        const bar = await progress.hashingProgress(ctx, files.length, progress.sizeOf(files));
        try {
          return await engine.hashFiles(targets, {
            algorithms,
            pool,
            // A second pass counts from where the first ended.
            progress: (read) => bar.attach(() => ({ bytes: read().bytes - before.bytes, files: read().files - before.files })),
            ...(onResult ? { onResult } : {}),
          });
        } finally {
          bar.stop();
        }
      };
      // Files hashed and not yet looked up. Once the registry is open (and SHA-256 is all it needs),
      // they are looked up — and their lines rendered — a batch at a time on this thread while the
      // others are still being hashed: the worker lanes (claiming files from one shared counter)
      // hash the more meanwhile.
      const entries = files.map((f) => ({ name: f.name, digests: {} as FileDigest['digests'] }));
      let pending: number[] = [];
      let lookup: StatusLookup | undefined;
      let looking = Promise.resolve();
      const lookUp = (l: StatusLookup, batch: readonly number[]) => {
        looking = looking.then(async () => {
          await l.lookUp(batch);
          if (lines) for (const i of batch) lines[i] = render(line(l.statuses[i]!));
        });
        looking.catch(() => undefined); // awaited after the hashing, whose errors come first
      };
      const flush = (min: number) => {
        if (lookup && pending.length >= min && pending.length > 0) {
          lookUp(lookup, pending);
          pending = [];
        }
      };
      // Hashing starts at once, with SHA-256 (what registrations record unless told otherwise);
      // the registry's modules load and it opens meanwhile.
      const hashing = hash(['sha256'], (i, d) => {
        entries[i]!.digests = d.digests;
        pending.push(i);
        flush(LOOKUP_BATCH);
      });
      hashing.catch(() => undefined); // awaited below; an error meanwhile (an unreadable file) is not unhandled
      const query = import('../../core/registry/query.js');
      let store: SqliteRegistry | undefined;
      try {
        store = await openStore(ctx);
      } catch (err) {
        // The registry's error (a corrupted file, a newer schema) is the one reported, as before any file is read.
        await pool.close();
        await hashing.catch(() => undefined); // ended by the close
        throw err;
      }
      try {
        if (!store) {
          await hashing;
          statuses = files.map((f) => ({ file: f.name, status: 'unregistered' as const }));
        } else {
          const { StatusLookup, lookupAlgorithms } = await query;
          const algs = lookupAlgorithms(await store.algorithmSets());
          if (algs.length === 1) lookup = new StatusLookup(store, entries);
          flush(LOOKUP_BATCH);
          await hashing;
          if (!lookup) {
            // Registrations that recorded no SHA-256 (register -a sha512): all files once more, with
            // every algorithm needed, so that each file's digests come from one reading.
            const digests = await hash(algs);
            digests.forEach((d, i) => (entries[i]!.digests = d.digests));
            lookup = new StatusLookup(store, entries);
            pending = files.map((_, i) => i);
          }
          flush(0);
          await looking;
          statuses = lookup.statuses;
        }
      } finally {
        store?.close();
      }
    }
  } finally {
    await pool.close();
  }
  const count = (st: string) => statuses.filter((x) => x.status === st).length;
  const by = new Map<string, number>();
  for (const x of statuses) if (x.status === 'registered') by.set(x.registration!.id, (by.get(x.registration!.id) ?? 0) + 1);
  const summary = { files: statuses.length, registered: count('registered'), modified: count('modified'), unregistered: count('unregistered'), byRegistration: Object.fromEntries(by) };
  const ok = summary.registered === summary.files;
  if (ctx.json) printJson(ctx, { ok, summary, files: statuses });
  else {
    // In 64 KiB writes, not one per file: 10,000 files were 10,000 write calls to a pipe.
    await writeChunks(
      ctx,
      (function* () {
        let chunk = '';
        for (const [i, x] of statuses.entries()) {
          chunk += `${lines?.[i] ?? render(line(x))}\n`;
          if (chunk.length > 1 << 16) {
            yield chunk;
            chunk = '';
          }
        }
        if (chunk) yield chunk;
      })(),
    );
    const parts = [...by].map(([id, n]) => t`${n} match ${shortId(id)}`);
    out(ctx, t`${summary.files} file(s): ${parts.length ? joinTexts(parts, ', ') : t`0 registered`}; ${summary.modified} modified; ${summary.unregistered} never registered`);
    // Where the proof of each registration named above is (once each, not on every file's line).
    const receipts = new Map<string, { time: string; receipt: string }>();
    for (const x of statuses) if (x.registration && !receipts.has(x.registration.id)) receipts.set(x.registration.id, x.registration);
    for (const [id, r] of receipts) out(ctx, t`  ${shortId(id)}  proven ${r.time}, receipt ${shown(ctx, r.receipt)}`);
  }
  return ok ? ExitCode.OK : ExitCode.VERIFY_FAILED;
}

/** Opened read-only, as the other commands that only read (a home nobody may write works too); undefined when there is none after all. */
async function openStore(ctx: CliContext): Promise<SqliteRegistry | undefined> {
  const { openExistingRegistry } = await import('../../core/registry/open.js');
  return openExistingRegistry(ctx.home, { now: ctx.now, readOnly: true });
}
