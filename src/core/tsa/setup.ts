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
import { buildCertificate, randomSerial } from '../pki/build.js';
import { parseCertificates, type Certificate } from '../pki/certificate.js';
import { loadPrivateKey } from '../pki/keys.js';
import { exists, writeAtomic } from '../io/fs.js';
import { LocalTimestampAuthority, timeOrderedSerials } from './authority.js';

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
    subject: [['O', o.name], ['CN', `${o.name} Root CA`]],
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
    subject: [['O', o.name], ['CN', `${o.name} TSA`]],
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
    if (await exists(path.join(dir, f))) throw new InputError({ code: 'BAD_ARGUMENT', message: `${path.join(dir, f)} already exists; refusing to overwrite TSA keys` });
  }
  await writeAtomic(path.join(dir, TSA_FILES.key), m.key.export({ type: 'pkcs8', format: 'pem' }) as string, 0o600);
  await writeAtomic(path.join(dir, TSA_FILES.cert), [m.certificate, ...m.chain].map((c) => c.toPEM()).join(''));
  await writeAtomic(path.join(dir, TSA_FILES.root), m.root.toPEM());
}

export async function loadTsaMaterial(dir: string): Promise<TsaMaterial> {
  const read = async (f: string) => {
    try {
      return await readFile(path.join(dir, f));
    } catch {
      throw new InputError({ code: 'FILE_NOT_FOUND', message: `${path.join(dir, f)} not found; run "tsproof tsa init --dir ${dir}" first` });
    }
  };
  const certs = parseCertificates(await read(TSA_FILES.cert), TSA_FILES.cert);
  const [root] = parseCertificates(await read(TSA_FILES.root), TSA_FILES.root);
  const key = await loadPrivateKey(await read(TSA_FILES.key), undefined, TSA_FILES.key);
  return { key, certificate: certs[0]!, chain: certs.slice(1), root: root! };
}

export function authorityFor(m: TsaMaterial, clock: () => Date, policy = TSPROOF_TSA_POLICY): LocalTimestampAuthority {
  return new LocalTimestampAuthority({ key: m.key, certificate: m.certificate, chain: m.chain, policy, clock, serials: timeOrderedSerials(clock, randomBytes) });
}

