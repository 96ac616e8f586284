/** Who operates a TSA, and the timestamp policy as config.json and the manifest give it (core/timestamps/policy.ts). */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { party } from '../helpers/fixtures.js';
import { buildCertificate, randomSerial } from '../../src/core/pki/build.js';
import { distinct, operatorOf, policyProblems } from '../../src/core/timestamps/policy.js';
import { decodeManifest, encodeManifest, type Manifest } from '../../src/core/receipt/manifest.js';

const root = party('root-ca');
function tsaCert(subject: [string, string][]) {
  const keys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return buildCertificate({ subject, publicKey: keys.publicKey, issuer: root.cert, issuerKey: root.key, serial: randomSerial(randomBytes), notBefore: new Date('2026-01-01'), notAfter: new Date('2030-01-01'), ca: false });
}
const anchor = { subject: root.cert.subject, sha256: root.cert.sha256 };

describe('operatorOf', () => {
  it('is the subject organisation, compared without case, width or spacing differences', () => {
    const a = operatorOf(
      tsaCert([
        ['O', 'Acme  TSA'],
        ['CN', 'one'],
      ]),
      anchor,
      'x',
    );
    const b = operatorOf(
      tsaCert([
        ['O', 'ＡＣＭＥ tsa'],
        ['CN', 'two'],
      ]),
      undefined,
      'y',
    );
    expect(a).toEqual({ key: 'O=acme tsa', label: 'O=Acme  TSA' });
    expect(b.key).toBe(a.key);
    expect(
      operatorOf(
        tsaCert([
          ['O', 'Other'],
          ['CN', 'one'],
        ]),
        anchor,
        'x',
      ).key,
    ).not.toBe(a.key);
  });

  it('without an O: the trust anchor the path ends at; without either: the certificate itself', () => {
    const c = tsaCert([['CN', 'no org']]);
    expect(operatorOf(c, anchor, 'x')).toEqual({ key: `root:${root.cert.sha256}`, label: `root "${root.cert.subject}"` });
    expect(operatorOf(c, undefined, 'x').key).toBe(`tsa:${c.sha256}`);
    expect(operatorOf(undefined, undefined, 'timestamp[3]').label).toBe('timestamp[3]');
  });

  it('distinct() keeps the first of each operator and names the duplicates', () => {
    const op = (key: string) => ({ operator: { key, label: key } });
    const list = [op('O=a'), op('O=b'), op('O=a')];
    const d = distinct(list);
    expect(d.operators.map((o) => o.key)).toEqual(['O=a', 'O=b']);
    expect(d.duplicates).toEqual([{ item: list[2], same: list[0] }]);
  });
});

describe('the policy', () => {
  it('is {require: 1..16}, at most the TSAs asked, nothing else', () => {
    expect(policyProblems({ require: 2 }, 2)).toEqual([]);
    expect(policyProblems({ require: 3 }, 2).map(String)).toEqual(['require: 3 distinct TSA operators required, but only 2 TSA(s) are asked']);
    expect(policyProblems({ require: 0 }).map(String)).toEqual(['require: expected an integer from 1 to 16']);
    expect(policyProblems({ require: 1.5 }).map(String)).toEqual(['require: expected an integer from 1 to 16']);
    expect(policyProblems({ require: 2, distinct: 'root' }).map(String)).toEqual(['distinct: unexpected field']);
    expect(policyProblems([2]).map(String)).toEqual(['expected {"require": <n>}']);
  });

  it('a manifest carries it signed; a malformed one fails manifest.format, and one without it is unchanged', () => {
    const m: Manifest = {
      format: 'tsproof.manifest',
      version: 1,
      id: '6cfe01b0-a833-4e32-b7ba-a6e5b0faec90',
      created: '2026-12-04T00:00:00.000Z',
      tsas: ['http://a/', 'http://b/'],
      algorithms: ['sha256'],
      merkle: { algorithm: 'sha256', count: 1, root: '0'.repeat(64) },
    };
    expect(decodeManifest(encodeManifest(m)).manifest?.timestampPolicy).toBeUndefined();
    expect(decodeManifest(encodeManifest({ ...m, timestampPolicy: { require: 2 } })).manifest?.timestampPolicy).toEqual({ require: 2 });
    expect(decodeManifest(encodeManifest({ ...m, timestampPolicy: { require: 3 } })).problems.map(String)).toEqual(['manifest.timestampPolicy: require: 3 distinct TSA operators required, but only 2 TSA(s) are asked']);
  });
});
