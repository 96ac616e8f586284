/**
 * The real-world corpus in ../shared/interop/tsa (143 artifacts, 45 operators): our parser
 * must read every token without throwing, and agree with `openssl cms -verify` on the CMS
 * signature wherever OpenSSL could judge it. (The full per-artifact verdict table is issue 5.)
 * Runs whenever ../shared is present; says so clearly when it is not.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fromHex } from '../../src/core/bytes.js';
import { parseCertificates, type Certificate } from '../../src/core/pki/certificate.js';
import { parseTimeStampResp } from '../../src/core/tsp/messages.js';
import { classifyTimestampBytes, trimZeroPadding, verifyTimestampToken } from '../../src/core/tsp/verify.js';
import { SHARED } from '../helpers/fixtures.js';
import type { AnyDigest } from '../../src/core/crypto/algorithms.js';

const CORPUS = path.join(SHARED, 'interop', 'tsa');
const present = existsSync(path.join(CORPUS, 'manifest.json'));
if (!present) console.warn(`SKIPPED: interop corpus tests — ${CORPUS} not found (CI always has ../shared)`);

interface Row {
  path: string;
  kind: string;
  hash_alg: string;
  imprint: string;
  gen_time_raw: string;
  ext_chain: string | null;
  openssl: { cms_sig?: string };
}

describe.skipIf(!present)('real-world timestamp corpus', () => {
  const rows: Row[] = present ? JSON.parse(readFileSync(path.join(CORPUS, 'manifest.json'), 'utf8')) : [];
  const tokens = rows.filter((r) => r.kind !== 'CMS-with-TST');

  it('has the artifacts the manifest lists', () => {
    expect(tokens.length).toBeGreaterThanOrEqual(139);
  });

  for (const r of tokens) {
    it(`${r.path}`, () => {
      const { bytes } = trimZeroPadding(new Uint8Array(readFileSync(path.join(CORPUS, r.path))));
      const kind = classifyTimestampBytes(bytes);
      expect(kind).toBeDefined();
      const token = kind === 'response' ? parseTimeStampResp(bytes).token : bytes;
      if (!token) return void expect(r.openssl.cms_sig ?? 'n/a').not.toMatch(/^OK/); // a rejection response: nothing to verify
      let extra: Certificate[] = [];
      if (r.ext_chain) extra = parseCertificates(readFileSync(path.join(CORPUS, r.ext_chain)), r.ext_chain);
      const alg = r.hash_alg.replace('sha3_', 'sha3-') as AnyDigest;
      const v = verifyTimestampToken(token, { imprint: { algorithm: alg, digest: fromHex(r.imprint) }, anchors: [], extraCertificates: extra, now: new Date('2100-01-01') });
      const sig = v.checks.find((c) => c.id === 'timestamp.signature');
      const verdict = r.openssl.cms_sig ?? '';
      if (verdict.startsWith('OK')) {
        expect(sig?.ok, `${sig?.detail}`).toBe(true);
        expect(v.checks.find((c) => c.id === 'timestamp.signed-attributes')?.status).toBe('pass');
        expect(v.tstInfo?.genTime.text).toBe(r.gen_time_raw);
      } else if (verdict.startsWith('FAIL')) {
        expect(v.ok).toBe(false);
        expect(v.checks.filter((c) => !c.ok).map((c) => c.id)).toEqual(expect.arrayContaining([expect.stringMatching(/timestamp\.(signature|signed-attributes|signer-certificate)/)]));
      }
    });
  }
});
