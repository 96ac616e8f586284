/**
 * tsproof secret — secrecy-measure records (비밀관리 기록, docs/secrets.md): secrets by
 * classification, access grants and revocations, pledges signed by the people themselves,
 * handling history; each command's events signed by the recorder and timestamped together,
 * chained per secret; statistics and litigation reports.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { InputError, VerificationError } from '../../core/errors.js';
import { loadConfig } from '../../core/home.js';
import { exists, readBounded, writeAtomic, writeNewFolder } from '../../core/io/fs.js';
import { hashFile } from '../../core/hash/engine.js';
import { LIMITS } from '../../core/limits.js';
import { IdentityStore } from '../../core/identity/store.js';
import { parseCertificates } from '../../core/pki/certificate.js';
import { loadReceipt } from '../../core/verify/files.js';
import { verifyReceipt, type VerifyContext } from '../../core/verify/receipt.js';
import { toBase64 } from '../../core/bytes.js';
import { canonicalJson } from '../../core/receipt/manifest.js';
import { checkChosenEntries, coverageOf } from '../../core/secrets/coverage.js';
import {
  checkDate,
  checkSecretId,
  eventHash,
  EDITABLE_FIELDS,
  HANDLING_ACTIONS,
  levelsFromConfig,
  PLEDGE_KINDS,
  resolveLevel,
  samePerson,
  today,
  type Coverage,
  type EditableField,
  type EventData,
  type FileFingerprint,
  type HandlingAction,
  type Level,
  type Person,
  type PledgeKind,
  type SecretFields,
} from '../../core/secrets/model.js';
import { checkAcknowledgement, pledgeStatement, signPledge } from '../../core/secrets/pledge.js';
import { writeRecord, type Draft, type Written } from '../../core/secrets/record.js';
import { certificateOnRecord, foldRecords, type Ledger, type SecretState } from '../../core/secrets/state.js';
import { secretStats, type Finding } from '../../core/secrets/stats.js';
import { EventLogSecretStore, migrateFileStore, type SecretStore, type StoredRecord } from '../../core/secrets/store.js';
import { openRegistry } from '../../core/registry/open.js';
import { resolveRegistration } from '../../core/registry/query.js';
import { secretReport, type SecretReport } from '../../core/secrets/report.js';
import { certificateLang, verifySettings } from '../common.js';
import { getPassphrase } from '../passphrase.js';
import { ExitCode } from '../exit.js';
import { note, out, paint, printJson, VERSION, writeChunks } from '../output.js';
import { formatTime } from '../render.js';
import { registrationInputs, type RegisterFlags } from './register.js';
import type { CliContext } from '../context.js';
import type { LangOption } from '../i18n.js';
import { plain, t, type Text } from '../../core/text.js';

const rel = (ctx: CliContext, p: string) => path.relative(ctx.cwd, p) || p;

/**
 * Where the records are kept, and where registrations are found by id: the embedded registry
 * ($TSPROOF_HOME/registry.db, docs/registry.md) — each record one `secret.record` event of its
 * hash chain — into which a file store of an earlier version is moved on first use.
 */
interface Backend {
  store: SecretStore;
  /** The receipt file of a registration given by its id or an unambiguous prefix. */
  receiptOf(id: string): Promise<string>;
  close(): void;
}

async function openBackend(ctx: CliContext): Promise<Backend> {
  const registry = await openRegistry(ctx.home, { now: ctx.now });
  try {
    const lockDir = path.join(ctx.home, 'secrets');
    const store = new EventLogSecretStore(registry, lockDir);
    if (await exists(path.join(lockDir, 'records.jsonl'))) await store.locked(() => migrateFileStore(ctx.home, store));
    return { store, receiptOf: async (given) => (await resolveRegistration(registry, given)).receipt, close: () => registry.close() };
  } catch (err) {
    registry.close();
    throw err;
  }
}

async function withBackend<T>(ctx: CliContext, f: (b: Backend) => Promise<T>): Promise<T> {
  const b = await openBackend(ctx);
  try {
    return await f(b);
  } finally {
    b.close();
  }
}

async function levels(ctx: CliContext): Promise<Level[]> {
  return levelsFromConfig(await loadConfig(ctx.home), path.join(ctx.home, 'config.json'));
}

function levelName(ctx: CliContext, all: readonly Level[], id: string): string {
  const l = all.find((x) => x.id === id);
  if (!l) return id;
  return ctx.lang === 'ko' ? l.ko : `${l.en} (${l.ko})`;
}

function personOf(o: { person?: string; employeeId?: string }): Person {
  const name = (o.person ?? '').trim();
  if (!name) throw new InputError({ code: 'BAD_ARGUMENT', message: t`--person <name> is required` });
  return o.employeeId ? { name, employeeId: o.employeeId } : { name };
}

const who = (p: Person) => (p.employeeId ? `${p.name} (${p.employeeId})` : p.name);

function secretIn(ledger: Ledger, id: string): SecretState {
  const s = ledger.secrets.get(id);
  if (!s) throw new InputError({ code: 'BAD_ARGUMENT', message: t`unknown secret ${id} (tsproof secret list shows the secrets on record)` });
  return s;
}

function liveSecret(ledger: Ledger, id: string): SecretState {
  const s = secretIn(ledger, id);
  if (s.retired) throw new InputError({ code: 'BAD_ARGUMENT', message: t`secret ${id} is retired; its records stay, but nothing more can be recorded for it` });
  return s;
}

async function fingerprint(ctx: CliContext, file: string, flag: string): Promise<FileFingerprint> {
  const abs = path.resolve(ctx.cwd, file);
  // Streamed: a scan or an NDA of any size is hashed in constant memory.
  const st = await stat(abs).catch(() => undefined);
  if (!st?.isFile()) throw new InputError({ code: 'FILE_NOT_FOUND', message: t`${flag} ${file}: cannot read the file` });
  const d = await hashFile(abs, ['sha256'], file);
  return { name: path.basename(abs), size: d.size, sha256: d.digests.sha256! };
}

/** A small input file (a certificate, an acknowledgement), refused at once beyond `limit`. */
async function readSmall(ctx: CliContext, file: string, flag: string, limit: number): Promise<Buffer> {
  const data = await readBounded(path.resolve(ctx.cwd, file), limit, plain`${flag}`);
  if (!data) throw new InputError({ code: 'FILE_NOT_FOUND', message: t`${flag} ${file}: cannot read the file` });
  return data;
}

type WriteFlags = Omit<RegisterFlags, 'algorithm'>;

/** Registers the drafted events as one record (one TSA round-trip) and stores them. */
async function record(ctx: CliContext, o: WriteFlags, draft: (ledger: Ledger, records: readonly StoredRecord[]) => Promise<Draft[]> | Draft[]): Promise<Written> {
  const inputs = await registrationInputs(ctx, { ...o, algorithm: [] });
  return withBackend(ctx, (b) => writeRecord({ ...inputs, store: b.store, scratch: path.join(ctx.home, 'secrets') }, (records) => draft(foldRecords(records), records)));
}

function printWritten(ctx: CliContext, w: Written, summary: Text): number {
  const v = w.registration.verification;
  if (ctx.json) {
    printJson(ctx, {
      ok: true,
      record: w.record.seq,
      registration: w.record.receipt.id,
      time: v.time,
      recorder: v.holder,
      events: w.record.events.map((e) => ({ ...eventRef(e), sha256: eventHash(e) })),
    });
    return ExitCode.OK;
  }
  out(ctx, summary);
  out(ctx, t`  recorded by ${v.holder?.subject ?? '?'}`);
  if (v.time) out(ctx, t`  time        ${formatTime(v.time)}`);
  out(ctx, t`  record      ${w.record.seq} (registration ${w.record.receipt.id}, ${w.record.events.length} event(s))`);
  return ExitCode.OK;
}

function eventRef(e: StoredRecord['events'][number]) {
  return { id: e.id, secret: e.secret, seq: e.seq, type: e.data.type };
}

/** A registration by id (or a prefix) as the records know it, or a receipt file. */
async function findRegistration(ctx: CliContext, given: string): Promise<{ file: string; shown: string }> {
  const abs = path.resolve(ctx.cwd, given);
  if (await exists(abs)) return { file: abs, shown: given };
  return { file: await withBackend(ctx, (b) => b.receiptOf(given)), shown: given };
}

async function coverages(ctx: CliContext, given: readonly string[], chosen: readonly string[], trust: readonly string[]): Promise<Coverage[]> {
  const settings = await verifySettings(ctx, { trust });
  const out: Coverage[] = [];
  for (const g of given) {
    const { file, shown } = await findRegistration(ctx, g);
    const receipt = await loadReceipt(file);
    const v = verifyReceipt(receipt, { ...settings, now: ctx.now() });
    out.push(coverageOf(receipt, (await hashFile(file, ['sha256'], shown)).digests.sha256!, v, chosen, shown));
  }
  if (chosen.length) checkChosenEntries(chosen, out);
  return out;
}

// ————— add, edit, attach, retire —————

export async function secretAdd(
  ctx: CliContext,
  id: string,
  o: WriteFlags & { title?: string; description?: string; level?: string; department?: string; custodian?: string; review?: string; registration: string[]; entry: string[] },
): Promise<number> {
  checkSecretId(id);
  if (!o.title?.trim()) throw new InputError({ code: 'BAD_ARGUMENT', message: t`--title <text> is required` });
  if (!o.level) throw new InputError({ code: 'BAD_ARGUMENT', message: t`--level <level> is required` });
  const level = resolveLevel(await levels(ctx), o.level);
  if (o.review) checkDate(o.review, '--review');
  if (o.entry.length && !o.registration.length) throw new InputError({ code: 'BAD_ARGUMENT', message: t`--entry needs --registration` });
  const covers = await coverages(ctx, o.registration, o.entry, o.trust);
  const fields: SecretFields = { title: o.title.trim(), level: level.id };
  if (o.description) fields.description = o.description;
  if (o.department) fields.department = o.department;
  if (o.custodian) fields.custodian = o.custodian;
  if (o.review) fields.review = o.review;
  const w = await record(ctx, o, (ledger) => {
    if (ledger.secrets.has(id)) throw new InputError({ code: 'BAD_ARGUMENT', message: t`secret ${id} already exists (use secret edit or secret attach)` });
    return [{ secret: id, data: { type: 'created', secret: fields, covers } }];
  });
  return printWritten(ctx, w, t`Recorded secret ${id} — ${fields.title} [${levelName(ctx, await levels(ctx), level.id)}], covering ${covers.length} registration(s)`);
}

export async function secretEdit(ctx: CliContext, id: string, o: WriteFlags & Partial<Record<EditableField, string>> & { reason?: string }): Promise<number> {
  const all = await levels(ctx);
  const wanted: Partial<Record<EditableField, string>> = {};
  for (const f of EDITABLE_FIELDS) if (o[f] !== undefined) wanted[f] = o[f];
  if (wanted.level !== undefined) wanted.level = resolveLevel(all, wanted.level).id;
  if (wanted.review) checkDate(wanted.review, '--review');
  if (wanted.title !== undefined && !wanted.title.trim()) throw new InputError({ code: 'BAD_ARGUMENT', message: t`--title may not be empty` });
  if (!Object.keys(wanted).length) throw new InputError({ code: 'BAD_ARGUMENT', message: t`nothing to change: give --title, --description, --level, --department, --custodian or --review` });
  const w = await record(ctx, o, (ledger) => {
    const s = liveSecret(ledger, id);
    const changes: Partial<Record<EditableField, { from: string | null; to: string | null }>> = {};
    for (const [k, v] of Object.entries(wanted) as [EditableField, string][]) {
      const from = s.fields[k] ?? null;
      const to = v === '' ? null : v;
      if (from !== to) changes[k] = { from, to };
    }
    if (!Object.keys(changes).length) throw new InputError({ code: 'BAD_ARGUMENT', message: t`nothing changes: secret ${id} already has these values` });
    return [{ secret: id, data: { type: 'edited', changes, ...(o.reason ? { reason: o.reason } : {}) } }];
  });
  return printWritten(ctx, w, t`Recorded a change to ${id}`);
}

export async function secretAttach(ctx: CliContext, id: string, registration: string, o: WriteFlags & { entry: string[]; note?: string }): Promise<number> {
  const [coverage] = await coverages(ctx, [registration], o.entry, o.trust);
  const w = await record(ctx, o, (ledger) => {
    const s = liveSecret(ledger, id);
    if (s.versions.some((v) => v.registration === coverage!.registration)) throw new InputError({ code: 'BAD_ARGUMENT', message: t`secret ${id} already covers registration ${coverage!.registration}` });
    return [{ secret: id, data: { type: 'attached', coverage: coverage!, ...(o.note ? { note: o.note } : {}) } }];
  });
  return printWritten(ctx, w, t`Attached registration ${coverage!.registration} (proven ${formatTime(coverage!.provenTime)}) to ${id}`);
}

export async function secretRetire(ctx: CliContext, id: string, o: WriteFlags & { reason?: string }): Promise<number> {
  if (!o.reason?.trim()) throw new InputError({ code: 'BAD_ARGUMENT', message: t`--reason <text> is required` });
  const w = await record(ctx, o, (ledger) => {
    liveSecret(ledger, id);
    return [{ secret: id, data: { type: 'retired', reason: o.reason!.trim() } }];
  });
  return printWritten(ctx, w, t`Retired ${id}; its records stay verifiable`);
}

// ————— access —————

export async function secretGrant(ctx: CliContext, ids: string[], o: WriteFlags & { person?: string; employeeId?: string; role?: string; since?: string; until?: string; certificate?: string }): Promise<number> {
  const person = personOf(o);
  const since = o.since ? checkDate(o.since, '--since') : today(ctx.now());
  if (o.until) checkDate(o.until, '--until');
  if (o.until && o.until < since) throw new InputError({ code: 'BAD_ARGUMENT', message: t`--until ${o.until} is before --since ${since}` });
  let cert: { sha256: string; subject: string } | undefined;
  if (o.certificate) {
    const c = parseCertificates(await readSmall(ctx, o.certificate, '--certificate', LIMITS.certificateFileBytes), o.certificate)[0]!;
    cert = { sha256: c.sha256, subject: c.subject };
  }
  const { randomUUID } = await import('node:crypto');
  const w = await record(ctx, o, (ledger) =>
    ids.map((id) => {
      liveSecret(ledger, id);
      const data: EventData = {
        type: 'granted',
        grant: randomUUID(),
        person,
        since,
        ...(o.role ? { role: o.role } : {}),
        ...(o.until ? { until: o.until } : {}),
        ...(cert ? { certificateSha256: cert.sha256, certificateSubject: cert.subject } : {}),
      };
      return { secret: id, data };
    }),
  );
  return printWritten(ctx, w, t`Granted ${who(person)} access to ${ids.join(', ')} from ${since}${o.until ? t` until ${o.until}` : plain``}`);
}

export async function secretRevoke(ctx: CliContext, ids: string[], o: WriteFlags & { person?: string; employeeId?: string; date?: string; reason?: string; left?: boolean }): Promise<number> {
  const person = personOf(o);
  const date = o.date ? checkDate(o.date, '--date') : today(ctx.now());
  const w = await record(ctx, o, (ledger) => {
    // Without ids: every secret the person has access to.
    const chosen = ids.length ? ids.map((id) => secretIn(ledger, id)) : [...ledger.secrets.values()].filter((s) => s.grants.some((g) => !g.revoked && samePerson(g.person, person)));
    const drafts: Draft[] = [];
    for (const s of chosen) {
      const grants = s.grants.filter((g) => !g.revoked && samePerson(g.person, person)).map((g) => g.id);
      if (!grants.length) {
        if (ids.length) throw new InputError({ code: 'BAD_ARGUMENT', message: t`${who(person)} has no access to ${s.id} to revoke` });
        continue;
      }
      drafts.push({ secret: s.id, data: { type: 'revoked', grants, person, date, ...(o.reason ? { reason: o.reason } : {}), ...(o.left ? { left: true } : {}) } });
    }
    if (!drafts.length) throw new InputError({ code: 'BAD_ARGUMENT', message: t`${who(person)} has no access to any secret` });
    return drafts;
  });
  return printWritten(ctx, w, t`Revoked the access of ${who(person)} to ${w.record.events.map((e) => e.secret).join(', ')}${o.left ? t` (left the company)` : plain``}`);
}

// ————— pledges —————

export async function secretPledge(
  ctx: CliContext,
  ids: string[],
  o: WriteFlags & { person?: string; employeeId?: string; kind?: string; date?: string; document?: string; signer?: string; signerPassphraseFile?: string; acknowledgement?: string; paper?: string },
): Promise<number> {
  const person = personOf(o);
  if (!o.kind || !PLEDGE_KINDS.includes(o.kind as PledgeKind)) throw new InputError({ code: 'BAD_ARGUMENT', message: t`--kind ${o.kind ?? ''}: expected joining (입사), project (참여) or leaving (퇴사)` });
  const kind = o.kind as PledgeKind;
  const date = o.date ? checkDate(o.date, '--date') : today(ctx.now());
  const ways = [o.signer, o.acknowledgement, o.paper].filter((x) => x !== undefined).length;
  if (ways === 0)
    throw new InputError({ code: 'IDENTITY_NOT_FOUND', message: t`${who(person)} must sign the pledge: give --signer <their identity>, --acknowledgement <their signed statement>, or --paper <scan> for a signed paper pledge` });
  if (ways > 1) throw new InputError({ code: 'BAD_ARGUMENT', message: t`give only one of --signer, --acknowledgement and --paper` });
  if (!o.document && !o.paper) throw new InputError({ code: 'BAD_ARGUMENT', message: t`--document <file> (the pledge document) is required` });
  const scan = o.paper ? await fingerprint(ctx, o.paper, '--paper') : undefined;
  const document = o.document ? await fingerprint(ctx, o.document, '--document') : scan!;
  // The person's own identity, unlocked before anything is registered.
  let signer: { key: import('node:crypto').KeyObject; chain: import('../../core/pki/certificate.js').Certificate[] } | undefined;
  if (o.signer) {
    const store = new IdentityStore(ctx.home);
    await store.record(o.signer);
    const pass = await getPassphrase(ctx, { env: 'TSPROOF_SIGNER_PASSPHRASE', ...(o.signerPassphraseFile ? { file: o.signerPassphraseFile } : {}), prompt: t`Passphrase of ${who(person)}'s identity "${o.signer}": ` });
    const u = await store.unlock(o.signer, pass);
    signer = { key: u.key, chain: u.chain };
  }
  let given: Uint8Array | undefined;
  if (o.acknowledgement) given = new Uint8Array(await readSmall(ctx, o.acknowledgement, '--acknowledgement', LIMITS.signatureBytes));
  const { randomUUID } = await import('node:crypto');
  const w = await record(ctx, o, (ledger) => {
    const secrets = ids.length ? ids.map((id) => liveSecret(ledger, id).id) : [...ledger.secrets.values()].filter((s) => !s.retired).map((s) => s.id);
    if (!secrets.length) throw new InputError({ code: 'BAD_ARGUMENT', message: t`no secret on record for the pledge to cover` });
    const statement = pledgeStatement({ person, kind, date, document, secrets });
    let ack: Uint8Array | undefined;
    if (signer) ack = signPledge(statement, signer, ctx.now());
    if (given) ack = given;
    const base = { type: 'pledged' as const, pledge: randomUUID(), person, kind, date, document };
    let data: EventData;
    if (ack) {
      const c = checkAcknowledgement(ack, statement);
      if (!c.ok || !c.signer) throw new VerificationError({ code: 'VERIFICATION_FAILED', message: t`the pledge acknowledgement does not check out: ${c.problems.map((p) => p.render()).join('; ')}` });
      // The person's certificate on record (a grant's --certificate, or an earlier signed pledge):
      // a renewed certificate keeps the subject; another subject is someone else's key.
      const known = certificateOnRecord(ledger, person);
      if (known && known.sha256 !== c.signer.sha256 && known.subject !== c.signer.subject)
        throw new VerificationError({ code: 'VERIFICATION_FAILED', message: t`the pledge is signed by "${c.signer.subject}", but ${who(person)}'s certificate on record is "${known.subject}": not their key` });
      data = { ...base, form: 'signed', acknowledgement: toBase64(ack), signer: { subject: c.signer.subject, certificateSha256: c.signer.sha256 } };
    } else data = { ...base, form: 'paper', scan: scan! };
    return secrets.map((secret) => ({ secret, data }));
  });
  const d = w.record.events[0]!.data as Extract<EventData, { type: 'pledged' }>;
  return printWritten(
    ctx,
    w,
    d.form === 'signed'
      ? t`Recorded the ${kindText(kind)} of ${who(person)}, signed by "${d.signer!.subject}", covering ${w.record.events.map((e) => e.secret).join(', ')}`
      : t`Recorded the ${kindText(kind)} of ${who(person)} on paper (scan SHA-256 ${d.scan!.sha256}), covering ${w.record.events.map((e) => e.secret).join(', ')}`,
  );
}

/**
 * The statement a person signs for a pledge, as canonical JSON — to sign elsewhere (e.g.
 * `openssl cms -sign -nodetach -binary -outform DER`) and record with `pledge --acknowledgement`.
 */
export async function secretStatement(ctx: CliContext, ids: string[], o: { person?: string; employeeId?: string; kind?: string; date?: string; document?: string; out?: string }): Promise<number> {
  const person = personOf(o);
  if (!o.kind || !PLEDGE_KINDS.includes(o.kind as PledgeKind)) throw new InputError({ code: 'BAD_ARGUMENT', message: t`--kind ${o.kind ?? ''}: expected joining (입사), project (참여) or leaving (퇴사)` });
  const date = o.date ? checkDate(o.date, '--date') : today(ctx.now());
  if (!o.document) throw new InputError({ code: 'BAD_ARGUMENT', message: t`--document <file> (the pledge document) is required` });
  const document = await fingerprint(ctx, o.document, '--document');
  const ledger = await readLedger(ctx, false);
  const secrets = ids.length ? ids.map((id) => liveSecret(ledger, id).id) : [...ledger.secrets.values()].filter((s) => !s.retired).map((s) => s.id);
  if (!secrets.length) throw new InputError({ code: 'BAD_ARGUMENT', message: t`no secret on record for the pledge to cover` });
  const text = canonicalJson(pledgeStatement({ person, kind: o.kind as PledgeKind, date, document, secrets }));
  if (o.out) {
    const dest = path.resolve(ctx.cwd, o.out);
    if (await exists(dest)) throw new InputError({ code: 'BAD_ARGUMENT', message: t`${o.out} already exists` });
    await writeAtomic(dest, text);
    note(ctx, t`Wrote the statement to ${rel(ctx, dest)}; the person signs it (CMS, content encapsulated) and the pledge is recorded with --acknowledgement.`);
  } else await writeChunks(ctx, [`${text}\n`]);
  return ExitCode.OK;
}

// ————— handling history —————

export async function secretHandle(ctx: CliContext, id: string, action: string, o: WriteFlags & { person?: string; employeeId?: string; date?: string; note?: string; partner?: string; nda?: string }): Promise<number> {
  if (!HANDLING_ACTIONS.includes(action as HandlingAction)) throw new InputError({ code: 'BAD_ARGUMENT', message: t`${action}: expected one of ${HANDLING_ACTIONS.join(', ')}` });
  const person = personOf(o);
  const date = o.date ? checkDate(o.date, '--date') : today(ctx.now());
  if (action === 'lent' && !o.partner) throw new InputError({ code: 'BAD_ARGUMENT', message: t`lent: name the partner with --partner (and its NDA with --nda <file>)` });
  const nda = o.nda ? await fingerprint(ctx, o.nda, '--nda') : undefined;
  const w = await record(ctx, o, (ledger) => {
    liveSecret(ledger, id);
    return [{ secret: id, data: { type: 'handled', action: action as HandlingAction, person, date, ...(o.note ? { note: o.note } : {}), ...(o.partner ? { partner: o.partner } : {}), ...(nda ? { nda } : {}) } }];
  });
  return printWritten(ctx, w, t`Recorded: ${id} ${action} by ${who(person)} on ${date}`);
}

// ————— reading —————

async function readLedger(ctx: CliContext, verify: boolean, trust: readonly string[] = []): Promise<Ledger> {
  const { records, problems } = await withBackend(ctx, (b) => b.store.load());
  const vctx: VerifyContext | undefined = verify ? { ...(await verifySettings(ctx, { trust })), now: ctx.now() } : undefined;
  return foldRecords(records, { ...(vctx ? { verify: vctx } : {}), storeProblems: problems });
}

export async function secretList(ctx: CliContext, o: { all?: boolean }): Promise<number> {
  const ledger = await readLedger(ctx, false);
  const all = await levels(ctx);
  const rows = [...ledger.secrets.values()].filter((s) => o.all || !s.retired);
  if (ctx.json) {
    printJson(ctx, { ok: true, secrets: rows.map((s) => ({ id: s.id, ...s.fields, versions: s.versions.length, access: s.grants.filter((g) => !g.revoked).length, retired: !!s.retired, events: s.events.length })) });
    return ExitCode.OK;
  }
  if (!rows.length) {
    out(ctx, t`No secrets on record.`);
    return ExitCode.OK;
  }
  for (const s of rows)
    out(
      ctx,
      s.retired
        ? t`${s.id}  [${levelName(ctx, all, s.fields.level)}]  ${s.fields.title} — retired`
        : t`${s.id}  [${levelName(ctx, all, s.fields.level)}]  ${s.fields.title} — ${s.versions.length} version(s), ${s.grants.filter((g) => !g.revoked).length} with access`,
    );
  return ExitCode.OK;
}

export async function secretVerify(ctx: CliContext, o: { trust: string[] }): Promise<number> {
  const ledger = await readLedger(ctx, true, o.trust);
  if (ctx.json) {
    printJson(ctx, {
      ok: ledger.ok,
      records: new Set(ledger.events.map((e) => e.record)).size,
      events: ledger.events.length,
      problems: ledger.problems.map((p) => ({ message: p.message, ...(p.record ? { record: p.record } : {}), ...(p.event ? { event: p.event } : {}) })),
    });
    return ledger.ok ? ExitCode.OK : ExitCode.VERIFY_FAILED;
  }
  if (ledger.ok) out(ctx, t`All ${ledger.events.length} event(s) of ${ledger.secrets.size} secret(s) verify: each signed, timestamped and in its chain.`);
  else {
    out(ctx, paint(ctx, 'red', t`The secrecy-measure records do NOT verify (${ledger.problems.length} problem(s)):`));
    for (const p of ledger.problems) out(ctx, plain`  ✘ ${p.message}`);
  }
  return ledger.ok ? ExitCode.OK : ExitCode.VERIFY_FAILED;
}

function findingText(f: Finding): Text {
  const p = f.person ? who(f.person) : '';
  switch (f.kind) {
    case 'access-without-pledge':
      return t`${p} has access to ${f.secret ?? ''} but no pledge covering it`;
    case 'leaver-without-pledge':
      return t`${p} left (${f.date ?? ''}) without a leaving pledge (퇴사 서약 누락)`;
    case 'leaver-with-access':
      return t`${p} left (${f.date ?? ''}) but still has access to ${f.secret ?? ''}`;
    case 'access-expired':
      return t`${p}'s access to ${f.secret ?? ''} ended on ${f.date ?? ''} but was not revoked`;
    case 'review-overdue':
      return t`the review of ${f.secret ?? ''} was due on ${f.date ?? ''}`;
    case 'record-invalid':
      return t`a record does not verify: ${f.detail ?? plain`?`}`;
  }
}

export async function secretStatsCommand(ctx: CliContext, o: { trust: string[]; date?: string }): Promise<number> {
  const date = o.date ? checkDate(o.date, '--date') : today(ctx.now());
  const ledger = await readLedger(ctx, true, o.trust);
  const all = await levels(ctx);
  const s = secretStats(ledger, all, date);
  const code = s.findings.length ? ExitCode.VERIFY_FAILED : ExitCode.OK;
  if (ctx.json) {
    printJson(ctx, { ok: code === 0, ...s });
    return code;
  }
  out(ctx, t`Secrets on record on ${date}: ${s.secrets.total} (${s.secrets.retired} retired)`);
  for (const l of s.secrets.byLevel) out(ctx, plain`  ${levelName(ctx, all, l.level)}: ${l.count}`);
  out(ctx, t`People with access: ${s.people.withAccess}; with a pledge: ${s.people.pledged}; leavers: ${s.people.leavers}`);
  if (!s.findings.length) out(ctx, t`Nothing needs attention.`);
  else {
    out(ctx, paint(ctx, 'yellow', t`${s.findings.length} thing(s) need attention:`));
    for (const f of s.findings) out(ctx, plain`  ! ${findingText(f)}`);
  }
  return code;
}

export async function secretShow(ctx: CliContext, id: string, o: { trust: string[] }): Promise<number> {
  return secretReportCommand(ctx, id, { ...o, brief: true });
}

export async function secretReportCommand(ctx: CliContext, id: string, o: { trust: string[]; pdf?: string; evidence?: string; lang?: LangOption; brief?: boolean }): Promise<number> {
  const ledger = await readLedger(ctx, true, o.trust);
  const s = secretIn(ledger, id);
  const all = await levels(ctx);
  const report = secretReport(ledger, s, all, ctx.now());
  if (o.pdf) {
    const dest = path.resolve(ctx.cwd, o.pdf);
    if (await exists(dest)) throw new InputError({ code: 'BAD_ARGUMENT', message: t`${o.pdf} already exists` });
    const { renderSecretReportPdf } = await import('../../core/secrets/pdf.js');
    await writeAtomic(dest, await renderSecretReportPdf(report, { lang: certificateLang(ctx, o.lang), tool: `tsproof ${VERSION}`, issuedAt: ctx.now() }));
    note(ctx, t`Wrote the report to ${rel(ctx, dest)}.`);
  }
  if (o.evidence) {
    const dest = path.resolve(ctx.cwd, o.evidence);
    const { secretEvidence } = await import('../../core/secrets/evidence.js');
    const { records } = await withBackend(ctx, (b) => b.store.load());
    const vctx = { ...(await verifySettings(ctx, { trust: o.trust })), now: ctx.now(), tool: `tsproof ${VERSION}` };
    const files = secretEvidence(records, s, report, vctx);
    if (!files) throw new VerificationError({ code: 'VERIFICATION_FAILED', message: t`the records of ${id} do not verify; an evidence pack of them would prove nothing` });
    await writeNewFolder(dest, files, o.evidence);
    note(ctx, t`Wrote the evidence pack to ${rel(ctx, dest)}; a third party checks it with ./verify-all.sh (OpenSSL only).`);
  }
  const code = report.ok ? ExitCode.OK : ExitCode.VERIFY_FAILED;
  if (ctx.json) {
    printJson(ctx, report);
    return code;
  }
  for (const line of reportLines(ctx, report, all, !!o.brief)) out(ctx, line);
  return code;
}

function kindText(k: PledgeKind): Text {
  switch (k) {
    case 'joining':
      return t`joining pledge`;
    case 'project':
      return t`project pledge`;
    case 'leaving':
      return t`leaving pledge`;
  }
}

function proofMark(ctx: CliContext, ok: boolean | undefined): Text {
  return ok ? paint(ctx, 'green', plain`✔`) : paint(ctx, 'red', plain`✘`);
}

function reportLines(ctx: CliContext, r: SecretReport, all: readonly Level[], brief: boolean): Text[] {
  const L: Text[] = [];
  const s = r.secret;
  L.push(t`Secret ${s.id} — ${s.title}`);
  L.push(t`  classification  ${levelName(ctx, all, s.level)}`);
  if (s.description) L.push(t`  description     ${s.description}`);
  if (s.department) L.push(t`  department      ${s.department}`);
  if (s.custodian) L.push(t`  custodian       ${s.custodian}`);
  if (s.review) L.push(t`  review due      ${s.review}`);
  if (r.retired) L.push(t`  retired         ${r.retired.reason}`);
  L.push(r.ok ? t`  records         ${r.events.length} event(s), all signed, timestamped and chained` : paint(ctx, 'red', t`  records         ${r.events.length} event(s) — ${r.problems.length} problem(s): the records do NOT verify`));
  for (const p of r.problems) L.push(plain`    ✘ ${p}`);
  L.push(t`Versions (registrations of its files):`);
  for (const v of r.versions) L.push(plain`  ${proofMark(ctx, v.recordOk)} ${t`${v.registration}: ${v.files} file(s), proven ${formatTime(v.provenTime)}, holder ${v.holder}`}`);
  L.push(t`Classification history:`);
  for (const c of r.classification) L.push(plain`  ${proofMark(ctx, c.recordOk)} ${plain`${formatTime(c.time)}  ${levelName(ctx, all, c.level)}`}`);
  L.push(t`Access:`);
  if (!r.access.length) L.push(t`  nobody`);
  for (const a of r.access) {
    const until = a.until ? t` until ${a.until}` : plain``;
    const end = a.revoked ? t`, revoked ${a.revoked.date}${a.revoked.left ? t` (left the company)` : plain``}${a.revoked.reason ? ` — ${a.revoked.reason}` : ''}` : plain``;
    L.push(plain`  ${proofMark(ctx, a.recordOk)} ${t`${who(a.person)}${a.role ? ` (${a.role})` : ''}: from ${a.since}${until}${end}; granted by ${a.grantedBy}`}`);
  }
  L.push(t`Pledges:`);
  if (!r.pledges.length) L.push(t`  none`);
  for (const p of r.pledges) {
    const how = p.form === 'paper' ? t`on paper, scan SHA-256 ${p.scan?.sha256 ?? '?'}` : t`signed by "${p.signer?.subject ?? '?'}"`;
    const status = p.status === 'verified' ? t`signature verified` : p.status === 'paper' ? t`paper pledge (registered scan)` : t`does NOT verify: ${p.problems.join('; ')}`;
    L.push(plain`  ${proofMark(ctx, p.recordOk && p.status !== 'failed')} ${t`${who(p.person)}: ${kindText(p.kind)} of ${p.date}, ${how} — ${status}`}`);
    L.push(t`      document ${p.document.name}, SHA-256 ${p.document.sha256}`);
  }
  L.push(t`Handling history:`);
  if (!r.handling.length) L.push(t`  none`);
  for (const h of r.handling)
    L.push(plain`  ${proofMark(ctx, h.recordOk)} ${t`${h.date}  ${h.action} by ${who(h.person)}${h.partner ? ` → ${h.partner}` : ''}${h.nda ? t` (NDA SHA-256 ${h.nda.sha256})` : plain``}${h.note ? ` — ${h.note}` : ''}`}`);
  if (!brief) {
    L.push(t`Events (each signed by its recorder and timestamped):`);
    for (const e of r.events) L.push(plain`  ${proofMark(ctx, e.ok)} ${t`#${e.seq} ${e.type}  ${e.time ? formatTime(e.time) : t`no proven time`}  by ${e.recorder ?? '?'}  (record ${e.record}, SHA-256 ${e.sha256.slice(0, 16)}…)`}`);
  }
  return L;
}
