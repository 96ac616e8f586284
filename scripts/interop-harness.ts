/**
 * Runs every artifact of the real-world corpus (../shared/interop/tsa) through the built CLI
 * (`tsproof ts verify --json`), the way a verifier handed a token would:
 *   - data: the artifact's `.imprint-input.bin`, else the file it covers, else its own imprint
 *     (then the imprint check is vacuous, as in the manifest's OpenSSL column);
 *   - trust: the self-signed certificates in the token or the fixture chain (OpenSSL's
 *     "verify_chain"), else the TSA certificate itself, pinned (OpenSSL's "-partial_chain");
 *   - time: --at the token's genTime; both policies, strict and compatible.
 * Used by test/interop/corpus.test.ts and scripts/interop-table.ts (docs/interop.md).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCertificates, type Certificate } from '../dist/core/pki/certificate.js';
import { attr, parseSignedData, sidMatches } from '../dist/core/cms/signed-data.js';
import { parseTimeStampResp } from '../dist/core/tsp/messages.js';
import { classifyTimestampBytes, trimZeroPadding } from '../dist/core/tsp/verify.js';
import { OID } from '../dist/core/asn1/oids.js';
import { buildPath } from '../dist/core/pki/chain.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const CORPUS = path.resolve(ROOT, '..', 'shared', 'interop', 'tsa');
const BIN = path.join(ROOT, 'bin', 'tsproof.js');

export interface Row {
  path: string;
  kind: string;
  known_bad: string | null;
  hash_alg: string | null;
  imprint: string | null;
  gen_time: string | null;
  ext_chain: string | null;
  covered_path?: string | null;
  tsa_display?: string;
  openssl: { parse?: string; cms_sig?: string; verify_chain?: string; verify_leaf?: string };
}

export interface Check {
  id: string;
  ok: boolean;
  status: 'pass' | 'fail' | 'warn' | 'skip';
  detail: string;
  finding?: { code: string; severity: string };
}

export interface Outcome {
  row: Row;
  operator: string;
  trustMode: 'root' | 'pinned TSA certificate' | 'none';
  dataMode: 'data' | 'own imprint';
  strict: { ok: boolean; exit: number | null; failed: Check[]; warned: Check[] };
  compatible: { ok: boolean; exit: number | null; failed: Check[]; warned: Check[] };
  signer?: string;
  error?: string;
}

export function loadRows(): Row[] {
  return JSON.parse(readFileSync(path.join(CORPUS, 'manifest.json'), 'utf8')) as Row[];
}

/** The certificates that could anchor this artifact: self-signed ones, else the TSA signer pinned. */
function anchorsFor(row: Row): { certs: Certificate[]; mode: Outcome['trustMode']; extra: Certificate[] } {
  const bytes = trimZeroPadding(new Uint8Array(readFileSync(path.join(CORPUS, row.path)))).bytes;
  let tokens: Uint8Array[] = [];
  const pool: Certificate[] = [];
  if (row.kind === 'CMS-with-TST') {
    const sd = parseSignedData(bytes, 'cms');
    pool.push(...sd.certificates);
    tokens = sd.signerInfos.flatMap((si) => [...attr(si.unsignedAttrs, OID.signatureTimeStampToken), ...attr(si.unsignedAttrs, OID.msRfc3161TimeStamp)].flatMap((a) => a.values.map((v) => v.raw)));
  } else {
    const t = classifyTimestampBytes(bytes) === 'response' ? parseTimeStampResp(bytes).token : bytes;
    if (t) tokens = [t];
  }
  const extra = row.ext_chain ? parseCertificates(readFileSync(path.join(CORPUS, row.ext_chain)), row.ext_chain) : [];
  pool.push(...extra);
  const signers: Certificate[] = [];
  for (const t of tokens) {
    const sd = parseSignedData(t, 'token');
    pool.push(...sd.certificates);
    for (const si of sd.signerInfos) signers.push(...pool.filter((c) => sidMatches(si.sid, c)));
  }
  const roots = pool.filter((c) => c.isSelfIssued && c.isSignedBy(c));
  // A root counts only when the TSA certificate actually chains to it (as OpenSSL's verify_chain);
  // whether the path is valid at genTime is for the verdict to say, not for the choice of anchor.
  const at = row.gen_time ? new Date(row.gen_time.replace(' ', 'T')) : new Date();
  if (roots.length && signers.some((s) => buildPath(s, pool, roots, { at }).anchored)) return { certs: roots, mode: 'root', extra };
  // Else pin the top of the longest path the available certificates build (at least the TSA
  // certificate itself, as OpenSSL's -partial_chain), so that intermediates are judged too.
  if (signers.length) return { certs: signers.map((s) => buildPath(s, pool, [], { at }).path.at(-1)!), mode: 'pinned TSA certificate', extra };
  return { certs: [], mode: 'none', extra };
}

export function runArtifact(row: Row, tmp = mkdtempSync(path.join(os.tmpdir(), 'tsproof-interop-'))): Outcome {
  const operator = row.path.split('/')[0] === '_testTSA' ? `test: ${row.path.split('/')[1]}` : row.path.split('/')[0]!;
  const { certs, mode, extra } = anchorsFor(row);
  const trustFile = path.join(tmp, 'trust.pem');
  const extraFile = path.join(tmp, 'extra.pem');
  writeFileSync(trustFile, certs.map((c) => c.toPEM()).join(''));
  writeFileSync(extraFile, extra.map((c) => c.toPEM()).join(''));
  const file = path.join(CORPUS, row.path);
  const stem = file.replace(/\.[^.]+$/, '');
  const imprintInput = `${stem}.imprint-input.bin`;
  const data = existsSync(imprintInput) ? imprintInput : row.covered_path ? path.join(CORPUS, row.covered_path) : undefined;
  const at = row.gen_time ? new Date(row.gen_time.replace(' ', 'T')).toISOString() : undefined;
  const base =
    row.kind === 'CMS-with-TST'
      ? ['ts', 'verify', '--cms', file]
      : ['ts', 'verify', '--token', file, ...(data ? ['--data', data] : ['--digest', row.hash_alg ? `${row.hash_alg.replace('_', '-')}:${row.imprint}` : `sha256:${'0'.repeat(64)}`])];
  const args = [...base, ...(certs.length ? ['--trust', trustFile] : []), ...(extra.length ? ['--tsa-cert', extraFile] : []), ...(at ? ['--at', at] : []), '--json'];
  const env = { PATH: process.env.PATH, HOME: tmp, TSPROOF_HOME: path.join(tmp, 'home'), NO_COLOR: '1' };
  const judge = (policy: string) => {
    const r = spawnSync(process.execPath, [BIN, ...args, '--policy', policy], { env, encoding: 'utf8' });
    let doc: { ok: boolean; results?: { checks: Check[]; timestamp?: { tsa: string } }[]; error?: { message: string } };
    try {
      doc = JSON.parse(r.stdout);
    } catch {
      return { ok: false, exit: r.status, failed: [], warned: [], error: r.stderr.trim(), signer: undefined };
    }
    const checks = (doc.results ?? []).flatMap((x) => x.checks);
    return {
      ok: doc.ok,
      exit: r.status,
      failed: checks.filter((c) => c.status === 'fail'),
      warned: checks.filter((c) => c.status === 'warn'),
      signer: doc.results?.find((x) => x.timestamp)?.timestamp?.tsa,
      error: doc.error?.message,
    };
  };
  const strict = judge('strict');
  const compatible = judge('compatible');
  const out: Outcome = {
    row,
    operator,
    trustMode: mode,
    dataMode: data ? 'data' : 'own imprint',
    strict: { ok: strict.ok, exit: strict.exit, failed: strict.failed, warned: strict.warned },
    compatible: { ok: compatible.ok, exit: compatible.exit, failed: compatible.failed, warned: compatible.warned },
  };
  if (compatible.signer) out.signer = compatible.signer;
  if (strict.error) out.error = strict.error;
  return out;
}
