/** tsproof status --expiring — which proofs need renewal, and why (docs/long-term.md). Exit 1 when one is due. */
import path from 'node:path';
import { InputError } from '../../core/errors.js';
import { loadConfig } from '../../core/home.js';
import { loadReceiptFile } from '../../core/receipt/load.js';
import { verifyReceipt } from '../../core/verify/receipt.js';
import { expiry, parseWithin } from '../../core/longterm/expiry.js';
import { openExistingRegistry } from '../../core/registry/open.js';
import { trustAnchors } from '../common.js';
import { out, printJson } from '../output.js';
import { ExitCode } from '../exit.js';
import type { CliContext } from '../context.js';
import { joinTexts, t, type Text } from '../../core/text.js';

async function registryReceipts(ctx: CliContext): Promise<string[]> {
  const store = await openExistingRegistry(ctx.home, { now: ctx.now, readOnly: true });
  if (!store) throw new InputError({ code: 'BAD_ARGUMENT', message: t`status --expiring: give receipts, or keep a registry (none in ${ctx.home} yet)` });
  try {
    return (await store.registrations({ status: 'active' })).map((r) => r.receipt);
  } finally {
    store.close();
  }
}

export async function expiringCommand(ctx: CliContext, paths: string[], o: { within: string; trust: string[] }): Promise<number> {
  const withinMs = parseWithin(o.within);
  if (withinMs === undefined) throw new InputError({ code: 'BAD_ARGUMENT', message: t`--within ${o.within}: expected days, weeks or years, e.g. 365d, 12w, 2y` });
  const config = await loadConfig(ctx.home);
  const trust = await trustAnchors(ctx, o.trust);
  const files = paths.length ? paths : await registryReceipts(ctx);
  const now = ctx.now();
  const rows: { receipt: string; id?: string; due: boolean; restsOn?: { what: string; tsa?: string; notAfter?: string; algorithm?: string }; reasons: Text[] }[] = [];
  for (const f of files) {
    const shown = path.relative(ctx.cwd, path.resolve(ctx.cwd, f)) || f;
    let receipt;
    try {
      receipt = await loadReceiptFile(path.resolve(ctx.cwd, f), shown);
    } catch (err) {
      if (err instanceof InputError && err.code === 'RECEIPT_NOT_FOUND') {
        rows.push({ receipt: shown, due: true, reasons: [t`the receipt cannot be read`] });
        continue;
      }
      throw err;
    }
    const v = verifyReceipt(receipt, { anchors: [], trust, now });
    const e = v.layers ? expiry(v.layers, { now, withinMs, ...(config.deprecations ? { deprecations: config.deprecations } : {}) }) : undefined;
    const bad = v.checks.find((c) => !c.ok);
    const reasons = [...(bad ? [t`it does not verify (${bad.id}: ${bad.detail})`] : []), ...(e?.reasons ?? [])];
    rows.push({
      receipt: shown,
      id: receipt.id,
      due: reasons.length > 0,
      ...(e
        ? {
            restsOn: {
              what: String(e.restsOn.what),
              ...(e.restsOn.tsa ? { tsa: e.restsOn.tsa } : {}),
              ...(e.restsOn.notAfter ? { notAfter: e.restsOn.notAfter.toISOString() } : {}),
              ...(e.restsOn.algorithm ? { algorithm: e.restsOn.algorithm } : {}),
            },
          }
        : {}),
      reasons,
    });
  }
  const due = rows.filter((r) => r.due);
  if (ctx.json) printJson(ctx, { ok: due.length === 0, due: due.length, within: o.within, receipts: rows });
  else {
    for (const r of rows) {
      if (r.due) out(ctx, t`due   ${r.receipt}: ${joinTexts(r.reasons, '; ')}`);
      else out(ctx, t`ok    ${r.receipt}: rests on ${r.restsOn?.what ?? '?'}${r.restsOn?.notAfter ? `, valid until ${r.restsOn.notAfter}` : ''}`);
    }
    out(ctx, due.length ? t`${due.length} of ${rows.length} proof(s) need renewal within ${o.within} (tsproof renew).` : t`No proof needs renewal within ${o.within}.`);
  }
  return due.length ? ExitCode.VERIFY_FAILED : ExitCode.OK;
}
