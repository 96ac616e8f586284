/**
 * tsproof escrow — technology escrow (기술자료 임치, docs/escrow.md): deposit files encrypted for
 * an escrow agent and beneficiaries, inspect a deposit without opening it, verify it as the
 * agent (검증임치), release it to a beneficiary, and print a certificate of deposit.
 */
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { InputError, VerificationError } from '../../core/errors.js';
import { hashFile } from '../../core/hash/engine.js';
import { collectFiles, RECEIPT_SUFFIX } from '../../core/io/files.js';
import { exists, writeAtomic } from '../../core/io/fs.js';
import { parseCertificates } from '../../core/pki/certificate.js';
import { register } from '../../core/register.js';
import { deposit } from '../../core/escrow/deposit.js';
import { RegistryEscrowEventLog, signedField, type EscrowEventLog } from '../../core/escrow/events.js';
import { judgeDeposit, readDeposit, type DepositFile, type DepositJudgement } from '../../core/escrow/open.js';
import { renderDepositCertificate, renderVerificationStatementPdf } from '../../core/escrow/pdf.js';
import { describeRecipient, recipientOf, type RecipientSummary } from '../../core/escrow/recipients.js';
import { asDepositStatement, checkSignedDocument, partyOf, signDocument, type ReleaseEvent, type VerificationStatement } from '../../core/escrow/statements.js';
import { problemText, releaseDeposit, verifyDeposit } from '../../core/escrow/unseal.js';
import { loadReceipt } from '../../core/verify/files.js';
import type { FileResult } from '../../core/escrow/archive.js';
import type { ContentCipherName } from '../../core/escrow/seal-stream.js';
import type { Receipt } from '../../core/receipt/receipt.js';
import { certificateLang, newOutput, noteVcs, unlockIdentity, verifySettings, walkOptions, type WalkFlags } from '../common.js';
import { ExitCode } from '../exit.js';
import { note, out, paint, printJson, VERSION, warn } from '../output.js';
import { formatTime, formatTimestamp, renderChecks, summarize } from '../render.js';
import { identityPhrase } from '../../core/verify/explain.js';
import { hashingProgress, type ProgressHandle } from '../progress.js';
import { registrationInputs, saveRegistration, type RegisterFlags } from './register.js';
import type { CliContext } from '../context.js';
import type { LangOption } from '../i18n.js';
import { plain, t, type Text } from '../../core/text.js';

const TOOL = `tsproof ${VERSION}`;
const bytes = (n: number) => n.toLocaleString('en-US');
const rel = (ctx: CliContext, p: string) => path.relative(ctx.cwd, p) || p;

/** Where escrow events are recorded: the registry's event chain (docs/escrow.md, "Events"). */
function eventLog(ctx: CliContext): EscrowEventLog {
  return new RegistryEscrowEventLog(ctx.home, ctx.now);
}

async function readRecipientCertificate(ctx: CliContext, file: string) {
  let data: Buffer;
  try {
    data = await readFile(path.resolve(ctx.cwd, file));
  } catch {
    throw new InputError({ code: 'FILE_NOT_FOUND', message: t`${file}: cannot read the recipient certificate` });
  }
  return recipientOf(parseCertificates(data, file)[0]!, ctx.now(), file);
}

/** The deposit an update names: its statement's id (the statement must verify) and its file's SHA-256. */
async function previousLink(ctx: CliContext, file: string, holderSha256: string): Promise<{ id: string; sha256: string }> {
  const abs = path.resolve(ctx.cwd, file);
  const d = await readDeposit(abs, file);
  const s = d.statementCms ? checkSignedDocument(d.statementCms, 'previous') : undefined;
  const statement = s?.document ? asDepositStatement(s.document) : undefined;
  if (!s || !statement || !s.checks.every((c) => c.ok)) throw new InputError({ code: 'MALFORMED_DEPOSIT', message: t`--previous ${file}: not a tsproof deposit with a valid deposit statement` });
  if (s.signer?.sha256 !== holderSha256) warn(ctx, t`--previous ${file} was deposited by "${s.signer?.subject ?? '?'}", not by this identity`);
  return { id: statement.id, sha256: (await hashFile(abs, ['sha256'], file)).digests.sha256! };
}

export async function escrowDeposit(ctx: CliContext, inputs: string[], o: RegisterFlags & WalkFlags & { to: string[]; out: string; previous?: string; cipher: string }): Promise<number> {
  if (o.cipher !== 'aes-256-cbc' && o.cipher !== 'aes-256-gcm') throw new InputError({ code: 'BAD_ARGUMENT', message: t`--cipher ${o.cipher}: expected aes-256-cbc or aes-256-gcm` });
  const cipher: ContentCipherName = o.cipher;
  if (o.to.length === 0) throw new InputError({ code: 'BAD_ARGUMENT', message: t`give the escrow agent's certificate with --to <pem> (and --to for each beneficiary)` });
  const dest = await newOutput(ctx, o.out);
  const receiptFile = `${dest}${RECEIPT_SUFFIX}`;
  if (await exists(receiptFile)) throw new InputError({ code: 'BAD_ARGUMENT', message: t`${rel(ctx, receiptFile)} already exists` });
  const recipients = await Promise.all(o.to.map((f) => readRecipientCertificate(ctx, f)));
  const common = await registrationInputs(ctx, o);
  const previous = o.previous ? await previousLink(ctx, o.previous, common.identity.chain[0]!.sha256) : undefined;
  let progress: ProgressHandle | undefined;
  try {
    const { files, skipped, excluded } = await collectFiles(inputs, ctx.cwd, walkOptions(o));
    for (const s of skipped) warn(ctx, t`skipped ${s.path}: ${s.reason}`);
    noteVcs(ctx, excluded);
    progress = await hashingProgress(ctx, files.length);
    const d = await deposit({ ...common, files, progress: progress.attach, recipients, out: dest, cipher, ...(previous ? { previous } : {}) });
    progress.stop();
    const reg = d.registration;
    await saveRegistration(ctx, reg, receiptFile);
    const depositor = reg.verification.holder!;
    await eventLog(ctx).record({
      kind: 'deposit',
      time: d.statement.created,
      deposit: { id: d.statement.id, file: dest },
      receiptId: reg.receipt.id,
      actor: { subject: depositor.subject, certificateSha256: depositor.certificateSha256 },
      signed: signedField(d.statementCms),
    });
    if (ctx.json) {
      printJson(ctx, {
        ok: true,
        deposit: { file: rel(ctx, dest), id: d.statement.id, bytes: d.bytes, archiveBytes: d.archiveBytes, ...(previous ? { previous } : {}) },
        receipt: rel(ctx, receiptFile),
        receiptId: reg.receipt.id,
        time: reg.verification.time,
        holder: depositor,
        timestamps: reg.verification.timestamps,
        recipients: d.statement.recipients,
        files: reg.receipt.entries.map((e) => ({ file: e.name, size: e.size, digests: e.digests })),
      });
      return ExitCode.OK;
    }
    out(ctx, t`Deposited ${reg.files.length} file(s) (${bytes(d.statement.receipt.bytes)} bytes) → ${rel(ctx, dest)} (${bytes(d.bytes)} bytes, ${cipher.toUpperCase()})`);
    out(ctx, t`  holder      ${depositor.subject}`);
    for (const ts of reg.verification.timestamps) out(ctx, t`  time        ${formatTimestamp(ts)}`);
    out(ctx, t`  receipt     ${rel(ctx, receiptFile)} (${reg.receipt.id})`);
    for (const [i, r] of recipients.entries()) out(ctx, i === 0 ? t`  agent       ${r.certificate.subject} — ${describeRecipient(r)}` : t`  beneficiary ${r.certificate.subject} — ${describeRecipient(r)}`);
    out(ctx, t`  deposit id  ${d.statement.id}`);
    if (previous) out(ctx, t`  updates     ${previous.id} (SHA-256 ${previous.sha256})`);
    note(ctx, t`Keep the receipt. A certificate of deposit: tsproof escrow certificate ${rel(ctx, dest)} --out <pdf>`);
    return ExitCode.OK;
  } finally {
    progress?.stop();
  }
}

/** A deposit and what it carries, judged; `receipt` replaces the carried receipt. */
async function judged(ctx: CliContext, file: string, o: { trust: string[]; receipt?: string; previous?: string }): Promise<{ d: DepositFile; j: DepositJudgement }> {
  const d = await readDeposit(path.resolve(ctx.cwd, file), file);
  const receipt: Receipt | undefined = o.receipt ? await loadReceipt(path.resolve(ctx.cwd, o.receipt)) : undefined;
  const vctx = { ...(await verifySettings(ctx, { trust: o.trust })), now: ctx.now() };
  const j = await judgeDeposit(d, vctx, { ...(receipt ? { receipt } : {}), ...(o.previous ? { previous: path.resolve(ctx.cwd, o.previous) } : {}) });
  return { d, j };
}

/** The envelope's recipients, with the role and subject the deposit statement gives them. */
function recipientRows(d: DepositFile, j: DepositJudgement) {
  return d.recipients.map((r: RecipientSummary) => {
    const s = j.statement?.recipients.find((n) => n.issuer === r.issuer && n.serial === r.serial);
    return { ...r, ...(s ? { role: s.role, subject: s.subject, certificateSha256: s.certificateSha256 } : {}) };
  });
}

export async function escrowInspect(ctx: CliContext, file: string, o: { trust: string[]; receipt?: string; previous?: string; receiptOut?: string; all?: boolean }): Promise<number> {
  const receiptOut = o.receiptOut ? await newOutput(ctx, o.receiptOut) : undefined;
  const { d, j } = await judged(ctx, file, o);
  const sha256 = (await hashFile(d.path, ['sha256'], file)).digests.sha256!;
  if (receiptOut) {
    if (!d.receiptBytes) throw new InputError({ code: 'RECEIPT_NOT_FOUND', message: t`${file} carries no receipt` });
    await writeAtomic(receiptOut, d.receiptBytes);
  }
  const v = j.verification;
  const rows = recipientRows(d, j);
  const files = j.receipt.entries;
  const total = files.reduce((n, e) => n + e.size, 0);
  if (ctx.json) {
    printJson(ctx, {
      ok: j.ok,
      deposit: { file, bytes: d.size, sha256, kind: d.layout.kind, cipher: d.layout.cipher.name, ciphertextBytes: d.layout.ciphertextBytes },
      recipients: rows,
      ...(j.statement ? { statement: j.statement } : {}),
      receipt: { id: j.receipt.id, verifies: v.ok, ...(v.time ? { provenTime: v.time } : {}), ...(v.holder ? { holder: v.holder } : {}), timestamps: v.timestamps, files: files.length, bytes: total },
      checks: j.checks,
      files: files.map((e) => ({ file: e.name, size: e.size, digests: e.digests })),
    });
    return ExitCode.OK;
  }
  out(ctx, t`Deposit ${file} — ${bytes(d.size)} bytes, SHA-256 ${sha256}`);
  out(ctx, t`  encryption  ${d.layout.kind}, ${d.layout.cipher.name} (${bytes(d.layout.ciphertextBytes)} bytes of ciphertext)`);
  for (const r of rows) {
    const who = r.subject ? r.subject : r.issuer ? `${r.issuer} #${r.serial}` : (r.keyId ?? '');
    out(ctx, r.role === 'agent' ? t`  agent       ${who} — ${r.scheme}` : r.role === 'beneficiary' ? t`  beneficiary ${who} — ${r.scheme}` : t`  recipient   ${who} — ${r.scheme}`);
  }
  if (j.statement) {
    out(ctx, t`  deposit id  ${j.statement.id}, sealed ${formatTime(j.statement.created)} (the depositor's clock)`);
    if (j.statement.previous) out(ctx, t`  updates     ${j.statement.previous.id} (SHA-256 ${j.statement.previous.sha256})`);
  }
  out(ctx, t`  receipt     ${j.receipt.id}: ${files.length} file(s), ${bytes(total)} bytes`);
  if (v.holder) out(ctx, t`  holder      ${v.holder.subject} (${identityPhrase(v.holder)})`);
  for (const ts of v.timestamps) out(ctx, ts.trusted ? t`  time        ${formatTimestamp(ts)}` : t`  time        ${formatTimestamp(ts)} — CLAIMED, NOT PROVEN (the TSA's root is not trusted here)`);
  out(ctx, j.ok ? t`  checks      ${summarize(j.checks)}` : t`  checks      ${summarize(j.checks)} — the deposit does NOT check out`);
  for (const line of renderChecks(
    ctx,
    j.checks.filter((c) => c.status === 'fail' || c.status === 'warn'),
  ))
    out(ctx, line);
  const shown = o.all ? files : files.slice(0, 20);
  for (const e of shown) out(ctx, plain`    ${e.digests[v.manifest?.merkle.algorithm ?? 'sha256'] ?? ''}  ${e.name}`);
  if (shown.length < files.length) out(ctx, t`    … ${files.length - shown.length} more (--all to list them)`);
  if (receiptOut) note(ctx, t`Wrote the receipt to ${rel(ctx, receiptOut)}.`);
  return ExitCode.OK;
}

function fileLines(ctx: CliContext, files: readonly FileResult[], all: boolean): Text[] {
  return files.filter((f) => all || f.status !== 'matched').map((f) => (f.status === 'matched' ? plain`  ${paint(ctx, 'green', plain`✔`)} ${f.name}` : plain`  ${paint(ctx, 'red', plain`✘`)} ${problemText(f)}`));
}

/** The statement file names: <base>.json, its receipt and its PDF; none may exist yet. */
async function statementPaths(ctx: CliContext, deposit: string, given?: string) {
  const json = path.resolve(ctx.cwd, given ?? `${path.basename(deposit)}.verification.json`);
  const paths = { json, receipt: `${json}${RECEIPT_SUFFIX}`, pdf: `${json.replace(/\.json$/i, '')}.pdf` };
  for (const p of Object.values(paths)) if (await exists(p)) throw new InputError({ code: 'BAD_ARGUMENT', message: t`${rel(ctx, p)} already exists (statements are never overwritten)` });
  return paths;
}

export async function escrowVerify(ctx: CliContext, file: string, o: RegisterFlags & { receipt?: string; previous?: string; out?: string; lang?: LangOption; all?: boolean }): Promise<number> {
  if (!o.identity) throw new InputError({ code: 'BAD_ARGUMENT', message: t`give the escrow agent's identity with --identity <name>` });
  const paths = await statementPaths(ctx, file, o.out);
  const lang = certificateLang(ctx, o.lang ?? ctx.langOption);
  // The statement is registered with the agent's identity: TSAs and the passphrase first, before the long work.
  const common = await registrationInputs(ctx, o);
  const key = await common.identity.key;
  const agent = common.identity.chain[0]!;
  const { d, j } = await judged(ctx, file, o);
  const v = await verifyDeposit({ deposit: d, judgement: j, identity: { key, certificate: agent } });
  const rv = j.verification;
  const holder = rv.holder;
  if (!v.ok) {
    if (ctx.json) printJson(ctx, { ok: false, deposit: { file, sha256: v.sha256, bytes: d.size }, checks: v.checks, files: v.files });
    else {
      out(ctx, plain`${paint(ctx, 'red', t`✘ NOT VERIFIED`)}  ${file}`);
      out(ctx, t`  checks   ${summarize(v.checks)}`);
      for (const line of renderChecks(
        ctx,
        v.checks.filter((c) => !c.ok || c.status === 'warn'),
      ))
        out(ctx, line);
      for (const line of fileLines(ctx, v.files, false)) out(ctx, line);
      note(ctx, t`No verification statement was written.`);
    }
    return ExitCode.VERIFY_FAILED;
  }

  // The statement: written, then registered (signed and timestamped) by the agent.
  const m = rv.manifest!;
  const alg = m.merkle.algorithm;
  const statement: VerificationStatement = {
    format: 'tsproof.escrow.verification',
    version: 1,
    result: 'verified',
    statement: `The deposit contains exactly the ${j.receipt.entries.length} file(s) registered by ${holder!.subject} at ${rv.time}.`,
    deposit: { file: path.basename(file), sha256: v.sha256, bytes: d.size, ...(j.statement ? { id: j.statement.id, created: j.statement.created } : {}), ...(j.statement?.previous ? { previous: j.statement.previous } : {}) },
    depositor: { subject: holder!.subject, certificateSha256: holder!.certificateSha256, identity: holder!.identity },
    registration: { receipt: j.receipt.id, provenTime: rv.time!, algorithm: alg, merkleRoot: m.merkle.root, files: j.receipt.entries.length, bytes: v.bytes },
    agent: partyOf(agent),
    verifiedAt: ctx.now().toISOString(),
    files: j.receipt.entries.map((e) => ({ name: e.name, size: e.size, digest: e.digests[alg]! })),
  };
  await writeAtomic(paths.json, `${JSON.stringify(statement, null, 2)}\n`);
  try {
    const reg = await register({ ...common, files: [{ absolute: paths.json, name: path.basename(paths.json) }] });
    if (reg.kind !== 'registered') throw new VerificationError({ code: 'VERIFICATION_FAILED', message: t`the statement was not registered` });
    await saveRegistration(ctx, reg, paths.receipt);
    const pdf = await renderVerificationStatementPdf({
      lang,
      issuedAt: new Date(statement.verifiedAt),
      tool: TOOL,
      statementFile: path.basename(paths.json),
      depositFile: path.basename(file),
      sha256: v.sha256,
      bytes: d.size,
      ...(j.statement ? { statement: j.statement } : {}),
      agent: partyOf(agent),
      verification: rv,
      entries: statement.files,
      checks: v.checks,
    });
    await writeAtomic(paths.pdf, pdf);
    await eventLog(ctx).record({
      kind: 'verification',
      time: statement.verifiedAt,
      deposit: { ...(j.statement ? { id: j.statement.id } : {}), sha256: v.sha256, file: path.resolve(ctx.cwd, file) },
      receiptId: j.receipt.id,
      actor: partyOf(agent),
      signed: Buffer.from(JSON.stringify(reg.receipt)).toString('base64'),
      files: [paths.json, paths.receipt, paths.pdf],
    });
  } catch (err) {
    // Never a statement without its signature and timestamp.
    await Promise.all([paths.json, paths.receipt, paths.pdf].map((p) => rm(p, { force: true })));
    throw err;
  }
  if (ctx.json) {
    printJson(ctx, { ok: true, deposit: { file, sha256: v.sha256, bytes: d.size }, statement: rel(ctx, paths.json), statementReceipt: rel(ctx, paths.receipt), pdf: rel(ctx, paths.pdf), checks: v.checks, files: v.files });
    return ExitCode.OK;
  }
  out(ctx, plain`${paint(ctx, 'green', t`✔ VERIFIED`)}  ${file}`);
  out(ctx, t`  the deposit contains exactly the ${j.receipt.entries.length} file(s) (${bytes(v.bytes)} bytes) registered by ${holder!.subject} at ${formatTime(rv.time!)}`);
  out(ctx, t`  checks   ${summarize(v.checks)}`);
  for (const line of renderChecks(
    ctx,
    v.checks.filter((c) => c.status === 'warn'),
  ))
    out(ctx, line);
  for (const line of fileLines(ctx, v.files, !!o.all)) out(ctx, line);
  out(ctx, t`  statement ${rel(ctx, paths.json)} (signed and timestamped: ${rel(ctx, paths.receipt)}), PDF ${rel(ctx, paths.pdf)}`);
  return ExitCode.OK;
}

export async function escrowRelease(ctx: CliContext, file: string, o: { identity?: string; out: string; receipt?: string; trust: string[]; passphraseFile?: string }): Promise<number> {
  if (!o.identity) throw new InputError({ code: 'BAD_ARGUMENT', message: t`give the beneficiary's identity with --identity <name>` });
  const dest = await newOutput(ctx, o.out);
  const id = await unlockIdentity(ctx, o.identity, o.passphraseFile);
  const { d, j } = await judged(ctx, file, o);
  const r = await releaseDeposit({ deposit: d, judgement: j, identity: { key: id.key, certificate: id.chain[0]! }, out: dest, random: ctx.random });
  const event: ReleaseEvent = {
    format: 'tsproof.escrow.release',
    version: 1,
    deposit: { sha256: r.sha256, bytes: d.size, ...(j.statement ? { id: j.statement.id } : {}) },
    registration: { receipt: j.receipt.id, merkleRoot: j.verification.manifest!.merkle.root },
    beneficiary: partyOf(id.chain[0]!),
    released: ctx.now().toISOString(),
    files: r.files.length,
    bytes: r.bytes,
  };
  const log = eventLog(ctx);
  await log.record({
    kind: 'release',
    time: event.released,
    deposit: { ...(j.statement ? { id: j.statement.id } : {}), sha256: r.sha256, file: path.resolve(ctx.cwd, file) },
    receiptId: j.receipt.id,
    actor: event.beneficiary,
    signed: signedField(signDocument(event, { key: id.key, chain: id.chain }, new Date(event.released))),
  });
  if (ctx.json) {
    printJson(ctx, { ok: true, out: rel(ctx, dest), deposit: event.deposit, files: r.files.map((f) => ({ file: f.name, size: f.size })), event });
    return ExitCode.OK;
  }
  out(ctx, t`Released ${r.files.length} file(s) (${bytes(r.bytes)} bytes) into ${rel(ctx, dest)}; each matches its registration.`);
  out(ctx, t`  deposit   SHA-256 ${r.sha256}`);
  const layout = d.layout;
  out(
    ctx,
    layout.kind === 'authEnvelopedData'
      ? t`  integrity the authentication tag (AES-GCM) checked out`
      : layout.gmac
        ? t`  integrity the MAC (AES-256-GMAC) checked out`
        : t`  integrity no MAC (the deposit was not written by tsproof); every file was checked against the receipt`,
  );
  out(ctx, t`  receipt   ${j.receipt.id}, registered by ${j.verification.holder?.subject ?? '?'} at ${formatTime(j.verification.time!)}`);
  note(ctx, t`The release was recorded, signed by "${id.chain[0]!.subject}".`);
  return ExitCode.OK;
}

export async function escrowCertificate(ctx: CliContext, file: string, o: { out: string; lang?: LangOption; trust: string[]; receipt?: string }): Promise<number> {
  const lang = certificateLang(ctx, o.lang ?? ctx.langOption);
  const dest = await newOutput(ctx, o.out);
  const { d, j } = await judged(ctx, file, o);
  if (!j.ok) {
    const first = j.checks.find((c) => !c.ok)!;
    throw new VerificationError({ code: 'VERIFICATION_FAILED', message: t`${file} does not check out (${first.id}: ${first.detail}), so no certificate was written` });
  }
  const sha256 = (await hashFile(d.path, ['sha256'], file)).digests.sha256!;
  const alg = j.verification.manifest!.merkle.algorithm;
  const pdf = await renderDepositCertificate({
    lang,
    issuedAt: ctx.now(),
    tool: TOOL,
    depositFile: path.basename(file),
    sha256,
    bytes: d.size,
    encryption: d.layout.mac ? 'aes-256-gcm' : d.layout.gmac ? 'aes-256-cbc+gmac' : 'cbc',
    ...(j.statement ? { statement: j.statement } : {}),
    recipients: d.recipients,
    verification: j.verification,
    entries: j.receipt.entries.map((e) => ({ name: e.name, size: e.size, digest: e.digests[alg]! })),
  });
  await writeAtomic(dest, pdf);
  if (ctx.json) printJson(ctx, { ok: true, out: o.out, lang, sha256, files: j.receipt.entries.length, bytes: pdf.length });
  else out(ctx, t`Wrote the certificate of deposit ${o.out} (${j.receipt.entries.length} file(s), ${lang}, ${Math.round(pdf.length / 1024)} KB).`);
  return ExitCode.OK;
}
