/** tsproof receipt extract — a per-file receipt that discloses one entry of a batch. */
import path from 'node:path';
import { InputError } from '../../core/errors.js';
import { hashFile } from '../../core/hash/engine.js';
import { exists, writeAtomic } from '../../core/io/fs.js';
import { extractEntry } from '../../core/receipt/extract.js';
import { serializeReceipt, type Receipt, type ReceiptEntry } from '../../core/receipt/receipt.js';
import { decodeField } from '../../core/receipt/receipt.js';
import { decodeManifest } from '../../core/receipt/manifest.js';
import { loadReceipt } from '../../core/verify/files.js';
import { out, printJson } from '../output.js';
import type { CliContext } from '../context.js';
import { t } from '../../core/text.js';

/** --file names the entry as registered, or a local file found by its content. */
export async function entryFor(ctx: CliContext, r: Receipt, file: string, receiptFile: string): Promise<ReceiptEntry> {
  const wanted = file.split(path.sep).join('/').normalize('NFC');
  let entry = r.entries.find((e) => e.name === wanted);
  if (!entry && (await exists(path.resolve(ctx.cwd, file)))) {
    const bytes = decodeField(r.manifest);
    const algs = (bytes && decodeManifest(bytes).manifest?.algorithms) || ['sha256'];
    const local = await hashFile(path.resolve(ctx.cwd, file), algs, file);
    entry = r.entries.find((e) => algs.every((a) => e.digests[a] === local.digests[a]));
  }
  if (!entry) throw new InputError({ code: 'BAD_ARGUMENT', message: t`${file}: not registered in ${receiptFile} (give the name as registered, or the file itself)` });
  return entry;
}

export async function receiptExtract(ctx: CliContext, receiptFile: string, o: { file: string; out: string; force?: boolean }): Promise<number> {
  const r = await loadReceipt(path.resolve(ctx.cwd, receiptFile));
  const entry = await entryFor(ctx, r, o.file, receiptFile);
  const extracted = extractEntry(r, entry);
  const dest = path.resolve(ctx.cwd, o.out);
  if (!o.force && (await exists(dest))) throw new InputError({ code: 'BAD_ARGUMENT', message: t`${o.out} already exists (use --force to replace it)` });
  const text = serializeReceipt(extracted);
  await writeAtomic(dest, text);
  if (ctx.json) printJson(ctx, { ok: true, receipt: o.out, entry: entry.name, proofLength: extracted.entries[0]!.proof!.length, bytes: Buffer.byteLength(text) });
  else out(ctx, t`Wrote ${o.out}: "${entry.name}" with an inclusion proof of ${extracted.entries[0]!.proof!.length} hash(es); nothing about the other ${r.entries.length - 1} file(s) is disclosed.`);
  return 0;
}
