/**
 * `escrow deposit`: the files are registered exactly as `register` registers them (one receipt)
 * and, at the same time, sealed — packed as a tar stream under their registered names and
 * encrypted for the recipients (envelope.ts) — into a new file beside the destination. The
 * sealing worker reads each file once; this thread hashes the same bytes, segment by segment,
 * for the registration (seal.ts), so the registered digests are of exactly what is sealed. Then the receipt and the depositor's signed deposit statement are
 * appended, and the file is renamed into place: a failure leaves nothing.
 */
import { randomUUID, createHash } from 'node:crypto';
import { lstat, open, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { der } from '../asn1/der.js';
import { ESCROW_MAC_ATTRIBUTE, ESCROW_RECEIPT_ATTRIBUTE, ESCROW_STATEMENT_ATTRIBUTE } from '../asn1/oids.js';
import { attribute } from '../cms/build.js';
import { InputError, InternalError } from '../errors.js';
import { fileError, type hashFiles } from '../hash/engine.js';
import { writeBatchLeaf } from '../receipt/leaf.ts';
import { exists } from '../io/fs.js';
import { register, type RegisterOptions, type Registration } from '../register.js';
import { serializeReceipt } from '../receipt/receipt.js';
import { toHex } from '../bytes.js';
import { envelopeHead, envelopeTail, macAttributeValue } from './envelope.js';
import { recipientInfo, type Recipient } from './recipients.js';
import { sealInWorker, SealFailed } from './seal.js';
import { partyOf, signDocument, type DepositStatement } from './statements.js';
import type { ContentCipherName, SealFile, SealKeys } from './seal-stream.ts';
import type { FileRef } from '../io/files.js';
import { t } from '../text.js';

export interface DepositOptions extends Omit<RegisterOptions, 'skip' | 'pool' | 'hasher'> {
  /** The escrow agent first, then any beneficiaries. */
  recipients: readonly Recipient[];
  /** The deposit file to create (absolute; must not exist). */
  out: string;
  /** The deposit this one updates: its statement id and the SHA-256 of its file. */
  previous?: { id: string; sha256: string };
  /** The content encryption (default aes-256-cbc with its GMAC, which every OpenSSL opens). */
  cipher?: ContentCipherName;
}

export interface Deposit {
  registration: Registration;
  statement: DepositStatement;
  /** The statement as signed (ContentInfo SignedData), as the deposit carries it. */
  statementCms: Uint8Array;
  /** The deposit file, its size, and the sizes of the archive and its ciphertext. */
  out: string;
  bytes: number;
  archiveBytes: number;
}

export async function deposit(o: DepositOptions): Promise<Deposit> {
  if (o.recipients.length === 0) throw new InputError({ code: 'BAD_ARGUMENT', message: t`a deposit needs at least one recipient (--to <agent certificate>)` });
  if (new Set(o.recipients.map((r) => r.certificate.sha256)).size !== o.recipients.length) throw new InputError({ code: 'BAD_ARGUMENT', message: t`the same recipient certificate is given twice` });
  if (o.files.length === 0) throw new InputError({ code: 'NO_FILES', message: t`no files to deposit` });
  if (await exists(o.out)) throw new InputError({ code: 'BAD_ARGUMENT', message: t`${path.basename(o.out)} already exists (a deposit is never overwritten)` });
  const files = await snapshot(o.files);
  const cipher = o.cipher ?? 'aes-256-cbc';
  const keys: SealKeys = { cipher, key: o.random(32), iv: o.random(cipher === 'aes-256-gcm' ? 12 : 16), ...(cipher === 'aes-256-cbc' ? { macNonce: o.random(12) } : {}) };
  const head = envelopeHead(
    cipher,
    o.recipients.map((r) => recipientInfo(r, keys.key)),
    keys.iv,
  );

  const tmp = `${o.out}.tmp-${process.pid}-${toHex(o.random(4))}`;
  const fh = await open(tmp, 'wx', 0o600);
  let sealing: ReturnType<typeof sealInWorker> | undefined;
  try {
    await fh.writeFile(head);
    await fh.close();
    // The worker reads each file once; this thread hashes what it read for the registration.
    const s = sealInWorker(files, tmp, keys, o.algorithms);
    sealing = s;
    const mapped = (err: unknown) => {
      throw err instanceof SealFailed ? sealError(err, files) : err;
    };
    const hasher: typeof hashFiles = async (targets, ho) => {
      ho.progress?.(() => s.progress());
      const digests = await s.digests.catch(mapped);
      // The same files in the same order (register hashes o.files, which were snapshotted).
      if (targets.length !== files.length || targets.some((x, i) => x.path !== files[i]!.path)) throw new InternalError({ code: 'INTERNAL', message: t`the registration and the archive list different files` });
      if (ho.leaves) digests.forEach((d, i) => writeBatchLeaf(ho.leaves!, i, d));
      return digests;
    };
    // Registration and sealing run side by side; the first failure ends both.
    const registering = register({ ...o, hasher });
    registering.catch(() => undefined);
    const sealed = s.done.catch(mapped);
    const [registration, seal] = await Promise.all([registering, sealed]);
    if (registration.kind !== 'registered') throw new InternalError({ code: 'INTERNAL', message: t`the registration left files out` });
    await unchanged(files, registration);

    // What the deposit says about itself, signed by the holder who registered the files.
    const key = await o.identity.key;
    const receiptBytes = new Uint8Array(Buffer.from(serializeReceipt(registration.receipt), 'utf8'));
    const m = registration.manifest;
    const statement: DepositStatement = {
      format: 'tsproof.escrow.deposit',
      version: 1,
      id: randomUUID(),
      created: o.now().toISOString(),
      receipt: {
        id: registration.receipt.id,
        sha256: toHex(createHash('sha256').update(receiptBytes).digest()),
        algorithm: m.merkle.algorithm,
        merkleRoot: m.merkle.root,
        files: registration.receipt.entries.length,
        bytes: registration.receipt.entries.reduce((n, e) => n + e.size, 0),
      },
      archive: { format: 'tar', bytes: seal.archiveBytes },
      encryption: { content: cipher, mac: toHex(seal.tag) },
      recipients: o.recipients.map((r, i) => ({ role: i === 0 ? 'agent' : 'beneficiary', scheme: r.kind, ...partyOf(r.certificate), issuer: r.certificate.issuer, serial: r.certificate.serialHex })),
      ...(o.previous ? { previous: o.previous } : {}),
    };
    const signed = signDocument(statement, { key, chain: o.identity.chain }, new Date(statement.created));
    const attributes = [attribute(ESCROW_RECEIPT_ATTRIBUTE, der.octetString(receiptBytes)), attribute(ESCROW_STATEMENT_ATTRIBUTE, signed)];
    if (cipher === 'aes-256-cbc') attributes.push(attribute(ESCROW_MAC_ATTRIBUTE, macAttributeValue(keys.macNonce!, seal.tag)));
    const tail = envelopeTail(cipher, seal.tag, attributes);
    const out = await open(tmp, 'a');
    try {
      await out.writeFile(tail);
      await out.sync();
    } finally {
      await out.close();
    }
    await rename(tmp, o.out);
    const bytes = (await lstat(o.out)).size;
    return { registration, statement, statementCms: signed, out: o.out, bytes, archiveBytes: seal.archiveBytes };
  } catch (err) {
    await sealing?.cancel();
    await fh.close().catch(() => undefined);
    await rm(tmp, { force: true });
    throw err;
  }
}

/** Each file's identity before anything reads it: sealing and the final check compare against it. */
async function snapshot(files: readonly FileRef[]): Promise<SealFile[]> {
  return Promise.all(
    files.map(async (f) => {
      let st;
      try {
        st = await lstat(f.absolute);
      } catch (err) {
        throw fileError((err as NodeJS.ErrnoException).code, f.name);
      }
      if (!st.isFile()) throw new InputError({ code: 'FILE_UNREADABLE', message: t`${f.name}: not a regular file` });
      return { path: f.absolute, name: f.name, size: st.size, mode: st.mode & 0o111 ? 0o755 : 0o644, mtime: Math.floor(st.mtimeMs / 1000), ino: st.ino, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs };
    }),
  );
}

function changed(name: string): InputError {
  return new InputError({ code: 'FILE_CHANGED', message: t`${name} changed while it was being deposited; nothing was written (deposit it again when it is stable)` });
}

function sealError(err: SealFailed, files: readonly SealFile[]): Error {
  const f = files[err.failure.index];
  if (!f) return new InternalError({ code: 'INTERNAL', message: t`sealing failed (${err.failure.errno ?? err.failure.kind})` });
  return err.failure.kind === 'changed' ? changed(f.name) : fileError(err.failure.errno, f.name);
}

/** The registration read the same bytes the archive holds: nothing changed since the snapshot. */
async function unchanged(files: readonly SealFile[], reg: Registration): Promise<void> {
  for (const [i, f] of files.entries()) {
    const st = await lstat(f.path).catch(() => undefined);
    const e = reg.receipt.entries[i];
    if (!st || st.size !== f.size || st.mtimeMs !== f.mtimeMs || st.ctimeMs !== f.ctimeMs || st.ino !== f.ino || e?.name !== f.name || e.size !== f.size) throw changed(f.name);
  }
}
