/**
 * Key material for the bundled TSA: a root CA and a TSA certificate (EKU timeStamping,
 * critical), written to a directory; and loading it back for `tsa serve`.
 * The TSA key is stored unencrypted with owner-only permissions so the service can start
 * unattended (docs/tsa.md).
 */
import { generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { OID, TSPROOF_TSA_POLICY } from '../asn1/oids.js';
import { InputError } from '../errors.js';
import { buildCertificate, buildCsr, randomSerial } from '../pki/build.js';
import { parseCertificates, type Certificate } from '../pki/certificate.js';
import { keyMatchesCertificate, loadPrivateKey } from '../pki/keys.js';
import { readPkcs12 } from '../pki/pkcs12.js';
import type { TsaConfig } from './config.js';
import { exists, writeAtomic } from '../io/fs.js';
import { assertPrivate } from '../io/permissions.js';
import { LocalTimestampAuthority, timeOrderedSerials, type AuthorityOptions } from './authority.js';
import { t } from '../text.js';

export interface TsaMaterial {
  key: KeyObject;
  certificate: Certificate;
  chain: Certificate[];
  root: Certificate;
}

export function generateKey(rsa: boolean): { privateKey: KeyObject; publicKey: KeyObject } {
  return rsa ? generateKeyPairSync('rsa', { modulusLength: 3072 }) : generateKeyPairSync('ec', { namedCurve: 'P-256' });
}

/** A root CA and a TSA certificate under it. */
export function createTsaMaterial(o: { name: string; now: Date; rsa?: boolean; years?: number }): TsaMaterial {
  const years = o.years ?? 10;
  const nb = new Date(o.now.getTime() - 60_000);
  const na = new Date(o.now);
  na.setUTCFullYear(na.getUTCFullYear() + years);
  const rootKeys = generateKey(!!o.rsa);
  const tsaKeys = generateKey(!!o.rsa);
  const root = buildCertificate({
    subject: [
      ['O', o.name],
      ['CN', `${o.name} Root CA`],
    ],
    publicKey: rootKeys.publicKey,
    issuerKey: rootKeys.privateKey,
    serial: randomSerial(randomBytes),
    notBefore: nb,
    notAfter: na,
    ca: true,
    pathLen: 0,
    keyUsage: ['keyCertSign', 'cRLSign'],
  });
  const certificate = buildCertificate({
    subject: [
      ['O', o.name],
      ['CN', `${o.name} TSA`],
    ],
    publicKey: tsaKeys.publicKey,
    issuer: root,
    issuerKey: rootKeys.privateKey,
    serial: randomSerial(randomBytes),
    notBefore: nb,
    notAfter: na,
    ca: false,
    keyUsage: ['digitalSignature'],
    extKeyUsage: [OID.timeStamping],
    extKeyUsageCritical: true,
  });
  return { key: tsaKeys.privateKey, certificate, chain: [], root };
}

export const TSA_FILES = { key: 'tsa-key.pem', cert: 'tsa.pem', root: 'root.pem' } as const;

export async function writeTsaMaterial(dir: string, m: TsaMaterial): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  for (const f of Object.values(TSA_FILES)) {
    if (await exists(path.join(dir, f))) throw new InputError({ code: 'BAD_ARGUMENT', message: t`${path.join(dir, f)} already exists; refusing to overwrite TSA keys` });
  }
  await writeAtomic(path.join(dir, TSA_FILES.key), m.key.export({ type: 'pkcs8', format: 'pem' }) as string, 0o600);
  await writeAtomic(path.join(dir, TSA_FILES.cert), [m.certificate, ...m.chain].map((c) => c.toPEM()).join(''));
  await writeAtomic(path.join(dir, TSA_FILES.root), m.root.toPEM());
}

/**
 * The TSA's key and certificates: `tsa-key.pem` + `tsa.pem` (certificate, then its chain), or
 * a PKCS#12 file named in tsa.json (passphrase from `passphrase`). The certificate must match
 * the key and be fit for time-stamping (EKU timeStamping, critical; not a CA).
 */
export async function loadTsaMaterial(dir: string, o: { pkcs12?: string; passphrase?: string } = {}): Promise<Omit<TsaMaterial, 'root'> & { root?: Certificate }> {
  const read = async (f: string) => {
    try {
      return await readFile(path.resolve(dir, f));
    } catch {
      throw new InputError({ code: 'FILE_NOT_FOUND', message: t`${path.join(dir, f)} not found; run "tsproof tsa init --dir ${dir}" first` });
    }
  };
  // The TSA's key, like a holder's, only from a folder no other user can write.
  await assertPrivate(dir);
  await assertPrivate(path.resolve(dir, o.pkcs12 ?? TSA_FILES.key));
  let key: KeyObject;
  let certs: Certificate[];
  if (o.pkcs12) {
    if (o.passphrase === undefined) throw new InputError({ code: 'NO_PASSPHRASE', message: t`${o.pkcs12}: set TSPROOF_TSA_PASSPHRASE to open the TSA's PKCS#12 file` });
    ({ key, chain: certs } = await readPkcs12(await read(o.pkcs12), o.passphrase, o.pkcs12));
  } else {
    certs = parseCertificates(await read(TSA_FILES.cert), TSA_FILES.cert);
    key = await loadPrivateKey(await read(TSA_FILES.key), o.passphrase, TSA_FILES.key);
  }
  const certificate = certs.find((c) => keyMatchesCertificate(key, c));
  if (!certificate) throw new InputError({ code: 'KEY_MISMATCH', message: t`${dir}: no TSA certificate matches the TSA key (after a CSR, save the issued certificate as ${TSA_FILES.cert})` });
  const eku = certificate.extKeyUsage;
  if (!eku?.critical || eku.purposes.length !== 1 || eku.purposes[0] !== OID.timeStamping || certificate.isCA) {
    throw new InputError({ code: 'BAD_CONFIG', message: t`${dir}: the TSA certificate must carry exactly the timeStamping extended key usage, critical, and not be a CA (RFC 3161 §2.3)` });
  }
  let root: Certificate | undefined;
  try {
    root = parseCertificates(await readFile(path.join(dir, TSA_FILES.root)), TSA_FILES.root)[0];
  } catch {
    root = undefined;
  }
  const out: Omit<TsaMaterial, 'root'> & { root?: Certificate } = { key, certificate, chain: certs.filter((c) => c !== certificate) };
  if (root) out.root = root;
  return out;
}

export function authorityFor(
  m: Pick<TsaMaterial, 'key' | 'certificate' | 'chain'>,
  clock: () => Date,
  o: { policy?: string; serials?: () => bigint; config?: TsaConfig; clockGuard?: AuthorityOptions['clockGuard'] } = {},
): LocalTimestampAuthority {
  const c = o.config ?? {};
  return new LocalTimestampAuthority({
    key: m.key,
    certificate: m.certificate,
    chain: m.chain,
    policy: o.policy ?? c.policy ?? TSPROOF_TSA_POLICY,
    ...(c.acceptedPolicies ? { acceptedPolicies: c.acceptedPolicies } : {}),
    ...(c.accuracyMicros !== undefined ? { accuracyMicros: c.accuracyMicros } : {}),
    ...(c.ordering !== undefined ? { ordering: c.ordering } : {}),
    ...(c.includeTsaName !== undefined ? { includeTsaName: c.includeTsaName } : {}),
    ...(c.ess ? { ess: c.ess } : {}),
    ...(o.clockGuard ? { clockGuard: o.clockGuard } : {}),
    clock,
    serials: o.serials ?? timeOrderedSerials(clock, randomBytes),
  });
}

/** A TSA key and a PKCS#10 request for an external CA (tsa init --csr). */
export async function createTsaCsr(dir: string, o: { name: string; rsa?: boolean }): Promise<{ csr: Uint8Array }> {
  const keys = generateKey(!!o.rsa);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  if (await exists(path.join(dir, TSA_FILES.key))) throw new InputError({ code: 'BAD_ARGUMENT', message: t`${path.join(dir, TSA_FILES.key)} already exists; refusing to overwrite TSA keys` });
  const csr = buildCsr(
    [
      ['O', o.name],
      ['CN', `${o.name} TSA`],
    ],
    keys.privateKey,
    keys.publicKey,
  );
  await writeAtomic(path.join(dir, TSA_FILES.key), keys.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, 0o600);
  return { csr };
}
