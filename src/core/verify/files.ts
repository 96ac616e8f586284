/**
 * Verifying local files: find each file's receipt (given, beside the file, or through the
 * local index), stream-hash the file with the receipt's algorithms, and judge it.
 */
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { InputError } from '../errors.js';
import { hashFile } from '../hash/engine.js';
import { readIndex } from '../home.js';
import { RECEIPT_SUFFIX } from '../io/files.js';
import { decodeManifest } from '../receipt/manifest.js';
import { decodeField, parseReceiptJson, type Receipt } from '../receipt/receipt.js';
import { CheckList } from './checks.js';
import { verifyFileAgainst, verifyReceipt, type FileVerification, type ReceiptVerification, type VerifyContext } from './receipt.js';
import type { HashAlgorithm } from '../crypto/algorithms.js';

export async function loadReceipt(file: string): Promise<Receipt> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new InputError({ code: 'RECEIPT_NOT_FOUND', message: `${file}: cannot read receipt` });
  }
  return parseReceiptJson(text, file);
}

/** Receipt files named after `file`: `<name>.tsproof.json` and `<name>.<id>.tsproof.json`. */
async function receiptsBeside(file: string): Promise<string[]> {
  const dir = path.dirname(file);
  const base = path.basename(file);
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  return names
    .filter((n) => n === `${base}${RECEIPT_SUFFIX}` || (n.startsWith(`${base}.`) && n.endsWith(RECEIPT_SUFFIX) && /^[0-9a-f]{8}$/.test(n.slice(base.length + 1, -RECEIPT_SUFFIX.length))))
    .sort()
    .map((n) => path.join(dir, n));
}

function manifestHas(receipt: Receipt, alg: HashAlgorithm, hex: string): boolean {
  const bytes = decodeField(receipt.manifest);
  const m = bytes && decodeManifest(bytes).manifest;
  return !!m && m.files.some((f) => f.digests[alg] === hex);
}

export interface VerifyFilesOptions extends VerifyContext {
  files: readonly string[];
  cwd: string;
  home: string;
  receipt?: string;
}

export async function verifyFiles(o: VerifyFilesOptions): Promise<FileVerification[]> {
  const cache = new Map<string, { receipt: Receipt; verification: ReceiptVerification }>();
  const judge = async (receiptPath: string) => {
    let hit = cache.get(receiptPath);
    if (!hit) {
      const receipt = await loadReceipt(receiptPath);
      hit = { receipt, verification: verifyReceipt(receipt, o) };
      cache.set(receiptPath, hit);
    }
    return hit;
  };
  const given = o.receipt ? path.resolve(o.cwd, o.receipt) : undefined;
  if (given) await judge(given); // a bad --receipt is bad input before any hashing

  const results: FileVerification[] = [];
  for (const f of o.files) {
    const abs = path.resolve(o.cwd, f);
    const name = path.basename(abs).normalize('NFC');
    let receiptPath = given;
    if (!receiptPath) {
      // Beside the file first, then the local index; either way matched by content digest.
      const beside = await receiptsBeside(abs);
      const index = await readIndex(o.home);
      const algs = new Set<HashAlgorithm>(['sha256']);
      for (const e of index) for (const x of e.files) for (const a of Object.keys(x.digests)) algs.add(a as HashAlgorithm);
      const local = await hashFile(abs, [...algs], f);
      const matches = (digests: Partial<Record<HashAlgorithm, string>>) => Object.entries(digests).some(([a, h]) => local.digests[a as HashAlgorithm] === h);
      for (const r of beside) {
        if (receiptPath) break;
        const { receipt } = await judge(r);
        if ([...algs].some((a) => manifestHas(receipt, a, local.digests[a]!))) receiptPath = r;
      }
      receiptPath ??= [...index].reverse().find((e) => e.files.some((x) => matches(x.digests)))?.receipt;
      receiptPath ??= beside[0];
    }
    if (!receiptPath) {
      const checks = new CheckList();
      checks.fail('receipt.located', 'no receipt given, none beside the file, and no registration of its content in the local index');
      results.push({ file: f, ok: false, checks: checks.items, timestamps: [] });
      continue;
    }
    const { verification } = await judge(receiptPath);
    const algs = verification.manifest?.algorithms ?? ['sha256'];
    const local = await hashFile(abs, algs, f);
    const r = verifyFileAgainst(verification, f, name, local);
    r.receipt = path.relative(o.cwd, receiptPath) || receiptPath;
    results.push(r);
  }
  return results;
}
