/**
 * Folders and files that decide what tsproof trusts — trust anchors, holder keys and chains, the
 * bundled TSA's key — must be writable by their owner alone, and owned by the user running
 * tsproof (or root), as ssh requires of ~/.ssh: otherwise another user could drop a root of their
 * own into trust/ and have it taken for an anchor, or swap a key. Checked on $TSPROOF_HOME, its
 * parents inside the user's home folder (a sticky parent such as /tmp is fine), and each folder
 * and file below it that is read; a missing one is not an error (there is nothing to load).
 * See docs/home.md.
 */
import { stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { InputError } from '../errors.js';
import { t } from '../text.js';

const STICKY = 0o1000;

/** The user tsproof runs as, or undefined where there are no POSIX owners (Windows). */
function currentUid(): number | undefined {
  return process.getuid?.();
}

/**
 * Refuses `p` when others may write it (group or world write permission; for a parent folder,
 * unless it is sticky) or when it belongs to a user other than `uid` and root.
 */
export async function assertPrivate(p: string, o: { parent?: boolean; uid?: number } = {}): Promise<void> {
  const uid = o.uid ?? currentUid();
  if (uid === undefined) return;
  let st;
  try {
    st = await stat(p);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR') return;
    throw err;
  }
  const mode = (st.mode & 0o7777).toString(8).padStart(4, '0');
  if (st.mode & 0o022 && !(o.parent && st.isDirectory() && st.mode & STICKY)) {
    throw new InputError({
      code: 'UNSAFE_PERMISSIONS',
      message: t`${p} is writable by other users (mode ${mode}): anyone could plant a trust anchor or swap a key there, so tsproof loads none from it; fix it with: chmod go-w ${p}`,
    });
  }
  if (st.uid !== uid && st.uid !== 0) {
    throw new InputError({
      code: 'UNSAFE_PERMISSIONS',
      message: t`${p} belongs to another user (uid ${st.uid}, you are ${uid}): they could plant a trust anchor or swap a key there, so tsproof loads none from it; fix it with: chown ${uid} ${p} (or use a TSPROOF_HOME of your own)`,
    });
  }
}

/**
 * Checks $TSPROOF_HOME before anchors or keys are read from it: its parents inside the user's
 * home folder, the home itself, then `below` (folders and files under it), in that order.
 */
export async function assertPrivateHome(home: string, below: readonly string[] = [], userHome = os.homedir()): Promise<void> {
  const parents: string[] = [];
  const inside = path.relative(userHome, home);
  if (inside && !inside.startsWith('..') && !path.isAbsolute(inside)) {
    for (let p = path.dirname(home); ; p = path.dirname(p)) {
      parents.unshift(p);
      if (p === userHome || p === path.dirname(p)) break;
    }
  }
  for (const p of parents) await assertPrivate(p, { parent: true });
  await assertPrivate(home);
  for (const p of below) await assertPrivate(p);
}
