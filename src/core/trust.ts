/**
 * Trust anchors as data (sigstore's trusted-root model): each anchor is a certificate with a
 * purpose — anchoring TSAs, holders, or both — and an optional validity window; an anchor
 * counts only for times inside its window. Certificates inside tokens or receipts are never
 * anchors. Stored in $TSPROOF_HOME/trust/ (docs/trust.md).
 */
import { mkdir, readFile, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { InputError } from './errors.js';
import { readJsonFile, writeAtomic } from './io/fs.js';
import { assertPrivate, assertPrivateHome } from './io/permissions.js';
import { parseCertificates, type Certificate } from './pki/certificate.js';
import { isObject } from './receipt/manifest.js';
import { t } from './text.js';

export type TrustPurpose = 'tsa' | 'holder' | 'any';

/** How `trust add` names an anchor's file: `<purpose>-<first 12 hex digits of its SHA-256>.pem`. */
const STORE_FILE = /^(tsa|holder|any)-[0-9a-f]{12}\.pem$/;

export interface TrustAnchor {
  certificate: Certificate;
  purpose: TrustPurpose;
  validFrom?: Date;
  validTo?: Date;
  /** Where it came from: a file, `--trust`, or the trust store entry id. */
  source: string;
}

/**
 * The anchors for `purpose` whose window contains `at` — the proven time of the evidence (a
 * token's genTime), never a time the verifier chose. Without a proven time (`undefined`), only
 * anchors without a window count.
 */
export function anchorsFor(trust: readonly TrustAnchor[], purpose: 'tsa' | 'holder', at: Date | undefined): Certificate[] {
  const inWindow = (a: TrustAnchor) => (at ? (!a.validFrom || a.validFrom <= at) && (!a.validTo || at <= a.validTo) : !a.validFrom && !a.validTo);
  return trust.filter((a) => (a.purpose === 'any' || a.purpose === purpose) && inWindow(a)).map((a) => a.certificate);
}

export function anyPurpose(certs: readonly Certificate[], source = 'argument'): TrustAnchor[] {
  return certs.map((certificate) => ({ certificate, purpose: 'any', source }));
}

/** One entry of trust/anchors.json. */
export interface StoredAnchor {
  id: string;
  file: string;
  purpose: TrustPurpose;
  validFrom?: string;
  validTo?: string;
  subject: string;
  sha256: string;
  added: string;
}

const INDEX = 'anchors.json';

export class TrustStore {
  readonly dir: string;
  constructor(home: string) {
    this.dir = path.join(home, 'trust');
  }

  async entries(): Promise<StoredAnchor[]> {
    const v = await readJsonFile(path.join(this.dir, INDEX));
    if (v === undefined) return [];
    if (!Array.isArray(v) || !v.every((e) => isObject(e) && typeof e.file === 'string' && typeof e.id === 'string')) {
      throw new InputError({ code: 'BAD_CONFIG', message: t`${path.join(this.dir, INDEX)}: expected a list of anchors` });
    }
    return v as StoredAnchor[];
  }

  /**
   * Every anchor: those registered with a purpose and window, and loose certificate files (purpose
   * any) — only from a home and trust folder that no other user can write (io/permissions.ts).
   */
  async load(): Promise<TrustAnchor[]> {
    await assertPrivateHome(path.dirname(this.dir), [this.dir, path.join(this.dir, INDEX)]);
    const entries = await this.entries();
    const registered = new Set(entries.map((e) => e.file));
    const out: TrustAnchor[] = [];
    for (const e of entries) {
      const f = path.join(this.dir, e.file);
      await assertPrivate(f);
      for (const certificate of parseCertificates(await readFile(f), f)) {
        const a: TrustAnchor = { certificate, purpose: e.purpose, source: `trust store ${e.id}` };
        if (e.validFrom) a.validFrom = new Date(e.validFrom);
        if (e.validTo) a.validTo = new Date(e.validTo);
        out.push(a);
      }
    }
    let names: string[] = [];
    try {
      // A file named as `trust add` names them but missing from the index is what a killed `trust add`
      // left (written before the index): never trusted, and never as a loose anchor for any purpose.
      names = (await readdir(this.dir)).filter((n) => /\.(pem|crt|cer|der)$/i.test(n) && !registered.has(n) && !STORE_FILE.test(n)).sort();
    } catch {
      // no trust directory
    }
    for (const n of names) {
      const f = path.join(this.dir, n);
      await assertPrivate(f);
      for (const certificate of parseCertificates(await readFile(f), f)) out.push({ certificate, purpose: 'any', source: f });
    }
    return out;
  }

  async add(cert: Certificate, purpose: TrustPurpose, window: { validFrom?: Date; validTo?: Date }, now: Date): Promise<StoredAnchor> {
    const entries = await this.entries();
    const id = `${purpose}-${cert.sha256.slice(0, 12)}`;
    if (entries.some((e) => e.id === id)) throw new InputError({ code: 'BAD_ARGUMENT', message: t`already trusted as ${id}` });
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const file = `${id}.pem`;
    // The certificate first (whole or not at all), then the index that makes it an anchor.
    await writeAtomic(path.join(this.dir, file), cert.toPEM(), 0o644);
    const entry: StoredAnchor = { id, file, purpose, subject: cert.subject, sha256: cert.sha256, added: now.toISOString() };
    if (window.validFrom) entry.validFrom = window.validFrom.toISOString();
    if (window.validTo) entry.validTo = window.validTo.toISOString();
    await writeAtomic(path.join(this.dir, INDEX), `${JSON.stringify([...entries, entry], null, 2)}\n`);
    return entry;
  }

  /** Removes a registered anchor by id, or a loose file by name. */
  async remove(idOrFile: string): Promise<string> {
    const entries = await this.entries();
    const hit = entries.find((e) => e.id === idOrFile || e.sha256.startsWith(idOrFile.toLowerCase()));
    if (hit) {
      await writeAtomic(
        path.join(this.dir, INDEX),
        `${JSON.stringify(
          entries.filter((e) => e !== hit),
          null,
          2,
        )}\n`,
      );
      await rm(path.join(this.dir, hit.file), { force: true });
      return hit.id;
    }
    const loose = path.basename(idOrFile);
    if (/\.(pem|crt|cer|der)$/i.test(loose)) {
      try {
        await rm(path.join(this.dir, loose));
        return loose;
      } catch {
        // fall through
      }
    }
    throw new InputError({ code: 'BAD_ARGUMENT', message: t`no trust anchor "${idOrFile}" (see: tsproof trust list)` });
  }
}
