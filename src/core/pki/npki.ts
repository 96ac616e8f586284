/**
 * Korean NPKI (공동인증서, formerly 공인인증서) certificate folders:
 *   <root>/NPKI/<CA>/USER/<subject>/signCert.der   — the signing certificate (DER)
 *                                   signPri.key    — its key: PKCS#8 EncryptedPrivateKeyInfo,
 *     KISA seedCBCWithSHA1 (legacy) or PBES2 with PBKDF2 and SEED-CBC (see pbe.ts).
 * (kmCert.der / kmPri.key, the key-management pair, are not used for signing.)
 */
import { readFile, readdir, stat, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { KeyObject } from 'node:crypto';
import { InputError, messageOf } from '../errors.js';
import { Certificate, parseCertificates, type KeyUsage } from './certificate.js';
import { keyMatchesCertificate, loadPrivateKey } from './keys.js';
import { buildPath } from './chain.js';
import { encryptPrivateKeyInfo } from './pbe.js';
import { t, type Text } from '../text.js';

export const NPKI_CERT = 'signCert.der';
export const NPKI_KEY = 'signPri.key';

export async function readNpkiFolder(dir: string, password: string): Promise<{ key: KeyObject; chain: Certificate[] }> {
  const read = async (f: string) => {
    try {
      return new Uint8Array(await readFile(path.join(dir, f)));
    } catch {
      throw new InputError({ code: 'FILE_NOT_FOUND', message: t`${dir}: no ${f} (an NPKI folder holds signCert.der and signPri.key)` });
    }
  };
  const cert = Certificate.fromDER(await read(NPKI_CERT), path.join(dir, NPKI_CERT));
  const key = await loadPrivateKey(await read(NPKI_KEY), password, path.join(dir, NPKI_KEY));
  if (!keyMatchesCertificate(key, cert)) throw new InputError({ code: 'KEY_MISMATCH', message: t`${dir}: signPri.key does not belong to signCert.der` });
  return { key, chain: [cert] };
}

/**
 * CA certificates kept next to an NPKI certificate folder — in it, or in the folders above it up
 * to the `NPKI` folder (`NPKI/<CA>/USER/<subject>/`: three levels): Korean signing software often
 * keeps the CA's certificates there (`*.der`, `*.cer`, `*.crt`, `*.pem`). Only CA certificates
 * that parse are returned, each with the file it came from; whether one issues the holder
 * certificate is for {@link issuersOf} to decide.
 */
export async function caCertificatesNear(dir: string): Promise<{ certificate: Certificate; file: string }[]> {
  const out: { certificate: Certificate; file: string }[] = [];
  let at = path.resolve(dir);
  for (let level = 0; level < 4; level++) {
    let names: string[] = [];
    try {
      names = (await readdir(at, { withFileTypes: true })).filter((e) => e.isFile() && /\.(der|cer|crt|pem)$/i.test(e.name) && !/^(sign|km)Cert\.der$/i.test(e.name)).map((e) => e.name);
    } catch {
      // an unreadable folder holds nothing for us
    }
    for (const n of names.sort().slice(0, 64)) {
      const f = path.join(at, n);
      try {
        if ((await stat(f)).size > 64 * 1024) continue;
        for (const c of parseCertificates(new Uint8Array(await readFile(f)), f)) if (c.isCA) out.push({ certificate: c, file: f });
      } catch {
        // not a certificate: not a candidate
      }
    }
    if (path.basename(at).toUpperCase() === 'NPKI') break;
    const up = path.dirname(at);
    if (up === at) break;
    at = up;
  }
  return out;
}

/**
 * The CA certificates among `candidates` that issue `leaf` and each other, leaf's issuer first
 * (signatures checked, as a verifier will); the rest play no part in its path.
 */
export function issuersOf(leaf: Certificate, candidates: readonly Certificate[], at: Date): Certificate[] {
  return buildPath(leaf, candidates, [], { at }).path.slice(1);
}

/** Writes an NPKI folder (tests and fixtures): the legacy seedCBCWithSHA1 form or PBES2/SEED-CBC. */
export async function writeNpkiFolder(dir: string, key: KeyObject, cert: Certificate, password: string, form: 'seed-cbc-sha1' | 'pbes2-seed'): Promise<void> {
  const pkcs8 = new Uint8Array(key.export({ type: 'pkcs8', format: 'der' }));
  const enc = await encryptPrivateKeyInfo(pkcs8, password, form === 'seed-cbc-sha1' ? { kind: 'seed-cbc-sha1', iterations: 2048 } : { kind: 'pbes2-pbkdf2', iterations: 2048, prf: 'sha256', cipher: 'seed-cbc' });
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, NPKI_CERT), cert.der);
  await writeFile(path.join(dir, NPKI_KEY), enc, { mode: 0o600 });
}

export interface NpkiCandidate {
  dir: string;
  subject: string;
  commonName?: string;
  issuer: string;
  /** The issuing CA's organisation (yessign, SignKorea, CrossCert, KICA, …). */
  ca: string;
  notBefore: string;
  notAfter: string;
  keyUsage: KeyUsage[];
  expired: boolean;
}

/** Where NPKI folders usually live on this platform (plus removable drives). */
export async function defaultNpkiRoots(env: NodeJS.ProcessEnv, platform: NodeJS.Platform, home: string): Promise<string[]> {
  const roots: string[] = [];
  if (platform === 'win32') {
    const profile = env.USERPROFILE ?? home;
    roots.push(path.join(profile, 'AppData', 'LocalLow', 'NPKI'));
    if (env.APPDATA) roots.push(path.join(env.APPDATA, 'NPKI'));
    for (const d of 'CDEFGHIJKLMNOPQRSTUVWXYZ') roots.push(`${d}:\\NPKI`);
  } else if (platform === 'darwin') {
    roots.push(path.join(home, 'Library', 'Preferences', 'NPKI'), path.join(home, 'NPKI'));
    roots.push(...(await subdirs('/Volumes')).map((v) => path.join(v, 'NPKI')));
  } else {
    roots.push(path.join(home, 'NPKI'), path.join(home, '.npki'));
    for (const base of ['/media', '/mnt', `/run/media/${env.USER ?? ''}`, `/media/${env.USER ?? ''}`]) {
      roots.push(...(await subdirs(base)).map((v) => path.join(v, 'NPKI')));
    }
  }
  return [...new Set(roots)];
}

async function subdirs(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => path.join(dir, e.name));
  } catch {
    return [];
  }
}

/** Finds every folder holding signCert.der below the roots (a few levels deep), and describes each certificate. */
export async function scanNpki(roots: readonly string[], now: Date): Promise<{ found: NpkiCandidate[]; problems: { dir: string; reason: Text }[] }> {
  const found: NpkiCandidate[] = [];
  const problems: { dir: string; reason: Text }[] = [];
  const visit = async (dir: string, depth: number): Promise<void> => {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    if (entries.some((e) => e.isFile() && e.name === NPKI_CERT)) {
      try {
        const c = Certificate.fromDER(new Uint8Array(await readFile(path.join(dir, NPKI_CERT))));
        const ca = c.issuerAttrs.find((a) => a.shortName === 'O')?.value ?? c.issuer;
        const cand: NpkiCandidate = {
          dir,
          subject: c.subject,
          issuer: c.issuer,
          ca,
          notBefore: c.notBefore.toISOString(),
          notAfter: c.notAfter.toISOString(),
          keyUsage: [...(c.keyUsage ?? [])],
          expired: now > c.notAfter,
        };
        if (c.commonName) cand.commonName = c.commonName;
        found.push(cand);
      } catch (err) {
        problems.push({ dir, reason: messageOf(err) });
      }
    }
    if (depth === 0) return;
    for (const e of entries) if (e.isDirectory()) await visit(path.join(dir, e.name), depth - 1);
  };
  for (const r of roots) {
    try {
      if ((await stat(r)).isDirectory()) await visit(r, 4);
    } catch {
      // not present
    }
  }
  return { found, problems };
}
