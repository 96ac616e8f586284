/** tsproof verify — offline verification of local files against their receipts. */
import { verifyDirectory, verifyFiles } from '../../core/verify/files.js';
import { InputError } from '../../core/errors.js';
import { certificateLang, newOutput, verifySettings } from '../common.js';
import { note, out, printJson, VERSION } from '../output.js';
import path from 'node:path';
import { renderDirectory, renderFileResult } from '../render.js';
import { ExitCode } from '../exit.js';
import type { CliContext } from '../context.js';
import { renderCertificatePdf } from '../../core/export/certificate-pdf.js';
import { writeAtomic } from '../../core/io/fs.js';
import { hashingProgress } from '../progress.js';
import { takeHashPool } from '../../core/hash/engine.js';
import { fileStatus, type FileVerification } from '../../core/verify/receipt.js';
import { t } from '../../core/text.js';

/** The certificate of verification: every file's result and every check, for one receipt. */
async function writeReport(ctx: CliContext, results: FileVerification[], report: { dest: string; lang: 'ko' | 'en' | 'both' }, ok: boolean): Promise<void> {
  const receipts = new Set(results.map((r) => r.receiptId).filter(Boolean));
  if (receipts.size > 1) throw new InputError({ code: 'BAD_ARGUMENT', message: t`--report covers files of one receipt; these files belong to several (run verify once per receipt)` });
  const first = results.find((r) => r.holder) ?? results[0]!;
  const pdf = await renderCertificatePdf({
    kind: 'verification',
    lang: report.lang,
    receiptFile: first.receipt ? path.basename(first.receipt) : '—',
    verification: { ...(first.receiptId ? { id: first.receiptId } : {}), ...(first.holder ? { holder: first.holder } : {}), ...(first.time ? { time: first.time } : {}), timestamps: first.timestamps },
    // Each file as verification found it; size and digest are the registered ones (the file's own are in its checks).
    entries: results.map((r) => {
      const alg = (r.entry && Object.keys(r.entry.digests)[0]) || 'sha256';
      return { name: r.file, size: r.entry?.size ?? 0, algorithm: alg, digest: r.entry?.digests[alg as 'sha256'] ?? '—', status: fileStatus(r) };
    }),
    omitted: 0,
    checks: results.flatMap((r) => r.checks.map((c) => ({ ...c, subject: results.length > 1 ? `${r.file}${c.subject ? ` ${c.subject}` : ''}` : c.subject }))),
    ok,
    issuedAt: ctx.now(),
    tool: `tsproof ${VERSION}`,
  });
  await writeAtomic(report.dest, pdf);
  note(ctx, t`Wrote the certificate of verification ${path.relative(ctx.cwd, report.dest)}.`);
}

export async function verifyCommand(
  ctx: CliContext,
  files: string[],
  o: { receipt?: string; trust: string[]; brief?: boolean; dir?: string; unregistered?: boolean; policy?: string; at?: string; report?: string },
): Promise<number> {
  const policies = await verifySettings(ctx, o);
  // Argument problems before any work: a bad --report is exit 2 with nothing written.
  const report = o.report ? { dest: await newOutput(ctx, o.report), lang: certificateLang(ctx, ctx.langOption) } : undefined;
  if (o.dir) {
    if (report) throw new InputError({ code: 'BAD_ARGUMENT', message: t`--report works with files, not --dir` });
    if (!o.receipt) throw new InputError({ code: 'BAD_ARGUMENT', message: t`--dir needs --receipt <file>` });
    if (files.length) throw new InputError({ code: 'BAD_ARGUMENT', message: t`give either files or --dir, not both` });
    // The hashing threads may have been started while the CLI loaded (cli/prestart.ts), as for register.
    const pool = takeHashPool();
    let d;
    try {
      d = await verifyDirectory({ receipt: o.receipt, dir: o.dir, cwd: ctx.cwd, now: ctx.now(), unregistered: !!o.unregistered, progress: (n) => hashingProgress(ctx, n), pool, ...policies });
    } finally {
      await pool.close();
    }
    if (ctx.json) printJson(ctx, { tsproof: VERSION, ...d });
    else for (const line of renderDirectory(ctx, d, !o.brief)) out(ctx, line);
    return d.ok ? ExitCode.OK : ExitCode.VERIFY_FAILED;
  }
  if (files.length === 0) throw new InputError({ code: 'BAD_ARGUMENT', message: t`give the files to verify, or --receipt <file> --dir <folder>` });
  const results = await verifyFiles({ files, cwd: ctx.cwd, home: ctx.home, now: ctx.now(), ...(o.receipt ? { receipt: o.receipt } : {}), ...policies });
  const ok = results.every((r) => r.ok);
  if (report) await writeReport(ctx, results, report, ok);
  if (ctx.json) printJson(ctx, { tsproof: VERSION, ok, results });
  else {
    results.forEach((r, i) => {
      if (i) out(ctx);
      for (const line of renderFileResult(ctx, r, !o.brief)) out(ctx, line);
    });
  }
  return ok ? ExitCode.OK : ExitCode.VERIFY_FAILED;
}
