/**
 * The identity store under $TSPROOF_HOME/identities/<name>/:
 *   identity.json  — public metadata (docs/identity-store.md)
 *   chain.pem      — holder certificate first, then any CA certificates
 *   key.pem        — the private key: PKCS#8 PBES2 (scrypt, AES-256-CBC)
 * Directories are created 0700 and files 0600.
 */
import { mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { KeyObject } from 'node:crypto';
import { InputError } from '../errors.js';
import { exists, sweepDeadTemporaries } from '../io/fs.js';
import { assertPrivateHome } from '../io/permissions.js';
import { parseCertificates, type Certificate } from '../pki/certificate.js';
import { describeKey, encryptKeyForStorage, loadPrivateKey } from '../pki/keys.js';
import { TSPROOF_SELF_ASSERTED_POLICY } from '../asn1/oids.js';
import { t, type Text } from '../text.js';

export interface IdentityRecord {
  format: 'tsproof.identity';
  version: 1;
  name: string;
  created: string;
  /** True for identities made by `identity new`: nobody vouched for the subject. */
  selfAsserted: boolean;
  source: 'generated' | 'pkcs12' | 'pem' | 'npki';
  subject: string;
  issuer: string;
  serial: string;
  notBefore: string;
  notAfter: string;
  key: string;
  certificateSha256: string;
}

export interface UnlockedIdentity {
  record: IdentityRecord;
  key: KeyObject;
  /** Holder certificate first. */
  chain: Certificate[];
}

const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export function validIdentityName(name: string): boolean {
  return NAME_RE.test(name);
}

/** A store name derived from a certificate's common name ("Hong Gil-dong" → "hong-gil-dong"). */
export function suggestIdentityName(cn: string | undefined): string {
  const slug = (cn ?? '')
    .normalize('NFKD')
    .replace(/[^A-Za-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .toLowerCase()
    .slice(0, 48);
  return slug || 'default';
}

/**
 * Refuses a holder certificate that cannot sign at `now` (expired, not yet valid, its key
 * usage lacks digitalSignature and nonRepudiation, or it has a critical extension tsproof does
 * not recognise, which verification would refuse: holder.extensions); returns warnings
 * (expiry within 30 days).
 */
export function checkSigningCertificate(cert: Certificate, now: Date): Text[] {
  const unknown = cert.unrecognisedCriticalExtensions;
  if (unknown.length) {
    throw new InputError({ code: 'BAD_ARGUMENT', message: t`the certificate has a critical extension tsproof does not recognise (${unknown.join(', ')}), so its signatures could not be relied on` });
  }
  if (now < cert.notBefore) throw new InputError({ code: 'BAD_ARGUMENT', message: t`the certificate is not valid before ${cert.notBefore.toISOString()}` });
  if (now > cert.notAfter) throw new InputError({ code: 'BAD_ARGUMENT', message: t`the certificate expired on ${cert.notAfter.toISOString()}` });
  const ku = cert.keyUsage;
  if (ku && !ku.has('digitalSignature') && !ku.has('nonRepudiation')) {
    throw new InputError({ code: 'BAD_ARGUMENT', message: t`the certificate may not be used for signatures (key usage lacks digitalSignature and nonRepudiation)` });
  }
  const days = (cert.notAfter.getTime() - now.getTime()) / 86400_000;
  return days < 30 ? [t`the certificate expires on ${cert.notAfter.toISOString()} (in ${Math.max(0, Math.floor(days))} day(s))`] : [];
}

export function isSelfAsserted(cert: Certificate): boolean {
  return cert.policies.includes(TSPROOF_SELF_ASSERTED_POLICY) || (cert.isSelfIssued && cert.isSignedBy(cert));
}

/** The public metadata of an identity (identity.json): holder certificate first in `chain`. */
export function identityRecord(name: string, key: KeyObject, chain: readonly Certificate[], source: IdentityRecord['source'], now: Date): IdentityRecord {
  const leaf = chain[0]!;
  return {
    format: 'tsproof.identity',
    version: 1,
    name,
    created: now.toISOString(),
    selfAsserted: isSelfAsserted(leaf),
    source,
    subject: leaf.subject,
    issuer: leaf.issuer,
    serial: leaf.serialHex,
    notBefore: leaf.notBefore.toISOString(),
    notAfter: leaf.notAfter.toISOString(),
    key: describeKey(key),
    certificateSha256: leaf.sha256,
  };
}

export class IdentityStore {
  readonly dir: string;
  constructor(home: string) {
    this.dir = path.join(home, 'identities');
  }

  private pathOf(name: string): string {
    if (!validIdentityName(name)) throw new InputError({ code: 'BAD_ARGUMENT', message: t`"${name}" is not a valid identity name (letters, digits, . _ -; at most 64)` });
    return path.join(this.dir, name);
  }

  /** Deletes an identity (its key included). */
  async remove(name: string): Promise<IdentityRecord> {
    const record = await this.record(name);
    await rm(this.pathOf(name), { recursive: true, force: true });
    return record;
  }

  async list(): Promise<IdentityRecord[]> {
    let names: string[];
    try {
      names = (await readdir(this.dir)).filter(validIdentityName).sort();
    } catch {
      return [];
    }
    const out: IdentityRecord[] = [];
    for (const n of names) {
      try {
        const r = await this.record(n);
        // Only a folder its record names: a temporary copy save() left when it was killed
        // ("alice.tmp-<pid>-<time>", identity.json written, not yet renamed) or a replaced one
        // (".old-") holds the record of another name, and is not that identity.
        if (r.name === n) out.push(r);
      } catch {
        // A half-removed or foreign directory is not an identity.
      }
    }
    return out;
  }

  async record(name: string): Promise<IdentityRecord> {
    const dir = this.pathOf(name);
    let text: string;
    try {
      text = await readFile(path.join(dir, 'identity.json'), 'utf8');
    } catch {
      throw new InputError({ code: 'IDENTITY_NOT_FOUND', message: t`no identity named "${name}" (see: tsproof identity list)` });
    }
    try {
      return JSON.parse(text) as IdentityRecord;
    } catch {
      throw new InputError({ code: 'BAD_CONFIG', message: t`identity "${name}": identity.json is corrupt` });
    }
  }

  /** The files an identity signs with may be read only from folders no other user can write (io/permissions.ts). */
  private async guard(name: string): Promise<void> {
    const dir = this.pathOf(name);
    await assertPrivateHome(path.dirname(this.dir), [this.dir, dir, ...['identity.json', 'chain.pem', 'key.pem'].map((f) => path.join(dir, f))]);
  }

  async chain(name: string): Promise<Certificate[]> {
    await this.guard(name);
    const bytes = await readFile(path.join(this.pathOf(name), 'chain.pem'));
    return parseCertificates(bytes, `identity "${name}" chain.pem`);
  }

  async unlock(name: string, passphrase: string): Promise<UnlockedIdentity> {
    const record = await this.record(name);
    const chain = await this.chain(name); // checks the folder's permissions first
    let pem: Buffer;
    try {
      pem = await readFile(path.join(this.pathOf(name), 'key.pem'));
    } catch {
      throw new InputError({ code: 'BAD_CONFIG', message: t`identity "${name}": key.pem is missing` });
    }
    const key = await loadPrivateKey(pem, passphrase, `identity "${name}"`);
    return { record, key, chain };
  }

  /**
   * Saves a new identity atomically: everything is written to a temporary directory that
   * is renamed into place, so a failure leaves no half-written identity. With `replace`, an
   * identity of that name is swapped for the new one only once the new one is complete.
   */
  async save(name: string, key: KeyObject, chain: readonly Certificate[], passphrase: string, source: IdentityRecord['source'], now: Date, o: { replace?: boolean } = {}): Promise<IdentityRecord> {
    const dir = this.pathOf(name);
    const existing = await exists(path.join(dir, 'identity.json'));
    if (existing && !o.replace) throw new InputError({ code: 'IDENTITY_EXISTS', message: t`an identity named "${name}" already exists (choose another --name)` });
    const record = identityRecord(name, key, chain, source, now);
    const encrypted = await encryptKeyForStorage(key, passphrase);
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    await sweepDeadTemporaries(this.dir, `${path.basename(dir)}.tmp-`);
    const tmp = `${dir}.tmp-${process.pid}-${Date.now()}`;
    await mkdir(tmp, { mode: 0o700 });
    try {
      await writeFile(path.join(tmp, 'key.pem'), encrypted, { mode: 0o600 });
      await writeFile(path.join(tmp, 'chain.pem'), chain.map((c) => c.toPEM()).join(''), { mode: 0o600 });
      await writeFile(path.join(tmp, 'identity.json'), `${JSON.stringify(record, null, 2)}\n`, { mode: 0o600 });
      if (existing) {
        const old = `${dir}.old-${process.pid}-${Date.now()}`;
        await rename(dir, old);
        await rename(tmp, dir);
        await rm(old, { recursive: true, force: true });
      } else await rename(tmp, dir);
    } catch (err) {
      await rm(tmp, { recursive: true, force: true });
      throw err;
    }
    return record;
  }
}
