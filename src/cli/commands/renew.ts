/** tsproof renew — one RFC 4998 archive timestamp over many receipts, added to each (docs/long-term.md). */
import path from 'node:path';
import { InputError } from '../../core/errors.js';
import { fileRateState } from '../../core/home.js';
import { proxyFromEnv } from '../../core/tsp/http.js';
import { writeAtomic } from '../../core/io/fs.js';
import { loadReceiptFile } from '../../core/receipt/load.js';
import { receiptChunks } from '../../core/receipt/receipt.js';
import { filesAlgorithm, filesLeaf, rehashFiles, renewReceipts } from '../../core/longterm/renew.js';
import type { Receipt } from '../../core/receipt/receipt.js';
import { openExistingRegistry } from '../../core/registry/open.js';
import { receiptSha256 } from '../../core/registry/lookup.js';
import { trustAnchors } from '../common.js';
import { parseAlgorithm } from './hash.js';
import { resolveTsas } from './register.js';
import { out, printJson, warn } from '../output.js';
import type { CliContext } from '../context.js';
import { t } from '../../core/text.js';

/** The receipts of the registry's active registrations, where recorded (those not found are reported and left out). */
async function registryReceipts(ctx: CliContext): Promise<string[]> {
  const store = await openExistingRegistry(ctx.home, { now: ctx.now, readOnly: true });
  if (!store) throw new InputError({ code: 'BAD_ARGUMENT', message: t`--registry: there is no registry in ${ctx.home} yet` });
  try {
    const files: string[] = [];
    for (const r of await store.registrations({ status: 'active' })) {
      if ((await receiptSha256(r.receipt)) === undefined) warn(ctx, t`the receipt of ${r.id} is not at ${r.receipt}; not renewed (tsproof registry verify)`);
      else files.push(r.receipt);
    }
    return files;
  } finally {
    store.close();
  }
}

export async function renewCommand(ctx: CliContext, files: string[], o: { tsa: string[]; trust: string[]; algorithm?: string; timeout: string; registry?: boolean; files?: string }): Promise<number> {
  const timeoutMs = Number(o.timeout) * 1000;
  if (!(timeoutMs > 0)) throw new InputError({ code: 'BAD_ARGUMENT', message: t`--timeout ${o.timeout}: expected a number of seconds` });
  if (o.registry && files.length) throw new InputError({ code: 'BAD_ARGUMENT', message: t`give receipts or --registry, not both` });
  if (!o.registry && files.length === 0) throw new InputError({ code: 'BAD_ARGUMENT', message: t`give the receipts to renew, or --registry` });
  const tsas = await resolveTsas(ctx, o.tsa);
  if (tsas.length !== 1) throw new InputError({ code: 'BAD_ARGUMENT', message: t`renew asks one TSA: give one --tsa` });
  const trust = await trustAnchors(ctx, o.trust);
  const given = o.registry ? await registryReceipts(ctx) : files;
  if (given.length === 0) {
    if (ctx.json) printJson(ctx, { ok: true, receipts: [] });
    else out(ctx, t`Nothing to renew.`);
    return 0;
  }
  const inputs = [];
  for (const f of given) {
    const abs = path.resolve(ctx.cwd, f);
    inputs.push({ receipt: await loadReceiptFile(abs, f), name: f, abs });
  }
  const algorithm = o.algorithm ? parseAlgorithm(o.algorithm) : undefined;
  const filesDir = o.files === undefined ? undefined : path.resolve(ctx.cwd, o.files);
  const r = await renewReceipts(inputs, {
    tsa: tsas[0]!,
    ...(algorithm ? { algorithm } : {}),
    // Over the files (a hash-tree renewal once renewed): each receipt's files read from --files, checked, re-hashed.
    ...(filesDir !== undefined
      ? {
          files: async (receipt: Receipt, name: string) => {
            const alg = filesAlgorithm(receipt, algorithm, name);
            return filesLeaf(receipt, alg, await rehashFiles(receipt, name, filesDir, alg));
          },
        }
      : {}),
    anchors: [],
    trust,
    now: ctx.now,
    random: ctx.random,
    client: { timeoutMs, proxy: proxyFromEnv(ctx.env), rateState: fileRateState(ctx.home) },
  });
  // Each receipt is replaced atomically; one that cannot be written leaves the others renewed.
  for (let i = 0; i < inputs.length; i++) await writeAtomic(inputs[i]!.abs, receiptChunks(r.receipts[i]!));
  await recordRenewals(
    ctx,
    inputs.map((x, i) => ({ id: r.receipts[i]!.id, file: x.abs, renewals: r.receipts[i]!.renewals.length })),
    r.genTime,
  );
  if (ctx.json) printJson(ctx, { ok: true, tsa: tsas[0]!.url, genTime: r.genTime, algorithm: r.algorithm, files: filesDir !== undefined, receipts: inputs.map((x, i) => ({ receipt: x.name, renewals: r.receipts[i]!.renewals.length })) });
  else if (filesDir !== undefined) out(ctx, t`Renewed ${inputs.length} receipt(s) over their files, re-hashed with ${r.algorithm.toUpperCase()}, with one archive timestamp from ${tsas[0]!.url} at ${r.genTime}.`);
  else out(ctx, t`Renewed ${inputs.length} receipt(s) with one archive timestamp from ${tsas[0]!.url} at ${r.genTime}.`);
  return 0;
}

/** The registry follows the receipts it records: a `renewal` event with each renewed receipt's new SHA-256. */
async function recordRenewals(ctx: CliContext, renewed: { id: string; file: string; renewals: number }[], genTime: string): Promise<void> {
  const store = await openExistingRegistry(ctx.home, { now: ctx.now });
  if (!store) return;
  try {
    for (const x of renewed) {
      const rec = await store.registration(x.id);
      if (!rec || rec.status === 'destroyed') continue;
      const sha = await receiptSha256(x.file);
      if (!sha) continue;
      await store.update(x.id, { receipt: x.file, receiptSha256: sha }, { kind: 'renewal', subject: x.id, payload: { id: x.id, receipt: x.file, receiptSha256: sha, renewals: x.renewals, genTime } });
    }
  } finally {
    store.close();
  }
}
