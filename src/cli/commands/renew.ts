/** tsproof renew — one RFC 4998 archive timestamp over many receipts, added to each (docs/long-term.md). */
import path from 'node:path';
import { InputError } from '../../core/errors.js';
import { fileRateState } from '../../core/home.js';
import { proxyFromEnv } from '../../core/tsp/http.js';
import { writeAtomic } from '../../core/io/fs.js';
import { loadReceiptFile } from '../../core/receipt/load.js';
import { receiptChunks } from '../../core/receipt/receipt.js';
import { renewReceipts } from '../../core/longterm/renew.js';
import { trustAnchors } from '../common.js';
import { parseAlgorithm } from './hash.js';
import { resolveTsas } from './register.js';
import { out, printJson } from '../output.js';
import type { CliContext } from '../context.js';
import { t } from '../../core/text.js';

export async function renewCommand(ctx: CliContext, files: string[], o: { tsa: string[]; trust: string[]; algorithm?: string; timeout: string }): Promise<number> {
  const timeoutMs = Number(o.timeout) * 1000;
  if (!(timeoutMs > 0)) throw new InputError({ code: 'BAD_ARGUMENT', message: t`--timeout ${o.timeout}: expected a number of seconds` });
  const tsas = await resolveTsas(ctx, o.tsa);
  if (tsas.length !== 1) throw new InputError({ code: 'BAD_ARGUMENT', message: t`renew asks one TSA: give one --tsa` });
  const trust = await trustAnchors(ctx, o.trust);
  const inputs = [];
  for (const f of files) {
    const abs = path.resolve(ctx.cwd, f);
    inputs.push({ receipt: await loadReceiptFile(abs, f), name: f, abs });
  }
  const r = await renewReceipts(inputs, {
    tsa: tsas[0]!,
    ...(o.algorithm ? { algorithm: parseAlgorithm(o.algorithm) } : {}),
    anchors: [],
    trust,
    now: ctx.now,
    random: ctx.random,
    client: { timeoutMs, proxy: proxyFromEnv(ctx.env), rateState: fileRateState(ctx.home) },
  });
  // Each receipt is replaced atomically; one that cannot be written leaves the others renewed.
  for (let i = 0; i < inputs.length; i++) await writeAtomic(inputs[i]!.abs, receiptChunks(r.receipts[i]!));
  if (ctx.json) printJson(ctx, { ok: true, tsa: tsas[0]!.url, genTime: r.genTime, receipts: inputs.map((x, i) => ({ receipt: x.name, renewals: r.receipts[i]!.renewals.length })) });
  else out(ctx, t`Renewed ${inputs.length} receipt(s) with one archive timestamp from ${tsas[0]!.url} at ${r.genTime}.`);
  return 0;
}
