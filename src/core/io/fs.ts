/** Small file-system helpers shared by the core. */
import { constants } from 'node:fs';
import { access, chmod, mkdir, mkdtemp, open, readdir, rename, rm, rmdir, unlink } from 'node:fs/promises';
import path from 'node:path';
import { InputError, LimitError } from '../errors.js';
import { formatBytes, LIMITS } from '../limits.js';
import { t, type Text } from '../text.js';

export async function exists(p: string): Promise<boolean> {
  try {
    await access(p);
    return true;
  } catch {
    return false;
  }
}

/**
 * A JSON settings file: undefined when it does not exist (or cannot be read), the parsed
 * value otherwise; a file that is not JSON is a BAD_CONFIG error naming it.
 */
export async function readJsonFile(file: string): Promise<unknown> {
  // Bounded (docs/limits.md): a huge or runaway file is refused before it is read.
  const bytes = await readBounded(file, LIMITS.configBytes, t`a JSON settings file`);
  return bytes === undefined ? undefined : parseJsonSettings(bytes, file);
}

/** The bytes of a JSON settings file (read within its limit) parsed; not JSON is a BAD_CONFIG error naming `file`. */
export function parseJsonSettings(bytes: Uint8Array, file: string): unknown {
  try {
    return JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8')) as unknown;
  } catch {
    throw new InputError({ code: 'BAD_CONFIG', message: t`${file}: not valid JSON` });
  }
}

/** Whether process `pid` still runs, on this machine (EPERM: it runs as someone else). */
export function processRuns(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes what a killed writer left of its temporary copy: entries of `dir` named `<prefix><pid>-…`
 * whose process is gone (a SIGKILL or a power cut leaves them; the next write of the same file or
 * folder sweeps them). A live process's temporary copy is left alone.
 */
export async function sweepDeadTemporaries(dir: string, prefix: string): Promise<void> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return;
  }
  for (const n of names) {
    if (!n.startsWith(prefix)) continue;
    const pid = Number(/^(\d+)-/.exec(n.slice(prefix.length))?.[1]);
    if (!pid || pid === process.pid || processRuns(pid)) continue;
    await rm(path.join(dir, n), { recursive: true, force: true }).catch(() => undefined);
  }
}

/** Writes a file so that readers see the old content or the new, never a part. */
export async function writeAtomic(file: string, data: string | Uint8Array | Iterable<string>, mode = 0o644): Promise<void> {
  await sweepDeadTemporaries(path.dirname(file), `${path.basename(file)}.tmp-`);
  const tmp = `${file}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
  const fh = await open(tmp, 'wx', mode);
  try {
    if (typeof data === 'string' || data instanceof Uint8Array) await fh.writeFile(data);
    else for (const chunk of data) await fh.write(chunk);
    await fh.sync();
  } catch (err) {
    await fh.close();
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
  await fh.close();
  await rename(tmp, file);
}

/** One file of a folder written by `writeNewFolder`. */
export interface FolderFile {
  /** POSIX path inside the folder: no empty, `.` or `..` segment. */
  path: string;
  data: string | Uint8Array;
  executable?: boolean;
}

/**
 * Writes a folder that did not exist, all at once: readers see the whole folder or nothing.
 *
 * Built in a fresh temporary folder beside `dest` (mkdtemp: an unpredictable name, mode 0700,
 * never one that already existed — a folder or link planted at a guessable name is neither
 * adopted nor followed), in which every subfolder is made new (not recursively) and every file
 * is opened with O_CREAT|O_EXCL|O_NOFOLLOW. Then `dest` is claimed with mkdir, which fails on
 * anything already there — a folder, a file, a link, even a dangling one — and the finished
 * folder is renamed onto that claim. `shown` names `dest` in messages.
 */
export async function writeNewFolder(dest: string, files: Iterable<FolderFile>, shown: string): Promise<void> {
  const parent = path.dirname(dest);
  let tmp: string;
  try {
    await mkdir(parent, { recursive: true });
    tmp = await mkdtemp(path.join(parent, `.${path.basename(dest)}.tmp-`));
  } catch (err) {
    throw cannotWrite(shown, err);
  }
  try {
    const made = new Set<string>();
    for (const f of files) {
      const parts = f.path.split('/');
      if (parts.some((p) => p === '' || p === '.' || p === '..')) throw new Error(`writeNewFolder: bad path ${JSON.stringify(f.path)}`);
      for (let i = 1; i < parts.length; i++) {
        const sub = parts.slice(0, i).join('/');
        if (made.has(sub)) continue;
        await mkdir(path.join(tmp, ...parts.slice(0, i)));
        made.add(sub);
      }
      const fh = await open(path.join(tmp, ...parts), constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0), f.executable ? 0o755 : 0o644);
      try {
        await fh.writeFile(f.data);
      } finally {
        await fh.close();
      }
    }
    // The folder ends with the permissions a plain mkdir would have given it.
    await chmod(tmp, 0o777 & ~process.umask());
    try {
      await mkdir(dest);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new InputError({ code: 'BAD_ARGUMENT', message: t`${shown} already exists` });
      throw err;
    }
    try {
      // Replaces the empty folder just made, atomically.
      await rename(tmp, dest);
    } catch (err) {
      await rmdir(dest).catch(() => undefined);
      throw err;
    }
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    throw err instanceof InputError || !(err as NodeJS.ErrnoException).code ? err : cannotWrite(shown, err);
  }
}

function cannotWrite(shown: string, err: unknown): InputError {
  const e = err as NodeJS.ErrnoException;
  return new InputError({ code: 'BAD_ARGUMENT', message: t`cannot write ${shown}: ${e.code ?? e.message}`, cause: err });
}

/**
 * Reads a whole file that must not be larger than `limit` bytes (docs/limits.md): the size is
 * checked before reading, so a huge file is refused at once. Undefined when it cannot be read.
 */
export async function readBounded(file: string, limit: number, what: Text): Promise<Buffer | undefined> {
  let fh;
  try {
    fh = await open(file, 'r');
  } catch {
    return undefined;
  }
  try {
    const size = (await fh.stat()).size;
    if (size > limit) throw new LimitError(t`${file}: ${what} of ${formatBytes(size)} is beyond the limit of ${formatBytes(limit)}`, { named: true });
    const buf = Buffer.allocUnsafe(size);
    let at = 0;
    // Read what stat promised and not a byte more (the file may grow meanwhile).
    while (at < size) {
      const { bytesRead } = await fh.read(buf, at, size - at, null);
      if (bytesRead === 0) break;
      at += bytesRead;
    }
    if (at === size && (await fh.read(Buffer.alloc(1), 0, 1, null)).bytesRead > 0) {
      throw new LimitError(t`${file}: ${what} grew while it was read`, { named: true });
    }
    return buf.subarray(0, at);
  } catch (err) {
    if (err instanceof LimitError) throw err;
    return undefined;
  } finally {
    await fh.close();
  }
}
