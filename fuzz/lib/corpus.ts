/** Where the seeds are, and the fixed facts the corpus was made with (fuzz/make-corpus.ts). */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const PKI = path.join(ROOT, 'fixtures', 'pki');
export const NPKI = path.join(ROOT, 'fixtures', 'npki');
export const SHARED_INTEROP = path.resolve(ROOT, '..', 'shared', 'interop');
/** The corpus clock: tokens' genTime, receipts' registration time. */
export const FUZZ_NOW = new Date('2026-06-01T00:00:00Z');
/** The data every seed token's imprint is over. */
export const FUZZ_IMPRINT_DATA = new TextEncoder().encode('tsproof fuzz corpus');
export const PASSPHRASE = 'test-passphrase';
export const KOREAN_PASSWORD = '한글-비밀번호-7';

/** The committed seeds of a target (sorted by name). */
export function seedFiles(target: string): { name: string; bytes: Uint8Array }[] {
  const dir = path.join(ROOT, 'fuzz', 'corpus', target);
  if (!existsSync(dir)) throw new Error(`no seed corpus for ${target}: run node fuzz/make-corpus.ts`);
  return readdirSync(dir)
    .sort()
    .map((name) => ({ name, bytes: new Uint8Array(readFileSync(path.join(dir, name))) }));
}

export const seeds = (target: string): Uint8Array[] => seedFiles(target).map((s) => s.bytes);

/** Files of the real-world corpus in ../shared/interop (used in place when present, never copied). */
export function sharedFiles(sub: string, accept: (name: string) => boolean): Uint8Array[] {
  const dir = path.join(SHARED_INTEROP, sub);
  if (!existsSync(dir)) return [];
  const out: Uint8Array[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (accept(e.name)) out.push(new Uint8Array(readFileSync(p)));
    }
  };
  walk(dir);
  return out;
}
