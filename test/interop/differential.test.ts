/**
 * Differential parsing (docs/interop.md#differential-parsing): every certificate, timestamp
 * token, CMS SignedData and PKCS#12 file in the corpora is read by tsproof and by pkijs / asn1js
 * (and certificates also by @peculiar/x509); both must accept the same objects and read the same
 * fields. Then fuzz mutants of certificates and tokens go through both: where both accept, they
 * must read the same fields except for the explained differences; where only one accepts, the
 * counts are reported (tsproof is the stricter reader of what it uses and reads lazily what it
 * does not; docs/interop.md lists why).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PASSPHRASE, SHARED_INTEROP, seedFiles, seeds } from '../../fuzz/lib/corpus.ts';
import * as d from '../../fuzz/lib/differential.ts';
import { applyPlan, planArb } from '../../fuzz/lib/mutate.ts';
import { parseSignedData } from '../../src/core/cms/signed-data.js';
import { parseTimeStampResp } from '../../src/core/tsp/messages.js';
import { classifyTimestampBytes, trimZeroPadding } from '../../src/core/tsp/verify.js';

const TSA_MANIFEST = path.join(SHARED_INTEROP, 'tsa', 'manifest.json');
const shared = existsSync(TSA_MANIFEST);
if (!shared) console.warn(`SKIPPED: differential parsing of the real-world corpus — ${TSA_MANIFEST} not found (CI always has ../shared)`);

/** The real-world tokens (responses unwrapped). */
function realTokens(): { name: string; bytes: Uint8Array }[] {
  if (!shared) return [];
  const out: { name: string; bytes: Uint8Array }[] = [];
  for (const r of JSON.parse(readFileSync(TSA_MANIFEST, 'utf8')) as { path: string; kind: string }[]) {
    if (r.kind === 'CMS-with-TST') continue;
    const { bytes } = trimZeroPadding(new Uint8Array(readFileSync(path.join(SHARED_INTEROP, 'tsa', r.path))));
    const token = classifyTimestampBytes(bytes) === 'response' ? parseTimeStampResp(bytes).token : bytes;
    if (token) out.push({ name: r.path, bytes: token });
  }
  return out;
}

const tokens = [...seedFiles('tsp-token'), ...seedFiles('der').filter((s) => s.name.startsWith('token-')), ...realTokens()];
const cmsObjects = seedFiles('cms');
/** Certificates: the fixtures, and every certificate embedded in a token or signature of the corpora. */
const certificates = [
  ...seedFiles('certificate').filter((s) => s.name.endsWith('.der')),
  ...[...tokens, ...cmsObjects].flatMap((t) => parseSignedData(t.bytes, t.name).certificates.map((c, i) => ({ name: `${t.name}#cert${i}`, bytes: c.der }))),
  ...(existsSync(path.join(SHARED_INTEROP, 'npki')) ? seedFilesIn(path.join(SHARED_INTEROP, 'npki')) : []),
];

function seedFilesIn(dir: string): { name: string; bytes: Uint8Array }[] {
  const out: { name: string; bytes: Uint8Array }[] = [];
  const walk = (p: string) => {
    for (const n of readdirSync(p)) {
      const f = path.join(p, n);
      if (statSync(f).isDirectory()) walk(f);
      else if (/signCert\.der$/.test(n)) out.push({ name: path.relative(SHARED_INTEROP, f), bytes: new Uint8Array(readFileSync(f)) });
    }
  };
  walk(dir);
  return out;
}

describe('differential parsing of the corpora: tsproof and pkijs / asn1js / @peculiar/x509', () => {
  it(`reads ${certificates.length} certificates alike`, () => {
    expect(certificates.length).toBeGreaterThan(20);
    for (const c of certificates) {
      const ours = d.ourCertificate(c.bytes);
      expect(ours, c.name).toBeDefined();
      expect(d.pkijsCertificate(c.bytes), c.name).toEqual(ours);
      const x = d.x509Certificate(c.bytes);
      expect(x, c.name).toEqual({ serial: ours!.serial, notBefore: ours!.notBefore, notAfter: ours!.notAfter, extensions: ours!.extensions });
    }
  });

  it(`reads ${tokens.length} timestamp tokens alike (SignedData and TSTInfo: versions, algorithms, attributes, policy, imprint, serial, genTime, nonce, accuracy)`, () => {
    for (const t of tokens) {
      const ours = d.ourSignedData(t.bytes, true);
      expect(ours, t.name).toBeDefined();
      expect(d.pkijsSignedData(t.bytes, true), t.name).toEqual(ours);
    }
  });

  it(`reads ${cmsObjects.length} CMS signatures of receipts alike`, () => {
    for (const t of cmsObjects) {
      const ours = d.ourSignedData(t.bytes, false);
      expect(ours, t.name).toBeDefined();
      expect(d.pkijsSignedData(t.bytes, false), t.name).toEqual(ours);
    }
  });

  it('reads the same certificates from each PKCS#12 file pkijs can decrypt; the legacy PBE forms pkijs cannot (docs/interop.md)', async () => {
    const legacy = ['holder-alice-legacy.p12', 'holder-alice-windows.p12'];
    for (const s of seedFiles('pkcs12')) {
      const ours = await d.ourPkcs12(s.bytes, PASSPHRASE);
      expect(ours?.length, s.name).toBeGreaterThan(0);
      const theirs = await d.pkijsPkcs12(s.bytes, PASSPHRASE);
      if (legacy.includes(s.name)) expect(theirs, s.name).toBeUndefined();
      else expect(theirs, s.name).toEqual(ours);
    }
  }, 60_000);
});

/** A field difference both readers have a documented reason for (docs/interop.md), or undefined. */
function explained(kind: 'cert' | 'token', ours: Record<string, unknown>, theirs: Record<string, unknown>): string | undefined {
  const keys = Object.keys(ours).filter((k) => !isDeepStrictEqual(ours[k], theirs[k]));
  if (kind === 'token') return ours.contentType !== '1.2.840.113549.1.7.2' || theirs.contentType !== ours.contentType ? 'content-type' : undefined;
  const reasons = keys.map((k) => {
    if (k === 'issuer' || k === 'subject') {
      const a = ours[k] as string[];
      const b = theirs[k] as string[];
      return a.every((v, i) => v === b[i] || v.includes('\ufffd') || /=#[0-9a-f]+$/.test(v)) ? 'name-value' : undefined;
    }
    if (k === 'spki') {
      // tsproof keeps the SubjectPublicKeyInfo as received (BER, extra fields: OpenSSL judges it
      // when the key is used); pkijs re-encodes what it read of it. The same once pkijs re-encodes ours.
      try {
        const r = asn1js.fromBER(Buffer.from(ours.spki as string, 'hex'));
        return Buffer.from(new pkijs.PublicKeyInfo({ schema: r.result }).toSchema().toBER()).toString('hex') === theirs.spki ? 'spki-as-received' : undefined;
      } catch {
        return undefined;
      }
    }
    return undefined;
  });
  return reasons.every((r) => r) ? [...new Set(reasons)].join('+') : undefined;
}

describe('differential parsing of fuzz mutants', () => {
  const N = Number(process.env.TSPROOF_DIFFERENTIAL_MUTANTS ?? 1500);
  for (const [kind, corpus, read] of [
    ['cert', seeds('certificate').filter((b) => b[0] === 0x30), [d.ourCertificate, d.pkijsCertificate]],
    ['token', seeds('tsp-token'), [(b: Uint8Array) => d.ourSignedData(b, true), (b: Uint8Array) => d.pkijsSignedData(b, true)]],
  ] as const) {
    it(`${N} mutated ${kind === 'cert' ? 'certificates' : 'tokens'}: no unexplained difference where both accept; divergent acceptance counted`, () => {
      const counts: Record<string, number> = {};
      const unexplained: string[] = [];
      for (const p of fc.sample(planArb(3), { numRuns: N, seed: kind === 'cert' ? 42 : 43 })) {
        const b = applyPlan(p, corpus);
        const ours = read[0](b) as Record<string, unknown> | undefined;
        const theirs = read[1](b) as Record<string, unknown> | undefined;
        let c: string;
        if (ours && theirs) {
          if (isDeepStrictEqual(ours, theirs)) c = 'both accept, same fields';
          else {
            const why = explained(kind, ours, theirs);
            c = `both accept, differ: ${why ?? 'UNEXPLAINED'}`;
            if (!why)
              unexplained.push(
                JSON.stringify(
                  Object.keys(ours)
                    .filter((k) => !isDeepStrictEqual(ours[k], theirs[k]))
                    .map((k) => [k, ours[k], theirs[k]]),
                ).slice(0, 600),
              );
          }
        } else c = ours ? 'only tsproof accepts' : theirs ? 'only pkijs accepts' : 'both refuse';
        counts[c] = (counts[c] ?? 0) + 1;
      }
      console.log(`differential (${kind}, ${N} mutants): ${JSON.stringify(counts)}`);
      expect(unexplained.slice(0, 3)).toEqual([]);
      expect(counts['both accept, same fields']).toBeGreaterThan(N / 20);
    }, 120_000);
  }
});
