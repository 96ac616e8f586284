/** tsproof identity new|import|list|show */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { InputError } from '../../core/errors.js';
import { loadConfig, saveConfig } from '../../core/home.js';
import { exists, writeAtomic } from '../../core/io/fs.js';
import { createCsr, createSelfAssertedIdentity } from '../../core/identity/create.js';
import { checkSigningCertificate, IdentityStore, suggestIdentityName, type IdentityRecord } from '../../core/identity/store.js';
import { Certificate, parseCertificates, toPem } from '../../core/pki/certificate.js';
import { keyMatchesCertificate, loadPrivateKey } from '../../core/pki/keys.js';
import { looksLikePkcs12, readPkcs12, writePkcs12 } from '../../core/pki/pkcs12.js';
import { caCertificatesNear, defaultNpkiRoots, issuersOf, NPKI_CERT, readNpkiFolder, scanNpki } from '../../core/pki/npki.js';
import os from 'node:os';
import { getPassphrase } from '../passphrase.js';
import { note, out, paint, printJson, warn } from '../output.js';
import type { CliContext } from '../context.js';
import type { KeyObject } from 'node:crypto';
import { plain, t, type Text } from '../../core/text.js';

async function readInput(ctx: CliContext, file: string): Promise<Buffer> {
  try {
    return await readFile(path.resolve(ctx.cwd, file));
  } catch {
    throw new InputError({ code: 'FILE_NOT_FOUND', message: t`${file}: cannot read` });
  }
}

/** Saves the identity, making it the default when it is the first one. */
async function store(ctx: CliContext, name: string, key: KeyObject, chain: Certificate[], source: IdentityRecord['source'], passphraseFile?: string, replace = false): Promise<IdentityRecord> {
  const s = new IdentityStore(ctx.home);
  if (!replace && (await s.list()).some((r) => r.name === name)) throw new InputError({ code: 'IDENTITY_EXISTS', message: t`an identity named "${name}" already exists (choose another name)` });
  const passphrase = await getPassphrase(ctx, {
    env: 'TSPROOF_PASSPHRASE',
    ...(passphraseFile ? { file: passphraseFile } : {}),
    prompt: t`New passphrase for identity "${name}": `,
    confirm: true,
  });
  const record = await s.save(name, key, chain, passphrase, source, ctx.now(), { replace });
  const config = await loadConfig(ctx.home);
  if (!config.defaultIdentity) await saveConfig(ctx.home, { ...config, defaultIdentity: name });
  return record;
}

function printRecord(ctx: CliContext, r: IdentityRecord, heading: Text) {
  if (ctx.json) return printJson(ctx, { ok: true, identity: r });
  out(ctx, heading);
  out(ctx, t`  subject   ${r.subject}${r.selfAsserted ? paint(ctx, 'yellow', t`  (self-asserted)`) : ''}`);
  out(ctx, t`  issuer    ${r.issuer}`);
  out(ctx, t`  key       ${r.key}`);
  out(ctx, t`  valid     ${r.notBefore} to ${r.notAfter}`);
  out(ctx, t`  sha256    ${r.certificateSha256}`);
}

export async function identityNew(ctx: CliContext, o: { name: string; org?: string; email?: string; rsa?: boolean; csr?: string; as?: string; passphraseFile?: string }): Promise<number> {
  if (!o.name.trim()) throw new InputError({ code: 'BAD_ARGUMENT', message: t`--name must not be empty` });
  const id = createSelfAssertedIdentity({ name: o.name.normalize('NFC'), ...(o.org ? { org: o.org.normalize('NFC') } : {}), ...(o.email ? { email: o.email } : {}), rsa: !!o.rsa, now: ctx.now() });
  const name = o.as ?? suggestIdentityName(o.name);
  if (o.csr) {
    // Write the CSR only after the identity is stored, so a failure leaves nothing behind.
    const csrPath = path.resolve(ctx.cwd, o.csr);
    const record = await store(ctx, name, id.key, [id.certificate], 'generated', o.passphraseFile);
    await writeAtomic(csrPath, toPem('CERTIFICATE REQUEST', createCsr(id)));
    printRecord(ctx, record, t`Created identity "${record.name}"`);
    if (!ctx.json) out(ctx, t`  csr       ${o.csr} (send it to a CA; import the issued certificate with "tsproof identity import <cert.pem> --key …")`);
    return 0;
  }
  const created = await store(ctx, name, id.key, [id.certificate], 'generated', o.passphraseFile);
  printRecord(ctx, created, t`Created identity "${created.name}"`);
  return 0;
}

/**
 * The container's own passphrase: TSPROOF_IMPORT_PASSPHRASE / --import-passphrase-file — set but
 * empty, or an empty file, is an empty password (containers exported without one) —, else the
 * store passphrase, else a prompt.
 */
function sourcePassphrase(ctx: CliContext, file: string, o: { importPassphraseFile?: string }): Promise<string> {
  const own = ctx.env.TSPROOF_IMPORT_PASSPHRASE !== undefined || o.importPassphraseFile !== undefined;
  return getPassphrase(ctx, {
    env: ctx.env.TSPROOF_IMPORT_PASSPHRASE !== undefined ? 'TSPROOF_IMPORT_PASSPHRASE' : 'TSPROOF_PASSPHRASE',
    ...(o.importPassphraseFile !== undefined ? { file: o.importPassphraseFile } : {}),
    prompt: t`Passphrase of ${path.basename(file)}: `,
    allowEmpty: own || ctx.env.TSPROOF_PASSPHRASE === undefined,
  });
}

export async function identityImport(ctx: CliContext, file: string | undefined, o: { key?: string; name?: string; npki?: string; chain?: string[]; passphraseFile?: string; importPassphraseFile?: string; force?: boolean }): Promise<number> {
  let key: KeyObject;
  let chain: Certificate[];
  let source: IdentityRecord['source'];
  if (o.npki) {
    if (file) throw new InputError({ code: 'BAD_ARGUMENT', message: t`give either a file or --npki <folder>, not both` });
    const dir = await npkiFolder(ctx, o.npki);
    o = { ...o, npki: dir };
    // The same certificate already in the store: say so before asking for any passphrase.
    // (A certificate that does not parse is reported by readNpkiFolder, naming the file.)
    const cert = await readFile(path.join(dir, NPKI_CERT))
      .then((b) => Certificate.fromDER(new Uint8Array(b)))
      .catch(() => undefined);
    if (cert && (await alreadyImported(ctx, cert, o))) return 0;
    ({ key, chain } = await readNpkiFolder(dir, await sourcePassphrase(ctx, o.npki!, o)));
    source = 'npki';
  } else {
    if (!file) throw new InputError({ code: 'BAD_ARGUMENT', message: t`give a .p12/.pfx or PEM file to import, or --npki <folder>` });
    const bytes = await readInput(ctx, file);
    if (/\.(p12|pfx)$/i.test(file) || looksLikePkcs12(bytes)) {
      ({ key, chain } = await readPkcs12(bytes, await sourcePassphrase(ctx, file, o), file));
      source = 'pkcs12';
    } else {
      const certs = parseCertificates(bytes, file);
      const keyBytes = o.key ? await readInput(ctx, o.key) : bytes;
      const keyText = keyBytes.toString('latin1');
      if (!o.key && !keyText.includes('PRIVATE KEY')) throw new InputError({ code: 'BAD_ARGUMENT', message: t`${file} holds no private key; give it with --key <file>` });
      const encrypted = /ENCRYPTED/.test(keyText) || (!keyText.includes('-----BEGIN') && keyBytes[0] === 0x30 && keyBytes[keyBytes[1]! & 0x80 ? 2 + (keyBytes[1]! & 0x7f) : 2] === 0x30);
      key = await loadPrivateKey(keyBytes, encrypted ? await sourcePassphrase(ctx, o.key ?? file, o) : undefined, o.key ?? file);
      const leaf = certs.find((c) => keyMatchesCertificate(key, c));
      if (!leaf) throw new InputError({ code: 'KEY_MISMATCH', message: certs.length > 1 ? t`the private key does not belong to any certificate in ${file}` : t`the private key does not belong to the certificate in ${file}` });
      chain = [leaf, ...certs.filter((c) => c !== leaf)];
      source = 'pem';
    }
  }
  if (await alreadyImported(ctx, chain[0]!, o)) return 0;
  for (const w of checkSigningCertificate(chain[0]!, ctx.now())) warn(ctx, w);
  chain = await completeChain(ctx, chain, o);
  // Another certificate under a taken name needs --force (the same one again returned above).
  const existing = await new IdentityStore(ctx.home).list();
  const same = existing.find((r) => r.certificateSha256 === chain[0]!.sha256);
  const name = o.name ?? same?.name ?? suggestIdentityName(chain[0]!.commonName);
  const taken = existing.find((r) => r.name === name);
  if (taken && !o.force)
    throw new InputError({ code: 'IDENTITY_EXISTS', message: t`an identity named "${name}" already exists with another certificate (SHA-256 ${taken.certificateSha256}); choose another --name, or replace it with --force` });
  const record = await store(ctx, name, key, chain, source, o.passphraseFile, !!o.force);
  printRecord(ctx, record, taken ? t`Replaced identity "${record.name}"` : t`Imported identity "${record.name}"`);
  return 0;
}

/**
 * The NPKI folder to import from `given`: itself when it holds signCert.der, else the one folder
 * below it (as `identity scan` searches) that does; several are refused, each listed.
 */
async function npkiFolder(ctx: CliContext, given: string): Promise<string> {
  const dir = path.resolve(ctx.cwd, given);
  if (await exists(path.join(dir, NPKI_CERT))) return dir;
  const { found } = await scanNpki([dir], ctx.now());
  if (found.length === 1) {
    note(ctx, t`Found the NPKI certificate of ${found[0]!.commonName ?? found[0]!.subject} in ${path.relative(ctx.cwd, found[0]!.dir) || found[0]!.dir}.`);
    return found[0]!.dir;
  }
  if (found.length === 0) throw new InputError({ code: 'FILE_NOT_FOUND', message: t`--npki ${given}: no ${NPKI_CERT} in this folder or below it` });
  const list = found.map((f) => `${path.relative(ctx.cwd, f.dir) || f.dir} (${f.commonName ?? f.subject}, ${f.ca}, until ${f.notAfter.slice(0, 10)})`).join('; ');
  throw new InputError({ code: 'BAD_ARGUMENT', message: t`--npki ${given}: ${found.length} certificates below it: ${list}; give the folder of the one to import` });
}

/**
 * When an identity already holds this certificate: says so (one line, or JSON) and returns true —
 * importing it again changes nothing. A different --name asks for a second identity on purpose
 * (e.g. the same certificate again with its CA chain): imported, with a note.
 */
async function alreadyImported(ctx: CliContext, cert: Certificate, o: { name?: string; force?: boolean }): Promise<boolean> {
  if (o.force) return false;
  const existing = (await new IdentityStore(ctx.home).list()).find((r) => r.certificateSha256 === cert.sha256);
  if (!existing) return false;
  if (o.name !== undefined && o.name !== existing.name) {
    note(ctx, t`This certificate is also identity "${existing.name}".`);
    return false;
  }
  // A persistent CI runner, a script run twice: the same certificate again changes nothing and succeeds.
  if (ctx.json) printJson(ctx, { ok: true, unchanged: true, identity: existing });
  else note(ctx, t`Identity "${existing.name}" already holds this certificate (SHA-256 ${existing.certificateSha256}): nothing imported (--force replaces it).`);
  return true;
}

/** identity default [name]: shows the default identity, or makes `name` the default. */
export async function identityDefault(ctx: CliContext, name: string | undefined): Promise<number> {
  const config = await loadConfig(ctx.home);
  if (name === undefined) {
    if (ctx.json) printJson(ctx, { ok: true, default: config.defaultIdentity ?? null });
    else out(ctx, config.defaultIdentity ? t`The default identity is "${config.defaultIdentity}".` : t`No default identity is set (tsproof identity default <name>).`);
    return 0;
  }
  const record = await new IdentityStore(ctx.home).record(name); // an unknown name is exit 2, naming it
  await saveConfig(ctx.home, { ...config, defaultIdentity: record.name });
  if (ctx.json) printJson(ctx, { ok: true, default: record.name });
  else out(ctx, t`"${record.name}" (${record.subject}) is now the default identity.`);
  return 0;
}

/**
 * The holder certificate with the CA certificates that issued it — those the container brought,
 * --chain, and for an NPKI folder those kept next to it — in path order, each checked to issue the
 * one below it. Without its CA's certificate in the signature, a verifier who trusts only the
 * root cannot build the path and sees the holder as not certified: say so, and how to fix it.
 */
async function completeChain(ctx: CliContext, chain: Certificate[], o: { npki?: string; chain?: string[] }): Promise<Certificate[]> {
  const leaf = chain[0]!;
  const given: Certificate[] = [];
  for (const f of o.chain ?? []) given.push(...parseCertificates(await readInput(ctx, f), f));
  const near = o.npki ? await caCertificatesNear(path.resolve(ctx.cwd, o.npki)) : [];
  const issuers = issuersOf(leaf, [...chain.slice(1), ...given, ...near.map((n) => n.certificate)], ctx.now());
  for (const c of given) if (!issuers.some((i) => i.equals(c))) warn(ctx, t`--chain: "${c.subject}" does not issue "${leaf.subject}" or its CAs; left out`);
  for (const n of near) if (issuers.some((i) => i.equals(n.certificate))) note(ctx, t`Found the CA certificate "${n.certificate.subject}" next to the NPKI folder (${path.relative(ctx.cwd, n.file) || n.file}).`);
  if (!leaf.isSelfIssued && issuers.length === 0) {
    warn(
      ctx,
      o.npki
        ? t`"${leaf.subject}" is imported without the certificate of its CA "${leaf.issuer}" (none was found next to the NPKI folder): its signatures will not carry it, so verifiers — even those who trust the root — will see the holder as not certified by a trusted CA. Get the CA certificates from the CA and import again with --chain <ca.pem>.`
        : t`"${leaf.subject}" is imported without the certificate of its CA "${leaf.issuer}": its signatures will not carry it, so verifiers — even those who trust the root — will see the holder as not certified by a trusted CA. Import again with --chain <ca.pem> (the CA certificates, from the CA).`,
    );
  }
  return [leaf, ...issuers];
}

export async function identityScan(ctx: CliContext, o: { path: string[] }): Promise<number> {
  const roots = [...o.path.map((p) => path.resolve(ctx.cwd, p)), ...(await defaultNpkiRoots(ctx.env, process.platform, ctx.env.HOME ?? os.homedir()))];
  const { found, problems } = await scanNpki(roots, ctx.now());
  for (const p of problems) warn(ctx, t`${p.dir}: ${p.reason}`);
  if (ctx.json) {
    printJson(ctx, { ok: true, certificates: found });
    return 0;
  }
  if (found.length === 0) {
    out(ctx, t`No NPKI certificates found (looked in the usual folders; add --path <folder> to look elsewhere).`);
    return 0;
  }
  for (const c of found) {
    out(ctx, c.expired ? plain`${c.commonName ?? c.subject}${paint(ctx, 'red', t`  (expired)`)}` : plain`${c.commonName ?? c.subject}`);
    out(ctx, t`  folder    ${c.dir}`);
    out(ctx, t`  subject   ${c.subject}`);
    out(ctx, t`  issuer    ${c.issuer} (${c.ca})`);
    out(ctx, t`  valid     ${c.notBefore} to ${c.notAfter}`);
    out(ctx, c.keyUsage.length ? t`  key usage ${c.keyUsage.join(', ')}` : t`  key usage (not restricted)`);
    out(ctx, t`  import:   tsproof identity import --npki ${JSON.stringify(c.dir)}`);
  }
  return 0;
}

export async function identityExport(ctx: CliContext, name: string | undefined, o: { p12: string; passphraseFile?: string; force?: boolean }): Promise<number> {
  const { unlockIdentity } = await import('../common.js');
  const id = await unlockIdentity(ctx, name, o.passphraseFile);
  const dest = path.resolve(ctx.cwd, o.p12);
  if (!o.force && (await exists(dest))) throw new InputError({ code: 'BAD_ARGUMENT', message: t`${o.p12} already exists (use --force to replace it)` });
  // The backup is protected by the export passphrase (TSPROOF_EXPORT_PASSPHRASE), else the identity's own.
  const passphrase = await getPassphrase(ctx, { env: ctx.env.TSPROOF_EXPORT_PASSPHRASE !== undefined ? 'TSPROOF_EXPORT_PASSPHRASE' : 'TSPROOF_PASSPHRASE', prompt: t`Passphrase for the .p12 file: `, confirm: true });
  await writeAtomic(dest, await writePkcs12(id.key, id.chain, passphrase, id.record.name), 0o600);
  if (ctx.json) printJson(ctx, { ok: true, identity: id.record.name, p12: o.p12 });
  else out(ctx, t`Exported identity "${id.record.name}" (key and ${id.chain.length} certificate(s)) to ${o.p12}`);
  return 0;
}

export async function identityRemove(ctx: CliContext, name: string, o: { yes?: boolean }): Promise<number> {
  if (!o.yes) throw new InputError({ code: 'BAD_ARGUMENT', message: t`removing "${name}" deletes its private key for good; export it first (identity export --p12) and confirm with --yes` });
  const record = await new IdentityStore(ctx.home).remove(name);
  const config = await loadConfig(ctx.home);
  if (config.defaultIdentity === name) {
    const { defaultIdentity: _d, ...rest } = config;
    await saveConfig(ctx.home, rest);
  }
  if (ctx.json) printJson(ctx, { ok: true, removed: record.name });
  else out(ctx, t`Removed identity "${record.name}" (${record.subject})`);
  return 0;
}

export async function identityList(ctx: CliContext): Promise<number> {
  const all = await new IdentityStore(ctx.home).list();
  const def = (await loadConfig(ctx.home)).defaultIdentity;
  if (ctx.json) {
    printJson(ctx, { ok: true, default: def ?? null, identities: all });
    return 0;
  }
  if (all.length === 0) out(ctx, t`No identities. Create one with: tsproof identity new --name "<your name>"`);
  for (const r of all) out(ctx, plain`${r.name === def ? '*' : ' '} ${r.name.padEnd(20)} ${r.subject}${r.selfAsserted ? t` (self-asserted)` : ''}  ${t`until ${r.notAfter.slice(0, 10)}`}`);
  return 0;
}

export async function identityShow(ctx: CliContext, name?: string): Promise<number> {
  const s = new IdentityStore(ctx.home);
  const chosen = name ?? (await loadConfig(ctx.home)).defaultIdentity ?? (await s.list())[0]?.name;
  if (!chosen) throw new InputError({ code: 'IDENTITY_NOT_FOUND', message: t`no identity yet (tsproof identity new --name "<your name>")` });
  const record = await s.record(chosen);
  const chain = await s.chain(chosen);
  if (ctx.json) {
    printJson(ctx, { ok: true, identity: record, chain: chain.map((c) => ({ subject: c.subject, issuer: c.issuer, sha256: c.sha256, pem: c.toPEM() })) });
    return 0;
  }
  printRecord(ctx, record, t`Identity "${record.name}"`);
  if (chain.length > 1)
    out(
      ctx,
      t`  chain     ${chain
        .slice(1)
        .map((c) => c.subject)
        .join(' → ')}`,
    );
  return 0;
}
