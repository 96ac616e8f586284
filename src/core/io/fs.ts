/** Small file-system helpers shared by the core. */
import { access, open, readFile, rename, unlink } from 'node:fs/promises';
import { InputError } from '../errors.js';
import { t } from '../text.js';

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
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return undefined;
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new InputError({ code: 'BAD_CONFIG', message: t`${file}: not valid JSON` });
  }
}

/** Writes a file so that readers see the old content or the new, never a part. */
export async function writeAtomic(file: string, data: string | Uint8Array | Iterable<string>, mode = 0o644): Promise<void> {
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
