/**
 * The curated roots of `tsproof trust add --known <name>` (src/core/trust/known.ts): each file
 * hashes to its pin and carries the subject the list names; each root anchors the real tokens of
 * its operator in the interop corpus (../shared/interop/tsa) — the TSA path validates at the
 * token's genTime with that root as the only anchor, and fails without it; and every name is one
 * of `tsproof tsa list`.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { KNOWN_TSA_ROOTS, knownRootBySha256, knownRootCertificates, knownTsa } from '../../src/core/trust/known.js';
import { PUBLIC_TSAS } from '../../src/core/tsa/public-tsas.js';
import { classifyTimestampBytes, tokenImprintAlgorithm, trimZeroPadding, verifyTimestampToken } from '../../src/core/tsp/verify.js';
import { parseTimeStampResp, parseTstInfo } from '../../src/core/tsp/messages.js';
import { parseSignedData } from '../../src/core/cms/signed-data.js';
import { hash } from '../../src/core/crypto/algorithms.js';
import { COMPATIBLE } from '../../src/core/verify/policy.js';
import type { TrustAnchor } from '../../src/core/trust.js';
import { SHARED } from '../helpers/fixtures.js';

const CORPUS = path.join(SHARED, 'interop', 'tsa');
const present = existsSync(path.join(CORPUS, 'manifest.json'));
if (!present) console.warn(`SKIPPED: curated roots against real tokens — ${CORPUS} not found (CI always has ../shared)`);

function tokenOf(file: string): Uint8Array {
  const bytes = trimZeroPadding(new Uint8Array(readFileSync(file))).bytes;
  return classifyTimestampBytes(bytes) === 'response' ? parseTimeStampResp(bytes).token! : bytes;
}

/** The token against what it covers (its imprint-input), else against its own imprint. */
function judge(file: string, trust: TrustAnchor[]) {
  const token = tokenOf(file);
  const input = file.replace(/\.[^.]+$/, '.imprint-input.bin');
  const alg = tokenImprintAlgorithm(token)!;
  const own = parseTstInfo(parseSignedData(token, 'token').eContent!).imprint;
  const imprint = { algorithm: alg, digest: existsSync(input) ? hash(alg, new Uint8Array(readFileSync(input))) : own };
  return verifyTimestampToken(token, { imprint, anchors: [], trust, now: new Date(), policy: COMPATIBLE });
}

describe('the curated TSA roots', () => {
  it('are pinned: each file hashes to its SHA-256 and has the subject the list names', () => {
    for (const k of KNOWN_TSA_ROOTS) {
      const certs = knownRootCertificates(k);
      certs.forEach((c, i) => {
        expect(c.sha256).toBe(k.roots[i]!.sha256);
        expect(c.subject).toBe(k.roots[i]!.subject);
        expect(c.isCA && c.isSelfIssued && c.isSignedBy(c)).toBe(true);
      });
      expect(PUBLIC_TSAS.map((p) => p.name)).toContain(k.name);
      expect(knownTsa(k.name.toUpperCase())).toBe(k);
      for (const r of k.roots) expect(knownRootBySha256(r.sha256)).toBe(k);
    }
  });

  describe.skipIf(!present)("anchor their operator's real tokens", () => {
    for (const k of KNOWN_TSA_ROOTS) {
      k.roots.forEach((r, i) => {
        for (const tok of r.checkedAgainst) {
          it(`${k.name}: ${tok}`, () => {
            const file = path.join(CORPUS, tok);
            const root = knownRootCertificates(k)[i]!;
            const anchored = judge(file, [{ certificate: root, purpose: 'tsa', source: 'known' }]);
            const chain = anchored.checks.find((c) => c.id === 'timestamp.chain')!;
            expect(chain, JSON.stringify(anchored.checks.filter((c) => !c.ok))).toMatchObject({ status: 'pass' });
            expect(anchored.checks.find((c) => c.id === 'timestamp.chain-validity')).toMatchObject({ status: 'pass' });
            expect(anchored.info!.anchor).toEqual({ subject: r.subject, sha256: r.sha256 });
            // Trusted for holders only, it anchors no TSA — and trusting it is not what is missing;
            // not trusted at all, the chain fails for want of exactly that trust decision.
            const holderOnly = judge(file, [{ certificate: root, purpose: 'holder', source: 'known' }]).checks.find((c) => c.id === 'timestamp.chain')!;
            expect(holderOnly.status).toBe('fail');
            expect(holderOnly.cause).toBeUndefined();
            const fresh = judge(file, []);
            expect(fresh.checks.find((c) => c.id === 'timestamp.chain')).toMatchObject({ status: 'fail', cause: 'untrusted-anchor' });
            const top = fresh.untrustedRoot!;
            // Where the token carries the root, a fresh machine names it and its fingerprint; else the issuer it lacks.
            if (top.selfSigned) expect(top.sha256).toBe(r.sha256);
            else expect(top.issuer).toBe(r.subject);
          });
        }
      });
    }
  });
});
