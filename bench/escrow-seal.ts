/**
 * The encryption part of an escrow deposit, alone, for bench/escrow.ts: the files packed as the
 * deposit's tar stream, encrypted (AES-256-CBC with its GMAC over the ciphertext, or
 * AES-256-GCM) and written by the very pipeline `escrow deposit` runs (dist/core/escrow/seal.js:
 * the sealing worker, the main thread writing) — without the registration (hashing, signature,
 * timestamp), the envelope's recipients and attributes (a few kilobytes), or the fsync.
 *
 *   node bench/escrow-seal.ts <out> <aes-256-cbc|aes-256-gcm> <file>…   (files relative to the cwd)
 */
import { randomBytes } from 'node:crypto';
import { lstatSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { sealInWorker } from '../dist/core/escrow/seal.js';

const [out, cipher, ...names] = process.argv.slice(2);
if (!out || (cipher !== 'aes-256-cbc' && cipher !== 'aes-256-gcm') || names.length === 0) throw new Error('usage: escrow-seal.ts <out> <cipher> <file>…');
const files = names.map((name) => {
  const st = lstatSync(name);
  return { path: path.resolve(name), name, size: st.size, mode: 0o644, mtime: Math.floor(st.mtimeMs / 1000), ino: st.ino, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs };
});
writeFileSync(out, '', { flag: 'wx' });
const keys = { cipher, key: randomBytes(32), iv: randomBytes(cipher === 'aes-256-gcm' ? 12 : 16), macNonce: randomBytes(12) } as const;
const sealed = await sealInWorker(files, out, keys, []).done;
console.log(JSON.stringify({ archiveBytes: sealed.archiveBytes, ciphertextBytes: sealed.ciphertextBytes }));
