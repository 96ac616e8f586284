/**
 * Opening a deposit for one recipient: the content key is recovered with the recipient's key,
 * the content decrypted as it is read, and the archive checked against the receipt as it streams
 * (archive.ts). `verifyDeposit` (the agent's 검증임치) keeps no plaintext anywhere; `releaseDeposit`
 * (a beneficiary) writes the files into a new folder beside the destination and renames it into
 * place only when every file matched and the authentication tag checked out.
 */
import { createHash, type KeyObject } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { InputError, VerificationError } from '../errors.js';
import { exists } from '../io/fs.js';
import { toHex } from '../bytes.js';
import { CheckList, type Check } from '../verify/checks.js';
import { ArchiveCheck, type FileResult } from './archive.js';
import { decryptContent } from './envelope.js';
import { openContentKey } from './recipients.js';
import { TarError, TarReader } from './tar-read.js';
import type { Certificate } from '../pki/certificate.js';
import type { DepositFile, DepositJudgement } from './open.js';
import { t, type Text } from '../text.js';

export interface UnsealOptions {
  deposit: DepositFile;
  judgement: DepositJudgement;
  /** The recipient: its private key and certificate. */
  identity: { key: KeyObject; certificate: Certificate };
}

export interface Unsealed {
  /** SHA-256 of the whole deposit file. */
  sha256: string;
  files: FileResult[];
  /** Bytes of registered content that matched. */
  bytes: number;
  archiveError?: Text;
}

async function unseal(o: UnsealOptions, extractTo?: string): Promise<Unsealed> {
  const d = o.deposit;
  const manifest = o.judgement.verification.manifest;
  if (!manifest) throw new VerificationError({ code: 'VERIFICATION_FAILED', message: t`the receipt's manifest cannot be read, so the deposit cannot be checked against it` });
  const cek = openContentKey(d.layout.recipientInfos, o.identity.key, o.identity.certificate);
  const check = new ArchiveCheck(o.judgement.receipt.entries, manifest.algorithms, extractTo);
  const tar = new TarReader(check);
  let archiveError: Text | undefined;
  const fileHash = createHash('sha256');
  const fh = await open(d.path, 'r');
  try {
    await decryptContent(
      fh,
      d.layout,
      cek,
      async (plain) => {
        // After a problem the rest is still decrypted (the tag covers all of it) but not parsed.
        if (archiveError || (extractTo && !check.clean)) return;
        try {
          await tar.push(plain);
        } catch (err) {
          if (!(err instanceof TarError)) throw err;
          archiveError = err.text;
        }
      },
      fileHash,
      d.what,
    );
  } finally {
    await fh.close();
    await check.abort();
  }
  if (!archiveError) {
    try {
      tar.finish();
    } catch (err) {
      if (!(err instanceof TarError)) throw err;
      archiveError = err.text;
    }
  }
  if (!archiveError && !(extractTo && !check.clean)) check.finish();
  return { sha256: fileHash.digest('hex'), files: check.results, bytes: check.bytes, ...(archiveError ? { archiveError } : {}) };
}

export interface DepositVerification extends Unsealed {
  ok: boolean;
  checks: Check[];
}

/** 검증임치: decrypts and checks every file against the receipt, writing nothing. */
export async function verifyDeposit(o: UnsealOptions): Promise<DepositVerification> {
  const u = await unseal(o);
  const checks = new CheckList();
  checks.items.push(...o.judgement.checks);
  checks.pass('deposit.recipient', t`opened with the key of "${o.identity.certificate.subject}"`);
  // The statement (when there is one) says which recipient is the escrow agent.
  const named = o.judgement.statement?.recipients.find((x) => x.certificateSha256 === o.identity.certificate.sha256);
  if (named) {
    if (named.role === 'agent') checks.pass('deposit.agent', t`"${o.identity.certificate.subject}" is the escrow agent the depositor named`);
    else checks.warn('deposit.agent', t`"${o.identity.certificate.subject}" is named as a beneficiary, not as the escrow agent`);
  }
  const layout = o.deposit.layout;
  if (layout.kind === 'authEnvelopedData') checks.pass('deposit.integrity', t`the authentication tag matches (${layout.cipher.name}): the content is as sealed`);
  else if (layout.gmac) checks.pass('deposit.integrity', t`the MAC matches (${layout.cipher.name} with AES-256-GMAC): the content is as sealed`);
  else checks.warn('deposit.integrity', t`the deposit has no MAC (${layout.cipher.name}, not written by tsproof): its content was checked file by file against the receipt instead`);
  fileChecks(checks, u, o.judgement.receipt.entries.length);
  return { ...u, ok: checks.ok, checks: checks.items };
}

function fileChecks(checks: CheckList, u: Unsealed, registered: number): void {
  if (u.archiveError) checks.fail('archive.structure', t`the archive is malformed: ${u.archiveError}`);
  else checks.pass('archive.structure', t`a well-formed tar archive`);
  const n = (s: FileResult['status']) => u.files.filter((f) => f.status === s).length;
  const bad = u.files.filter((f) => f.status !== 'matched');
  if (bad.length === 0 && !u.archiveError) checks.pass('archive.files', t`all ${registered} registered file(s) present, each matching its registered digests`);
  else checks.fail('archive.files', t`${n('matched')} of ${registered} matched; ${n('modified')} changed, ${n('missing')} missing, ${n('extra')} extra, ${n('refused')} refused`);
}

/** One line about a file that failed (its name, from the archive, is escaped when the text is shown). */
export function problemText(f: FileResult): Text {
  const name = f.name;
  switch (f.status) {
    case 'modified':
      return t`"${name}" differs from its registration: ${f.detail ?? ''}`;
    case 'missing':
      return t`"${name}" is registered but not in the deposit`;
    case 'extra':
      return t`"${name}" is in the deposit but not registered (${f.detail ?? ''})`;
    case 'refused':
      return t`"${name}" is refused: ${f.detail ?? ''}`;
    case 'matched':
      return t`"${name}" matches`;
  }
}

export interface Release extends Unsealed {
  out: string;
}

/**
 * Extracts the deposit into `out` (which must not exist) for a beneficiary. Refuses a deposit
 * whose receipt or statement does not check out, and stops at the first file that is not exactly
 * a registered one; the folder appears only when everything matched and the tag checked out.
 */
export async function releaseDeposit(o: UnsealOptions & { out: string; random: (n: number) => Uint8Array }): Promise<Release> {
  if (await exists(o.out)) throw new InputError({ code: 'BAD_ARGUMENT', message: t`${path.basename(o.out)} already exists (release into a new folder)` });
  if (!o.judgement.ok) {
    const first = o.judgement.checks.find((c) => !c.ok)!;
    throw new VerificationError({ code: 'VERIFICATION_FAILED', message: t`the deposit does not check out (${first.id}: ${first.detail}), so nothing was released` });
  }
  const tmp = `${o.out}.tmp-${process.pid}-${toHex(o.random(4))}`;
  await mkdir(tmp, { mode: 0o700 });
  try {
    const u = await unseal(o, tmp);
    if (u.archiveError) throw new VerificationError({ code: 'VERIFICATION_FAILED', message: t`the archive is malformed (${u.archiveError}), so nothing was released` });
    const bad = u.files.find((f) => f.status !== 'matched');
    if (bad) throw new VerificationError({ code: 'VERIFICATION_FAILED', message: t`${problemText(bad)}, so nothing was released` });
    await rename(tmp, o.out);
    return { ...u, out: o.out };
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    throw err;
  }
}
