/**
 * Signed tree heads of the organisation log (docs/org-registry.md#tree-heads): the log's size and
 * root at a time, signed by the log's own Ed25519 key. The log id is the SHA-256 of that key
 * (SubjectPublicKeyInfo, DER). Signed bytes, UTF-8, one field a line:
 *
 *   tsproof-org-log-tree-head-v1\n<log id hex>\n<size>\n<root hex>\n<timestamp ms>\n
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { InputError } from '../errors.js';
import { writeAtomic } from '../io/fs.js';
import { t } from '../text.js';
import { sha256Hex } from './records.js';

export interface TreeHead {
  size: number;
  /** Root hash, hex. */
  root: string;
  /** Milliseconds since the epoch, when the head was signed. */
  timestamp: number;
}

export interface SignedTreeHead extends TreeHead {
  logId: string;
  /** Ed25519 signature over {@link treeHeadBytes}, base64. */
  signature: string;
}

export function treeHeadBytes(logId: string, h: TreeHead): Buffer {
  return Buffer.from(`tsproof-org-log-tree-head-v1\n${logId}\n${h.size}\n${h.root}\n${h.timestamp}\n`, 'utf8');
}

export function logIdOf(publicKey: KeyObject): string {
  return sha256Hex(publicKey.export({ type: 'spki', format: 'der' }));
}

export interface LogKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  logId: string;
}

export function signTreeHead(key: LogKey, h: TreeHead): SignedTreeHead {
  return { ...h, logId: key.logId, signature: sign(null, treeHeadBytes(key.logId, h), key.privateKey).toString('base64') };
}

/** Whether `sth` is signed by `publicKey` (and names that key's log id). */
export function verifyTreeHead(publicKey: KeyObject, sth: SignedTreeHead): boolean {
  if (sth.logId !== logIdOf(publicKey)) return false;
  try {
    return verify(null, treeHeadBytes(sth.logId, sth), publicKey, Buffer.from(sth.signature, 'base64'));
  } catch {
    return false;
  }
}

export function publicKeyFromPem(pem: string): KeyObject {
  const k = createPublicKey(pem);
  if (k.asymmetricKeyType !== 'ed25519') throw new InputError({ code: 'MALFORMED_KEY', message: t`the log key is ${k.asymmetricKeyType ?? 'unknown'}, expected Ed25519` });
  return k;
}

/** The log's key from a PEM file (PKCS#8, Ed25519), created (owner-only) when the file does not exist. */
export async function loadOrCreateLogKey(file: string): Promise<LogKey & { created: boolean }> {
  let pem: string | undefined;
  try {
    pem = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new InputError({ code: 'FILE_UNREADABLE', message: t`${file}: cannot read` });
  }
  let created = false;
  let privateKey: KeyObject;
  if (pem === undefined) {
    privateKey = generateKeyPairSync('ed25519').privateKey;
    await writeAtomic(file, privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, 0o600);
    created = true;
  } else {
    try {
      privateKey = createPrivateKey(pem);
    } catch {
      throw new InputError({ code: 'MALFORMED_KEY', message: t`${file}: not a PEM private key` });
    }
    if (privateKey.asymmetricKeyType !== 'ed25519') throw new InputError({ code: 'MALFORMED_KEY', message: t`${file}: the log key must be Ed25519` });
  }
  const publicKey = createPublicKey(privateKey);
  return { privateKey, publicKey, logId: logIdOf(publicKey), created };
}
