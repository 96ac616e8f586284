/** tsproof verify — offline verification of local files against their receipts. */
import { verifyDirectory, verifyFiles } from '../../core/verify/files.js';
import { InputError } from '../../core/errors.js';
import { certificateLang, newOutput, verifySettings, type PinOptions } from '../common.js';
import { note, out, printJson, VERSION } from '../output.js';
import path from 'node:path';
import { stat } from 'node:fs/promises';
import { renderDirectory, renderFileResult, type Detail } from '../render.js';
import { ExitCode } from '../exit.js';
import type { CliContext } from '../context.js';
import { renderReportPdf, type ReportFile, type ReportReceipt } from '../../core/export/report-pdf.js';
import { writeAtomic } from '../../core/io/fs.js';
import { hashingProgress } from '../progress.js';
import { takeHashPool } from '../../core/hash/engine.js';
import { fileStatus, type FileVerification } from '../../core/verify/receipt.js';
import { reasonOf } from '../../core/verify/verdict.js';
import { looksLikeReceipt } from '../../core/receipt/source.js';
import { shellQuote } from '../../core/verify/explain.js';
import { t } from '../../core/text.js';
import { attestationAlgorithms, verifyAttestation } from '../../core/verify/attestation.js';
import { hashFile } from '../../core/hash/engine.js';
import { readBounded } from '../../core/io/fs.js';

/** An attestation is JSON around one statement: bounded like a receipt's largest parts. */
const MAX_ENVELOPE_BYTES = 256 << 20;

/**
 * The certificate of verification: every file's status and every check, for files of one
 * receipt or of several (each receipt examined gets its own section).
 */
async function writeReport(ctx: CliContext, results: FileVerification[], report: { dest: string; lang: 'ko' | 'en' | 'both' }, ok: boolean): Promise<void> {
  const receipts: ReportReceipt[] = [];
  const index = new Map<string, number>();
  const files: ReportFile[] = results.map((r) => {
    let k: number | undefined;
    if (r.receipt) {
      k = index.get(r.receipt);
      if (k === undefined) {
        k = receipts.length;
        index.set(r.receipt, k);
        // The receipt's own checks: the file's minus those about the file itself.
        const own = r.checks.filter((c) => !c.id.startsWith('file.'));
        receipts.push({
          file: r.receipt,
          ...(r.receiptSha256 ? { sha256: r.receiptSha256 } : {}),
          ...(r.receiptKind ? { kind: r.receiptKind } : {}),
          ...(r.receiptId ? { id: r.receiptId } : {}),
          ok: own.every((c) => c.ok),
          reason: reasonOf(own),
          ...(r.holder ? { holder: r.holder } : {}),
          ...(r.time ? { time: r.time } : {}),
          ...(r.claimedTime ? { claimedTime: r.claimedTime } : {}),
          timestamps: r.timestamps,
          ...(r.untrusted ? { untrusted: r.untrusted } : {}),
          checks: own,
        });
      }
    }
    return {
      file: r.file,
      ...(k !== undefined ? { receipt: k } : {}),
      status: r.reason === 'no-receipt' ? 'no receipt' : fileStatus(r),
      reason: r.reason,
      ...(r.entry ? { entry: r.entry } : {}),
      ...(r.actual ? { actual: r.actual } : {}),
      checks: r.checks,
    };
  });
  const pdf = await renderReportPdf({ lang: report.lang, receipts, files, ok, issuedAt: ctx.now(), tool: `tsproof ${VERSION}` });
  await writeAtomic(report.dest, pdf);
  note(ctx, t`Wrote the certificate of verification ${path.relative(ctx.cwd, report.dest)}.`);
}

/**
 * `verify <receipt>` — a natural first try — has no file to check: say what to do instead.
 * Only for an argument no receipt was found for (a registered receipt or zip is a file like any).
 */
async function receiptGivenAsFile(ctx: CliContext, results: readonly FileVerification[]): Promise<void> {
  for (const r of results) {
    if (r.reason !== 'no-receipt' || !(await looksLikeReceipt(path.resolve(ctx.cwd, r.file)))) continue;
    const q = shellQuote(r.file);
    throw new InputError({
      code: 'BAD_ARGUMENT',
      message: t`${r.file} is a receipt, not a file to check: give the file with its receipt (tsproof verify <file> --receipt ${q}), check a whole folder (tsproof verify --receipt ${q} --dir <folder>), or see what it registers (tsproof show ${q})`,
    });
  }
}

export async function verifyCommand(
  ctx: CliContext,
  files: string[],
  o: {
    attestation?: string;
    receipt?: string[];
    trust: string[];
    brief?: boolean;
    full?: boolean;
    dir?: string;
    unregistered?: boolean;
    policy?: string;
    at?: string;
    report?: string;
    force?: boolean;
    quiet?: boolean;
    ignoreMissing?: boolean;
    requireRevocation?: boolean;
  } & PinOptions,
): Promise<number> {
  if (o.brief && o.full) throw new InputError({ code: 'BAD_ARGUMENT', message: t`give --brief or --full, not both` });
  if (o.quiet && ctx.json) throw new InputError({ code: 'BAD_ARGUMENT', message: t`give --quiet or --json, not both` });
  const receipts = o.receipt ?? [];
  // --quiet: the exit code is the answer; only errors (exit 2, 3) are printed.
  const show = !o.quiet;
  if (o.attestation) return verifyAttestationCommand(ctx, files, o.attestation, o, show);
  const detail: Detail = o.full ? 'full' : o.brief ? 'brief' : 'short';
  const policies = await verifySettings(ctx, o);
  // Argument problems before any work: a bad --report is exit 2 with nothing written.
  const report = o.report ? { dest: await newOutput(ctx, o.report, !!o.force), lang: certificateLang(ctx, ctx.langOption) } : undefined;
  if (o.dir) {
    if (report) throw new InputError({ code: 'BAD_ARGUMENT', message: t`--report works with files, not --dir` });
    if (receipts.length === 0) throw new InputError({ code: 'BAD_ARGUMENT', message: t`--dir needs --receipt <file>` });
    if (receipts.length > 1) throw new InputError({ code: 'BAD_ARGUMENT', message: t`--dir takes one --receipt` });
    if (files.length) throw new InputError({ code: 'BAD_ARGUMENT', message: t`give either files or --dir, not both` });
    // The hashing threads may have been started while the CLI loaded (cli/prestart.ts), as for register.
    const pool = takeHashPool();
    let d;
    try {
      d = await verifyDirectory({
        receipt: receipts[0]!,
        dir: o.dir,
        cwd: ctx.cwd,
        now: ctx.now(),
        unregistered: !!o.unregistered,
        ignoreMissing: !!o.ignoreMissing,
        ...(show ? { progress: (n: number, bytes?: number) => hashingProgress(ctx, n, bytes) } : {}),
        pool,
        ...policies,
      });
    } finally {
      await pool.close();
    }
    if (ctx.json) printJson(ctx, { tsproof: VERSION, ...d });
    else if (show) for (const line of renderDirectory(ctx, d, detail)) out(ctx, line);
    return d.ok ? ExitCode.OK : ExitCode.VERIFY_FAILED;
  }
  if (files.length === 0) throw new InputError({ code: 'BAD_ARGUMENT', message: t`give the files to verify, or --receipt <file> --dir <folder>` });
  if (receipts.length === 0) {
    // A pack folder cannot even be hashed: say at once what to do with it.
    for (const f of files) {
      const abs = path.resolve(ctx.cwd, f);
      if ((await stat(abs).catch(() => undefined))?.isDirectory()) await receiptGivenAsFile(ctx, [{ file: f, ok: false, checks: [], reason: 'no-receipt', timestamps: [] }]);
    }
  }
  const missing: string[] = [];
  const results = await verifyFiles({ files, cwd: ctx.cwd, home: ctx.home, now: ctx.now(), receipts, ignoreMissing: !!o.ignoreMissing, missing, ...policies });
  if (receipts.length === 0) await receiptGivenAsFile(ctx, results);
  // As sha256sum --ignore-missing: when every file is missing, nothing was verified.
  const ok = results.length > 0 && results.every((r) => r.ok);
  if (report) await writeReport(ctx, results, report, ok);
  if (ctx.json) printJson(ctx, { tsproof: VERSION, ok, results, ...(o.ignoreMissing ? { missingIgnored: missing } : {}) });
  else if (!show) return ok ? ExitCode.OK : ExitCode.VERIFY_FAILED;
  else {
    if (missing.length) note(ctx, t`${missing.length} missing file(s) ignored (--ignore-missing): ${missing.join(', ')}`);
    if (results.length === 0) note(ctx, t`no file was verified: every file given is missing`);
    results.forEach((r, i) => {
      if (i) out(ctx);
      for (const line of renderFileResult(ctx, r, detail)) out(ctx, line);
    });
  }
  return ok ? ExitCode.OK : ExitCode.VERIFY_FAILED;
}

/** verify --attestation <envelope> [files…]: a signed in-toto attestation, and each file among its subjects. */
async function verifyAttestationCommand(ctx: CliContext, files: string[], envelope: string, o: { trust: string[]; receipt?: string[]; dir?: string; at?: string } & PinOptions, show: boolean): Promise<number> {
  if (o.receipt?.length || o.dir) throw new InputError({ code: 'BAD_ARGUMENT', message: t`--attestation checks files against the attestation: give no --receipt or --dir` });
  const settings = await verifySettings(ctx, o);
  const file = path.resolve(ctx.cwd, envelope);
  const bytes = await readBounded(file, MAX_ENVELOPE_BYTES, t`an attestation`);
  if (!bytes) throw new InputError({ code: 'FILE_NOT_FOUND', message: t`${envelope}: cannot read` });
  const algs = attestationAlgorithms(bytes, envelope);
  const hashed = [];
  for (const f of files) hashed.push({ file: f, digests: (await hashFile(path.resolve(ctx.cwd, f), algs, f)).digests });
  const v = verifyAttestation(bytes, envelope, hashed, { trust: settings.trust ?? [], now: settings.at ?? ctx.now(), ...(settings.pins ? { pins: settings.pins } : {}) });
  if (ctx.json)
    printJson(ctx, {
      tsproof: VERSION,
      ok: v.ok,
      attestation: { path: envelope, ok: v.checks.every((c) => c.ok), checks: v.checks, ...(v.signer ? { signer: v.signer } : {}), ...(v.statement ? { statement: v.statement } : {}) },
      results: v.results,
    });
  else if (show) {
    out(ctx, v.ok ? t`✔ VERIFIED  attestation ${envelope}` : t`✘ NOT VERIFIED  attestation ${envelope}`);
    if (v.signer) out(ctx, t`  signer   ${v.signer.subject} (SHA-256 ${v.signer.certificateSha256}, ${v.signer.identity})`);
    for (const c of v.checks) if (c.status !== 'pass') out(ctx, t`  ${c.status}  ${c.id}: ${c.detail}`);
    for (const r of v.results) out(ctx, r.ok ? t`  ✔ ${r.file} (subject ${r.subject ?? ''})` : t`  ✘ ${r.file}: ${r.checks.find((c) => !c.ok)?.detail ?? t`failed`}`);
  }
  return v.ok ? ExitCode.OK : ExitCode.VERIFY_FAILED;
}
