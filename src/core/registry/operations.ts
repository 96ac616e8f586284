/**
 * What the registry commands do, without the CLI: status of files, adopting receipts made
 * elsewhere (import, rebuild), retiring and destroying registrations (signed by the holder),
 * sealing the chain head, and exporting everything as JSON Lines.
 */
import { readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { KeyObject } from 'node:crypto';
import { toBase64 } from '../bytes.js';
import { InputError, messageOf } from '../errors.js';
import { signDocument } from '../escrow/statements.js';
import { RECEIPT_SUFFIX } from '../io/files.js';
import type { Certificate } from '../pki/certificate.js';
import { loadReceiptSource } from '../receipt/source.js';
import { t, type Text } from '../text.js';
import { verifyReceipt, type VerifyContext } from '../verify/receipt.js';
import { receiptSha256 } from './lookup.js';
import { resolveRegistration } from './query.js';
import { recordRegistration } from './record.js';
import type { SqliteRegistry } from './sqlite.js';
import type { RegistrationRecord, RegistryEvent, RegistryStore } from './types.js';

/** Receipt files under the given paths: a receipt or evidence pack (zip) as given, folders searched for *.tsproof.json. */
export async function receiptFiles(inputs: readonly string[], cwd: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string, depth: number): Promise<void> => {
    if (depth > 32) return;
    let names;
    try {
      names = await readdir(dir, { withFileTypes: true });
    } catch (err) {
      throw new InputError({ code: 'FILE_UNREADABLE', message: t`${dir}: cannot read the folder (${messageOf(err)})` });
    }
    for (const n of names.sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = path.join(dir, n.name);
      if (n.isDirectory() && n.name !== 'node_modules' && n.name !== '.git') await walk(p, depth + 1);
      else if (n.isFile() && n.name.endsWith(RECEIPT_SUFFIX)) out.push(p);
    }
  };
  for (const i of inputs) {
    const abs = path.resolve(cwd, i);
    const st = await stat(abs).catch(() => undefined);
    if (!st) throw new InputError({ code: 'FILE_NOT_FOUND', message: t`${i}: no such file or folder` });
    if (st.isDirectory() && !(await isPack(abs))) await walk(abs, 0);
    else out.push(abs);
  }
  return [...new Set(out)];
}

async function isPack(dir: string): Promise<boolean> {
  return (await stat(path.join(dir, 'signature.p7s')).catch(() => undefined)) !== undefined && (await stat(path.join(dir, 'manifest.json')).catch(() => undefined)) !== undefined;
}

export interface Adoption {
  receipt: string;
  id?: string;
  outcome: 'adopted' | 'known' | 'refused';
  reason?: Text;
}

/** Verifies each receipt and records those that verify (kind `import` or `rebuild`); the others are reported, not recorded. */
export async function adoptReceipts(store: RegistryStore, files: readonly string[], kind: 'import' | 'rebuild', vctx: VerifyContext): Promise<Adoption[]> {
  const out: Adoption[] = [];
  for (const file of files) {
    let loaded;
    try {
      loaded = await loadReceiptSource(file);
    } catch (err) {
      out.push({ receipt: file, outcome: 'refused', reason: messageOf(err) });
      continue;
    }
    const v = verifyReceipt(loaded.receipt, { ...vctx, extraCertificates: loaded.certificates });
    if (!v.ok || !v.manifest || !v.time) {
      const failed = v.checks.find((c) => !c.ok);
      out.push({ receipt: file, ...(v.id ? { id: v.id } : {}), outcome: 'refused', reason: failed ? t`${failed.id}: ${failed.detail}` : t`it does not verify` });
      continue;
    }
    const rec = await recordRegistration(store, kind, { ...v, manifest: v.manifest }, v.entries, { path: file, sha256: loaded.sha256 });
    out.push({ receipt: file, id: v.manifest.id, outcome: rec ? 'adopted' : 'known' });
  }
  return out;
}

export interface Signer {
  key: KeyObject;
  chain: readonly Certificate[];
}

/**
 * Retires or destroys a registration: a document {format, kind, id, reason, time} signed by the
 * holder's identity is the event's payload and signature. Destroying removes the entries' names and
 * digests (the tombstone keeps id, reason, time and count) and, with `receipts`, the receipt file
 * when it still is the one recorded.
 */
export async function endRegistration(
  store: RegistryStore,
  id: string,
  o: { kind: 'retire' | 'destroy'; reason: string; signer: Signer; now: Date; receipts?: boolean },
): Promise<{ registration: RegistrationRecord; event: RegistryEvent; deleted: string[] }> {
  const rec = await resolveRegistration(store, id);
  if (rec.status === 'destroyed') throw new InputError({ code: 'BAD_ARGUMENT', message: t`registration ${rec.id} was destroyed already` });
  if (o.kind === 'retire' && rec.status === 'retired') throw new InputError({ code: 'BAD_ARGUMENT', message: t`registration ${rec.id} is retired already` });
  if (!o.reason.trim()) throw new InputError({ code: 'BAD_ARGUMENT', message: t`--reason: say why` });
  const signerSha = o.signer.chain[0]!.sha256;
  if (rec.holderSha256 && signerSha !== rec.holderSha256) throw new InputError({ code: 'BAD_ARGUMENT', message: t`registration ${rec.id} was made by ${rec.holder}; only that holder's identity can ${o.kind} it (--identity)` });
  const doc = { format: 'tsproof.registry-event', kind: o.kind, id: rec.id, reason: o.reason, time: o.now.toISOString(), holderSha256: signerSha, count: rec.count };
  const signature = toBase64(signDocument(doc, o.signer, o.now));
  const deleted: string[] = [];
  const event = await store.update(rec.id, { status: o.kind === 'retire' ? 'retired' : 'destroyed', reason: o.reason, ...(o.kind === 'destroy' ? { dropEntries: true } : {}) }, { kind: o.kind, subject: rec.id, payload: doc, signature });
  if (o.kind === 'destroy' && o.receipts && (await receiptSha256(rec.receipt)) === rec.receiptSha256) {
    await rm(rec.receipt, { recursive: true, force: true });
    deleted.push(rec.receipt);
  }
  return { registration: { ...rec, status: o.kind === 'retire' ? 'retired' : 'destroyed', reason: o.reason }, event, deleted };
}

/** The export: one header line, then every registration with its entries, then every event. */
export function* exportLines(store: SqliteRegistry, registrations: readonly RegistrationRecord[], schema: number): Generator<string> {
  yield `${JSON.stringify({ format: 'tsproof.registry-export', version: 1, schema })}\n`;
  for (const r of registrations) yield `${JSON.stringify({ type: 'registration', ...r, entries: [...store.iterateEntries(r.id)] })}\n`;
  for (const e of store.iterateEvents()) yield `${JSON.stringify({ type: 'event', ...e })}\n`;
}
