/** tsproof trust add|list|remove — trust anchors for TSAs and holders, with validity windows. */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { InputError } from '../../core/errors.js';
import { parseCertificates, type Certificate } from '../../core/pki/certificate.js';
import { TrustStore, type TrustPurpose } from '../../core/trust.js';
import { adoptFrom } from '../../core/trust/adopt.js';
import { KNOWN_TSA_ROOTS, knownRootCertificates, knownTsa } from '../../core/trust/known.js';
import { loadReceiptSource } from '../../core/receipt/source.js';
import { normaliseFingerprint } from '../../core/verify/pins.js';
import { atOption } from '../common.js';
import { out, printJson, warn } from '../output.js';
import type { CliContext } from '../context.js';
import { plain, t } from '../../core/text.js';

export async function trustAdd(ctx: CliContext, file: string | undefined, o: { for?: string; from?: string; sha256?: string; known?: string; validFrom?: string; validTo?: string }): Promise<number> {
  if (o.for !== undefined && !['tsa', 'holder', 'any'].includes(o.for)) throw new InputError({ code: 'BAD_ARGUMENT', message: t`--for ${o.for}: expected tsa, holder or any` });
  const sources = [file !== undefined, o.from !== undefined, o.known !== undefined].filter(Boolean).length;
  if (sources !== 1) throw new InputError({ code: 'BAD_ARGUMENT', message: t`give one of: a certificate file, --from <receipt> --sha256 <fingerprint>, or --known <name>` });
  if ((o.sha256 !== undefined) !== (o.from !== undefined)) throw new InputError({ code: 'BAD_ARGUMENT', message: t`--from and --sha256 go together: the root is taken from the receipt only when its fingerprint is the one you compared` });
  const validFrom = atOption(o.validFrom);
  const validTo = atOption(o.validTo);
  if (validFrom && validTo && validTo < validFrom) throw new InputError({ code: 'BAD_ARGUMENT', message: t`--valid-to is before --valid-from` });
  const window = { ...(validFrom ? { validFrom } : {}), ...(validTo ? { validTo } : {}) };

  // What to trust, and for what.
  let chosen: { certificate: Certificate; purpose: TrustPurpose }[];
  if (o.from !== undefined) {
    const fp = normaliseFingerprint(o.sha256!);
    if (!fp) throw new InputError({ code: 'BAD_ARGUMENT', message: t`--sha256 ${o.sha256 ?? ''}: expected a SHA-256 fingerprint (64 hex digits, colons allowed)` });
    const hit = adoptFrom(await loadReceiptSource(path.resolve(ctx.cwd, o.from)), fp, o.from);
    chosen = [{ certificate: hit.certificate, purpose: (o.for as TrustPurpose | undefined) ?? hit.purpose }];
  } else if (o.known !== undefined) {
    const k = knownTsa(o.known);
    if (!k) throw new InputError({ code: 'BAD_ARGUMENT', message: t`--known ${o.known}: no curated root for that name; known: ${KNOWN_TSA_ROOTS.map((x) => x.name).join(', ')} (docs/trust.md)` });
    chosen = knownRootCertificates(k).map((certificate) => ({ certificate, purpose: (o.for as TrustPurpose | undefined) ?? 'tsa' }));
  } else {
    if (o.for === undefined) throw new InputError({ code: 'BAD_ARGUMENT', message: t`say what the certificate anchors: --for tsa, holder or any` });
    let bytes: Buffer;
    try {
      bytes = await readFile(path.resolve(ctx.cwd, file!));
    } catch {
      throw new InputError({ code: 'FILE_NOT_FOUND', message: t`${file ?? ''}: cannot read` });
    }
    chosen = parseCertificates(bytes, file!).map((certificate) => ({ certificate, purpose: o.for as TrustPurpose }));
  }

  const store = new TrustStore(ctx.home);
  const existing = await store.entries();
  const added = [];
  const already = [];
  for (const { certificate: c, purpose } of chosen) {
    // A curated root already trusted is not an error: adding the list again is harmless.
    const have = existing.find((e) => e.sha256 === c.sha256 && e.purpose === purpose);
    if (have && o.known !== undefined) {
      already.push(have);
      continue;
    }
    if (!c.isCA && !c.isSelfIssued)
      warn(ctx, purpose === 'tsa' ? t`"${c.subject}" is not a CA certificate: trusting it pins exactly this TSA certificate` : t`"${c.subject}" is not a CA certificate: trusting it pins exactly this holder certificate`);
    added.push(await store.add(c, purpose, window, ctx.now()));
  }
  if (ctx.json) printJson(ctx, { ok: true, added, ...(already.length ? { already } : {}) });
  else {
    for (const a of added) {
      out(ctx, a.validFrom || a.validTo ? t`Trusted for ${a.purpose}: ${a.subject} (${a.id}), for times ${a.validFrom ?? '…'} to ${a.validTo ?? '…'}` : t`Trusted for ${a.purpose}: ${a.subject} (${a.id})`);
      out(ctx, t`  SHA-256 ${a.sha256}`);
    }
    for (const a of already) out(ctx, t`Already trusted for ${a.purpose}: ${a.subject} (${a.id})`);
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
