/** tsproof trust add|list|remove — trust anchors for TSAs and holders, with validity windows. */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { InputError } from '../../core/errors.js';
import { parseCertificates } from '../../core/pki/certificate.js';
import { TrustStore, type TrustPurpose } from '../../core/trust.js';
import { atOption } from '../common.js';
import { out, printJson, warn } from '../output.js';
import type { CliContext } from '../context.js';
import { plain, t } from '../../core/text.js';

export async function trustAdd(ctx: CliContext, file: string, o: { for: string; validFrom?: string; validTo?: string }): Promise<number> {
  if (!['tsa', 'holder', 'any'].includes(o.for)) throw new InputError({ code: 'BAD_ARGUMENT', message: t`--for ${o.for}: expected tsa, holder or any` });
  let bytes: Buffer;
  try {
    bytes = await readFile(path.resolve(ctx.cwd, file));
  } catch {
    throw new InputError({ code: 'FILE_NOT_FOUND', message: t`${file}: cannot read` });
  }
  const certs = parseCertificates(bytes, file);
  const validFrom = atOption(o.validFrom);
  const validTo = atOption(o.validTo);
  if (validFrom && validTo && validTo < validFrom) throw new InputError({ code: 'BAD_ARGUMENT', message: t`--valid-to is before --valid-from` });
  const store = new TrustStore(ctx.home);
  const added = [];
  for (const c of certs) {
    if (!c.isCA && !c.isSelfIssued) warn(ctx, o.for === 'tsa' ? t`"${c.subject}" is not a CA certificate: trusting it pins exactly this TSA certificate` : t`"${c.subject}" is not a CA certificate: trusting it pins exactly this holder certificate`);
    added.push(await store.add(c, o.for as TrustPurpose, { ...(validFrom ? { validFrom } : {}), ...(validTo ? { validTo } : {}) }, ctx.now()));
  }
  if (ctx.json) printJson(ctx, { ok: true, added });
  else
    for (const a of added) {
      out(ctx, a.validFrom || a.validTo ? t`Trusted for ${a.purpose}: ${a.subject} (${a.id}), for times ${a.validFrom ?? '…'} to ${a.validTo ?? '…'}` : t`Trusted for ${a.purpose}: ${a.subject} (${a.id})`);
    }
  return 0;
}

export async function trustList(ctx: CliContext): Promise<number> {
  const store = new TrustStore(ctx.home);
  const anchors = await store.load();
  const entries = await store.entries();
  const rows = anchors.map((a) => {
    const e = entries.find((x) => a.source === `trust store ${x.id}`);
    return {
      id: e?.id ?? path.basename(a.source),
      purpose: a.purpose,
      subject: a.certificate.subject,
      sha256: a.certificate.sha256,
      notAfter: a.certificate.notAfter.toISOString(),
      ...(a.validFrom ? { validFrom: a.validFrom.toISOString() } : {}),
      ...(a.validTo ? { validTo: a.validTo.toISOString() } : {}),
    };
  });
  if (ctx.json) printJson(ctx, { ok: true, anchors: rows });
  else if (rows.length === 0) out(ctx, t`No trust anchors. Add one with: tsproof trust add <root.pem> --for tsa|holder`);
  else for (const r of rows) out(ctx, r.validFrom || r.validTo ? plain`${r.id.padEnd(24)} ${r.purpose.padEnd(6)} ${r.subject}  [${r.validFrom ?? '…'} – ${r.validTo ?? '…'}]` : plain`${r.id.padEnd(24)} ${r.purpose.padEnd(6)} ${r.subject}`);
  return 0;
}

export async function trustRemove(ctx: CliContext, id: string): Promise<number> {
  const removed = await new TrustStore(ctx.home).remove(id);
  if (ctx.json) printJson(ctx, { ok: true, removed });
  else out(ctx, t`Removed trust anchor ${removed}`);
  return 0;
}
