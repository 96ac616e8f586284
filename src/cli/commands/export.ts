/** tsproof export (evidence pack, in-toto statement) and tsproof show — receipts for other readers. */
import path from 'node:path';
import { InputError, VerificationError, withSource } from '../../core/errors.js';
import { buildEvidencePack } from '../../core/export/evidence.js';
import { inTotoParts } from '../../core/export/in-toto.js';
import { jsonChunks } from '../../core/io/json.js';
import { writeAtomic, writeNewFolder } from '../../core/io/fs.js';
import { zip } from '../../core/io/zip.js';
import type { ReceiptVerification } from '../../core/verify/receipt.js';
import { verifyReceiptFile } from '../../core/verify/files.js';
import { loadReceiptSource } from '../../core/receipt/source.js';
import { identityPhrase } from '../../core/verify/explain.js';
import { ExitCode } from '../exit.js';
import { out, printJson, printJsonStreaming, VERSION, writeChunks } from '../output.js';
import { formatTime, formatTimestamp, guidance } from '../render.js';
import { certificateLang, newOutput, unlockIdentity, verifySettings, type PinOptions } from '../common.js';
import { IN_TOTO_PAYLOAD_TYPE, signEnvelope } from '../../core/export/dsse.js';
import type { CliContext } from '../context.js';
import type { LangOption } from '../i18n.js';
import { renderCertificatePdf } from '../../core/export/certificate-pdf.js';
import { entryFor } from './receipt.js';
import { isFullReceipt } from '../../core/receipt/receipt.js';
import { t, type Text } from '../../core/text.js';
import { evidenceRecordOf, fileEvidenceRecordOf } from '../../core/longterm/export.js';

/** A receipt (or evidence pack) and what to verify it with; the pack's own certificates are path candidates, never anchors. */
async function verified(ctx: CliContext, receiptFile: string, o: { trust: string[] } & PinOptions) {
  const loaded = await loadReceiptSource(path.resolve(ctx.cwd, receiptFile));
  return { receipt: loaded.receipt, loaded, vctx: { ...(await verifySettings(ctx, o)), now: ctx.now(), extraCertificates: loaded.certificates } };
}

/** Exports are evidence: from a receipt that does not verify, nothing is written (exit 1). */
function refuse(receiptFile: string, v: ReceiptVerification, what: Text): never {
  const first = v.checks.find((c) => !c.ok);
  const why = first ? t`${first.id}: ${first.detail}` : t`incomplete`;
  throw new VerificationError({ code: 'VERIFICATION_FAILED', message: t`${receiptFile} does not verify (${why}), so no ${what} was written; run tsproof verify for the details` });
}

export async function exportCommand(ctx: CliContext, receiptFile: string, o: { format: string; out: string; trust: string[]; sign?: boolean; identity?: string; passphraseFile?: string; file?: string }): Promise<number> {
  if (o.sign && o.format !== 'in-toto') throw new InputError({ code: 'BAD_ARGUMENT', message: t`--sign works with --format in-toto` });
  if (o.format !== 'evidence' && o.format !== 'in-toto' && o.format !== 'ers') throw new InputError({ code: 'BAD_ARGUMENT', message: t`--format ${o.format}: expected evidence, in-toto or ers` });
  if (o.file !== undefined && o.format !== 'ers') throw new InputError({ code: 'BAD_ARGUMENT', message: t`--file works with --format ers` });
  if (o.format === 'ers' && o.out === '-') throw new InputError({ code: 'BAD_ARGUMENT', message: t`--format ers writes a file: give --out <name>.ers` });
  const dest = o.out === '-' ? '-' : await newOutput(ctx, o.out);
  const { receipt, vctx } = await verified(ctx, receiptFile, { trust: o.trust });

  if (o.format === 'ers') {
    const v = verifyReceiptFile(receiptFile, receipt, vctx);
    if (!v.ok) refuse(receiptFile, v, t`evidence record`);
    if (receipt.renewals.length === 0) throw new InputError({ code: 'BAD_ARGUMENT', message: t`${receiptFile} has no renewals yet (tsproof renew): there is no evidence record to export` });
    if (o.file !== undefined) {
      const entry = await entryFor(ctx, receipt, o.file, receiptFile);
      await writeAtomic(dest, fileEvidenceRecordOf(receipt, entry, receiptFile));
      if (ctx.json) printJson(ctx, { ok: true, format: 'ers', out: o.out, file: entry.name, archiveTimeStamps: receipt.renewals.length });
      else out(ctx, t`Wrote ${o.out}: an RFC 4998 evidence record of ${receipt.renewals.length} archive timestamp(s) whose data object is the file ${entry.name}.`);
      return ExitCode.OK;
    }
    await writeAtomic(dest, evidenceRecordOf(receipt));
    if (ctx.json) printJson(ctx, { ok: true, format: 'ers', out: o.out, archiveTimeStamps: receipt.renewals.length });
    else out(ctx, t`Wrote ${o.out}: an RFC 4998 evidence record of ${receipt.renewals.length} archive timestamp(s) over the receipt's signature (its data object: the signature, DER).`);
    return ExitCode.OK;
  }

  if (o.format === 'in-toto') {
    const v = verifyReceiptFile(receiptFile, receipt, vctx);
    if (!v.ok) refuse(receiptFile, v, t`in-toto statement`);
    // Streamed: the subjects of a large batch would otherwise make one string of 100s of MB.
    const { statement, subjects } = inTotoParts(v);
    let chunks: Iterable<string> = jsonChunks(statement as unknown as Record<string, unknown>, 'subject', subjects);
    if (o.sign) {
      // A DSSE envelope signed by the holder (core/export/dsse.ts): only the holder the statement names may sign it.
      const id = await unlockIdentity(ctx, o.identity, o.passphraseFile);
      if (id.chain[0]!.sha256 !== v.holder!.certificateSha256) {
        throw new InputError({ code: 'BAD_ARGUMENT', message: t`the statement is about a registration by "${v.holder!.subject}" (SHA-256 ${v.holder!.certificateSha256}); sign it with that identity, not "${id.record.subject}"` });
      }
      const body = Buffer.from([...chunks].join(''), 'utf8');
      chunks = [`${JSON.stringify(signEnvelope(body, IN_TOTO_PAYLOAD_TYPE, id.key, id.chain), null, 2)}\n`];
    }
    if (o.out === '-') await writeChunks(ctx, chunks);
    else {
      await writeAtomic(dest, chunks);
      if (ctx.json) printJson(ctx, { ok: true, format: 'in-toto', out: o.out, subjects: v.entries.length, signed: !!o.sign });
      else if (o.sign) out(ctx, t`Wrote ${o.out}: a DSSE envelope signed by the holder, around an in-toto Statement v1 with ${v.entries.length} subject(s).`);
      else out(ctx, t`Wrote ${o.out}: an in-toto Statement v1 with ${v.entries.length} subject(s).`);
    }
    return ExitCode.OK;
  }

  if (o.out === '-') throw new InputError({ code: 'BAD_ARGUMENT', message: t`--format evidence writes a folder or a zip: give --out <dir> or --out <name>.zip` });
  const pack = withSource(receiptFile, () => buildEvidencePack(receipt, { ...vctx, tool: `tsproof ${VERSION}` }));
  if (!pack.files) refuse(receiptFile, pack.verification, t`evidence pack`);
  if (/\.zip$/i.test(o.out)) {
    // One file for mail and court filings; the pack's entries sit under a folder of the zip's name.
    const top = path.basename(o.out).replace(/\.zip$/i, '');
    await writeAtomic(
      dest,
      zip(
        pack.files.map((f) => ({ ...f, path: `${top}/${f.path}` })),
        ctx.now(),
      ),
    );
  } else {
    // Built in a private temporary folder beside the destination and renamed into place:
    // never a half-written pack, never into a folder or through a link someone planted.
    await writeNewFolder(dest, pack.files, o.out);
  }
  if (ctx.json) printJson(ctx, { ok: true, format: 'evidence', out: o.out, files: pack.files.length, entries: pack.verification.entries.length });
  else if (/\.zip$/i.test(o.out)) {
    const script = `${path.basename(o.out).replace(/\.zip$/i, '')}/verify.sh`;
    out(ctx, t`Wrote the evidence pack ${o.out} (${pack.verification.entries.length} file(s)). Check a file with OpenSSL alone: unzip it, then bash ${script} <file>`);
  } else out(ctx, t`Wrote the evidence pack ${o.out} (${pack.verification.entries.length} file(s)). Check a file with OpenSSL alone: bash ${path.join(o.out, 'verify.sh')} <file>`);
  return ExitCode.OK;
}

export async function showCommand(ctx: CliContext, receiptFile: string, o: { trust: string[]; all?: boolean } & PinOptions): Promise<number> {
  const { receipt, loaded, vctx } = await verified(ctx, receiptFile, o);
  const v = verifyReceiptFile(receiptFile, receipt, vctx);
  const m = v.manifest;
  const failed = v.checks.filter((c) => !c.ok);
  const summary = {
    id: receipt.id,
    verifies: v.ok,
    reason: v.reason,
    source: { kind: loaded.kind, sha256: loaded.sha256 },
    ...(failed.length ? { failed: failed.map((c) => ({ id: c.id, detail: c.detail, ...(c.subject ? { subject: c.subject } : {}), ...(c.cause ? { cause: c.cause } : {}) })) } : {}),
    ...(m ? { created: m.created, algorithms: m.algorithms, merkle: m.merkle, tsas: m.tsas, ...(m.timestampPolicy ? { timestampPolicy: m.timestampPolicy } : {}) } : {}),
    ...(v.time ? { provenTime: v.time } : {}),
    ...(v.claimedTime ? { claimedTime: v.claimedTime } : {}),
    ...(v.holder ? { holder: v.holder } : {}),
    timestamps: v.timestamps,
    ...(v.untrusted ? { untrusted: v.untrusted } : {}),
    kind: m && isFullReceipt(receipt.entries, m) ? 'full' : 'per-file',
  };
  if (ctx.json) {
    // Streamed: a batch of 1,000,000 entries would otherwise be one string of ~200 MB.
    await printJsonStreaming(
      ctx,
      { tsproof: VERSION, ...summary },
      'entries',
      (function* () {
        for (const e of receipt.entries) yield { index: e.index, name: e.name, size: e.size, digests: e.digests };
      })(),
    );
    return ExitCode.OK;
  }
  const kind = loaded.kind === 'receipt' ? (summary.kind === 'full' ? t`full receipt` : t`per-file receipt`) : loaded.kind === 'pack-zip' ? t`evidence pack, zip` : t`evidence pack, folder`;
  out(ctx, m ? t`Receipt ${receipt.id} (${kind}, ${receipt.entries.length} of ${m.merkle.count} file(s))` : t`Receipt ${receipt.id} (${kind})`);
  if (v.ok) out(ctx, t`  verifies:     yes`);
  else if (v.reason === 'untrusted-anchor') out(ctx, t`  verifies:     NOT YET — the proof checks out, but this computer does not trust its root`);
  else out(ctx, t`  verifies:     NO — ${failed[0]?.id ?? ''}: ${failed[0]?.detail ?? ''}`);
  if (v.holder) out(ctx, t`  holder:       ${v.holder.subject} (${identityPhrase(v.holder)})`);
  if (v.holder) out(ctx, t`  issuer:       ${v.holder.issuer}`);
  if (v.time) out(ctx, t`  proven time:  ${formatTime(v.time)}`);
  else if (v.claimedTime) out(ctx, t`  claimed time: ${formatTime(v.claimedTime)} — NOT PROVEN (the TSA's root is not trusted here)`);
  for (const ts of v.timestamps) out(ctx, ts.trusted ? t`  timestamp:    ${formatTimestamp(ts)}, serial ${ts.serial}` : t`  timestamp:    ${formatTimestamp(ts)}, serial ${ts.serial} — root not trusted here`);
  out(ctx, t`  SHA-256:      ${loaded.sha256} (${loaded.kind === 'pack-folder' ? 'signature.p7s' : path.basename(receiptFile)})`);
  if (m) {
    out(ctx, t`  created:      ${m.created} (the holder's clock)`);
    out(ctx, t`  merkle root:  ${m.merkle.algorithm} ${m.merkle.root}`);
  }
  if (!v.ok) for (const line of guidance(ctx, v, { receipt: receiptFile })) out(ctx, line);
  const shown = o.all ? receipt.entries : receipt.entries.slice(0, 20);
  out(ctx, t`  files:`);
  for (const e of shown)
    out(
      ctx,
      t`    ${e.name}  ${e.size} bytes  ${Object.entries(e.digests)
        .map(([a, d]) => `${a}:${d}`)
        .join(' ')}`,
    );
  if (shown.length < receipt.entries.length) out(ctx, t`    … ${receipt.entries.length - shown.length} more (--all to list them)`);
  return ExitCode.OK;
}

export async function certificateCommand(ctx: CliContext, receiptFile: string, o: { file?: string; lang?: LangOption; out: string; trust: string[] }): Promise<number> {
  const lang = certificateLang(ctx, o.lang ?? ctx.langOption);
  const dest = await newOutput(ctx, o.out);
  const { receipt, vctx } = await verified(ctx, receiptFile, { trust: o.trust });
  const v = verifyReceiptFile(receiptFile, receipt, vctx);
  if (!v.ok || !v.manifest) refuse(receiptFile, v, t`certificate`);
  const chosen = o.file ? [await entryFor(ctx, receipt, o.file, receiptFile)] : receipt.entries;
  const alg = v.manifest.merkle.algorithm;
  const pdf = await renderCertificatePdf({
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
  else out(ctx, t`Wrote the certificate of registration ${o.out} (${chosen.length} file(s), ${lang}, ${Math.round(pdf.length / 1024)} KB).`);
  return ExitCode.OK;
}
