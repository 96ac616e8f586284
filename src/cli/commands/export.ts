/** tsproof export (evidence pack, in-toto statement) and tsproof show — receipts for other readers. */
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { InputError, VerificationError } from '../../core/errors.js';
import { buildEvidencePack } from '../../core/export/evidence.js';
import { inTotoStatement } from '../../core/export/in-toto.js';
import { writeAtomic } from '../../core/io/fs.js';
import { zip } from '../../core/io/zip.js';
import { verifyReceipt, type ReceiptVerification } from '../../core/verify/receipt.js';
import { loadReceipt } from '../../core/verify/files.js';
import { ExitCode } from '../exit.js';
import { out, printJson, VERSION } from '../output.js';
import { formatTime, formatTimestamp } from '../render.js';
import { certificateLang, newOutput, verifySettings } from '../common.js';
import type { CliContext } from '../context.js';
import { renderCertificatePdf } from '../../core/export/certificate-pdf.js';
import { entryFor } from './receipt.js';
import { isFullReceipt } from '../../core/receipt/receipt.js';

async function verified(ctx: CliContext, receiptFile: string, trust: string[]) {
  const receipt = await loadReceipt(path.resolve(ctx.cwd, receiptFile));
  return { receipt, vctx: { ...(await verifySettings(ctx, { trust })), now: ctx.now() } };
}

/** Exports are evidence: from a receipt that does not verify, nothing is written (exit 1). */
function refuse(receiptFile: string, v: ReceiptVerification, what: string): never {
  const first = v.checks.find((c) => !c.ok);
  throw new VerificationError({ code: 'VERIFICATION_FAILED', message: `${receiptFile} does not verify (${first ? `${first.id}: ${first.detail}` : 'incomplete'}), so no ${what} was written; run tsproof verify for the details` });
}

export async function exportCommand(ctx: CliContext, receiptFile: string, o: { format: string; out: string; trust: string[] }): Promise<number> {
  if (o.format !== 'evidence' && o.format !== 'in-toto') throw new InputError({ code: 'BAD_ARGUMENT', message: `--format ${o.format}: expected evidence or in-toto` });
  const dest = o.out === '-' ? '-' : await newOutput(ctx, o.out);
  const { receipt, vctx } = await verified(ctx, receiptFile, o.trust);

  if (o.format === 'in-toto') {
    const v = verifyReceipt(receipt, vctx);
    if (!v.ok) refuse(receiptFile, v, 'statement');
    const text = `${JSON.stringify(inTotoStatement(v), null, 2)}\n`;
    if (o.out === '-') ctx.stdout.write(text);
    else {
      await writeAtomic(dest, text);
      if (ctx.json) printJson(ctx, { ok: true, format: 'in-toto', out: o.out, subjects: v.entries.length });
      else out(ctx, `Wrote ${o.out}: an in-toto Statement v1 with ${v.entries.length} subject(s).`);
    }
    return ExitCode.OK;
  }

  if (o.out === '-') throw new InputError({ code: 'BAD_ARGUMENT', message: '--format evidence writes a folder or a zip: give --out <dir> or --out <name>.zip' });
  const pack = buildEvidencePack(receipt, { ...vctx, tool: `tsproof ${VERSION}` });
  if (!pack.files) refuse(receiptFile, pack.verification, 'evidence pack');
  if (/\.zip$/i.test(o.out)) {
    // One file for mail and court filings; the pack's entries sit under a folder of the zip's name.
    const top = path.basename(o.out).replace(/\.zip$/i, '');
    await writeAtomic(dest, zip(pack.files.map((f) => ({ ...f, path: `${top}/${f.path}` })), ctx.now()));
  } else {
    // Built beside the destination and renamed into place: never a half-written pack.
    const tmp = `${dest}.tmp-${process.pid}`;
    try {
      for (const f of pack.files) {
        const p = path.join(tmp, ...f.path.split('/'));
        await mkdir(path.dirname(p), { recursive: true });
        await writeFile(p, f.data, { mode: f.executable ? 0o755 : 0o644 });
      }
      await rename(tmp, dest);
    } catch (err) {
      await rm(tmp, { recursive: true, force: true });
      throw err;
    }
  }
  if (ctx.json) printJson(ctx, { ok: true, format: 'evidence', out: o.out, files: pack.files.length, entries: pack.verification.entries.length });
  else out(ctx, `Wrote the evidence pack ${o.out} (${pack.verification.entries.length} file(s)). Check a file with OpenSSL alone: ${/\.zip$/i.test(o.out) ? 'unzip it, then ' : ''}bash ${/\.zip$/i.test(o.out) ? `${path.basename(o.out).replace(/\.zip$/i, '')}/verify.sh` : path.join(o.out, 'verify.sh')} <file>`);
  return ExitCode.OK;
}

export async function showCommand(ctx: CliContext, receiptFile: string, o: { trust: string[]; all?: boolean }): Promise<number> {
  const { receipt, vctx } = await verified(ctx, receiptFile, o.trust);
  const v = verifyReceipt(receipt, vctx);
  const m = v.manifest;
  const failed = v.checks.filter((c) => !c.ok);
  const summary = {
    id: receipt.id,
    verifies: v.ok,
    ...(failed.length ? { failed: failed.map((c) => ({ id: c.id, detail: c.detail })) } : {}),
    ...(m ? { created: m.created, algorithms: m.algorithms, merkle: m.merkle, tsas: m.tsas } : {}),
    ...(v.time ? { provenTime: v.time } : {}),
    ...(v.holder ? { holder: v.holder } : {}),
    timestamps: v.timestamps,
    kind: m && isFullReceipt(receipt.entries, m) ? 'full' : 'per-file',
    entries: receipt.entries.map((e) => ({ index: e.index, name: e.name, size: e.size, digests: e.digests })),
  };
  if (ctx.json) {
    printJson(ctx, { tsproof: VERSION, ...summary });
    return ExitCode.OK;
  }
  out(ctx, `Receipt ${receipt.id} (${summary.kind}${m ? `, ${receipt.entries.length} of ${m.merkle.count} file(s)` : ''})`);
  out(ctx, `  verifies:     ${v.ok ? 'yes' : `NO — ${failed[0]?.id}: ${failed[0]?.detail}`}`);
  if (v.holder) out(ctx, `  holder:       ${v.holder.subject} (${v.holder.identity})`);
  if (v.time) out(ctx, `  proven time:  ${formatTime(v.time)}`);
  for (const t of v.timestamps) out(ctx, `  timestamp:    ${formatTimestamp(t)}, serial ${t.serial}`);
  if (m) {
    out(ctx, `  created:      ${m.created} (the holder's clock)`);
    out(ctx, `  merkle root:  ${m.merkle.algorithm} ${m.merkle.root}`);
  }
  const shown = o.all ? receipt.entries : receipt.entries.slice(0, 20);
  out(ctx, '  files:');
  for (const e of shown) out(ctx, `    ${e.name}  ${e.size} bytes  ${Object.entries(e.digests).map(([a, d]) => `${a}:${d}`).join(' ')}`);
  if (shown.length < receipt.entries.length) out(ctx, `    … ${receipt.entries.length - shown.length} more (--all to list them)`);
  return ExitCode.OK;
}

export async function certificateCommand(ctx: CliContext, receiptFile: string, o: { file?: string; lang?: string; out: string; trust: string[] }): Promise<number> {
  const lang = certificateLang(ctx, o.lang);
  const dest = await newOutput(ctx, o.out);
  const { receipt, vctx } = await verified(ctx, receiptFile, o.trust);
  const v = verifyReceipt(receipt, vctx);
  if (!v.ok || !v.manifest) refuse(receiptFile, v, 'certificate');
  const chosen = o.file ? [await entryFor(ctx, receipt, o.file, receiptFile)] : receipt.entries;
  const alg = v.manifest.merkle.algorithm;
  const pdf = await renderCertificatePdf({
    kind: 'registration',
    lang,
    receiptFile: path.basename(receiptFile),
    verification: v,
    entries: chosen.map((e) => ({ name: e.name, size: e.size, algorithm: alg, digest: e.digests[alg]! })),
    omitted: v.manifest.merkle.count - chosen.length,
    issuedAt: ctx.now(),
    tool: `tsproof ${VERSION}`,
  });
  await writeAtomic(dest, pdf);
  if (ctx.json) printJson(ctx, { ok: true, out: o.out, lang, files: chosen.length, bytes: pdf.length });
  else out(ctx, `Wrote the certificate of registration ${o.out} (${chosen.length} file(s), ${lang}, ${Math.round(pdf.length / 1024)} KB).`);
  return ExitCode.OK;
}
