/**
 * Certification path validation (RFC 5280 §6, src/core/pki/chain.ts) on chains made by
 * OpenSSL with fixed validity windows, each judged by tsproof and by `openssl verify -attime`:
 * the two must agree, and on the expected verdict. Covers: a pinned end-entity certificate
 * that issues certificates, CA and keyCertSign rules, expired and not-yet-valid certificates
 * anywhere on the path, unrecognised critical extensions, pathLenConstraint and name
 * constraints.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { hash } from '../../src/core/crypto/algorithms.js';
import { buildPath, type PathProblemKind } from '../../src/core/pki/chain.js';
import { verifyTimestampToken } from '../../src/core/tsp/verify.js';
import { forgeToken } from '../helpers/forge.js';
import { openssl } from '../helpers/openssl.js';
import { CA_EXT, HOLDER_EXT, OpensslPki, TSA_EXT, type Issued } from '../helpers/openssl-pki.js';

const d = (s: string) => new Date(`${s}T00:00:00Z`);
const FROM = d('2020-01-01');
const UNTIL = d('2045-01-01');
const AT = d('2024-06-01');
const UNKNOWN_CRITICAL = '1.3.6.1.4.1.55555.1=critical,ASN1:NULL';

let pki: OpensslPki;
const c: Record<string, Issued> = {};

beforeAll(() => {
  pki = new OpensslPki();
  const issue = (name: string, subject: string, issuer: Issued | undefined, ext: readonly string[], o: { from?: Date; to?: Date; sections?: string; reuseKeyOf?: Issued } = {}) =>
    (c[name] = pki.issue(name, { subject, ...(issuer ? { issuer } : {}), from: o.from ?? FROM, to: o.to ?? UNTIL, ext, ...(o.sections ? { sections: o.sections } : {}), ...(o.reuseKeyOf ? { reuseKeyOf: o.reuseKeyOf } : {}) }));
  const root = issue('root', '/C=KR/O=Test/CN=Root', undefined, CA_EXT);
  const inter = issue('inter', '/C=KR/O=Test/CN=Inter', root, CA_EXT);
  issue('holder', '/C=KR/O=Test/CN=Holder', inter, HOLDER_EXT);

  // Pinned end entities and what their keys mint.
  const pinnedHolder = issue('pinned-holder', '/C=KR/O=Test/CN=Pinned Holder', root, HOLDER_EXT);
  issue('forged-by-holder', '/C=KR/O=Test/CN=Any Name', pinnedHolder, HOLDER_EXT);
  const pinnedTsa = issue('pinned-tsa', '/C=KR/O=Test/CN=Pinned TSA', root, TSA_EXT);
  issue('forged-by-tsa', '/C=KR/O=Test/CN=Minted TSA', pinnedTsa, TSA_EXT);
  const caNoKcs = issue('ca-no-keycertsign', '/C=KR/O=Test/CN=CA without keyCertSign', root, ['basicConstraints=critical,CA:TRUE', 'keyUsage=critical,digitalSignature']);
  issue('under-ca-no-keycertsign', '/C=KR/O=Test/CN=Under a CA without keyCertSign', caNoKcs, HOLDER_EXT);
  const noBc = issue('no-basic-constraints', '/C=KR/O=Test/CN=No basicConstraints', root, ['keyUsage=critical,keyCertSign']);
  issue('under-no-basic-constraints', '/C=KR/O=Test/CN=Under a certificate without basicConstraints', noBc, HOLDER_EXT);

  // Validity anywhere on the path.
  const interExpired = issue('inter-expired', '/C=KR/O=Test/CN=Inter expired 2021', root, CA_EXT, { to: d('2021-12-31') });
  issue('holder-under-expired', '/C=KR/O=Test/CN=Holder under an expired CA', interExpired, HOLDER_EXT);
  issue('holder-future', '/C=KR/O=Test/CN=Holder from 2030', inter, HOLDER_EXT, { from: d('2030-01-01') });
  const oldRoot = issue('old-root', '/C=KR/O=Test/CN=Old Root', undefined, CA_EXT, { from: d('2010-01-01'), to: d('2019-12-31') });
  issue('under-old-root', '/C=KR/O=Test/CN=Under the old root', oldRoot, HOLDER_EXT, { from: d('2010-01-01'), to: d('2030-01-01') });
  // The same CA (name and key) certified twice; the first copy expired: the valid path is found.
  issue('inter-copy-expired', '/C=KR/O=Test/CN=Inter', root, CA_EXT, { to: d('2021-12-31'), reuseKeyOf: inter });

  // Critical extensions.
  issue('holder-unknown-critical', '/C=KR/O=Test/CN=Holder with an unknown critical extension', inter, [...HOLDER_EXT, UNKNOWN_CRITICAL]);
  const interCrit = issue('inter-unknown-critical', '/C=KR/O=Test/CN=Inter with an unknown critical extension', root, [...CA_EXT, UNKNOWN_CRITICAL]);
  issue('under-inter-unknown-critical', '/C=KR/O=Test/CN=Under it', interCrit, HOLDER_EXT);
  const rootCrit = issue('root-unknown-critical', '/C=KR/O=Test/CN=Root with an unknown critical extension', undefined, [...CA_EXT, UNKNOWN_CRITICAL]);
  issue('under-root-unknown-critical', '/C=KR/O=Test/CN=Under it', rootCrit, HOLDER_EXT);
  issue('holder-critical-policies', '/C=KR/O=Test/CN=Holder with critical policies', inter, [...HOLDER_EXT, 'certificatePolicies=critical,1.2.3.4.5']);
  issue('holder-noncritical-unknown', '/C=KR/O=Test/CN=Holder with an unknown non-critical extension', inter, [...HOLDER_EXT, '1.3.6.1.4.1.55555.1=ASN1:NULL']);

  // pathLenConstraint, on an intermediate and on the root.
  const inter0 = issue('inter-pathlen0', '/C=KR/O=Test/CN=Inter pathlen 0', root, ['basicConstraints=critical,CA:TRUE,pathlen:0', 'keyUsage=critical,keyCertSign']);
  issue('under-pathlen0', '/C=KR/O=Test/CN=Directly under pathlen 0', inter0, HOLDER_EXT);
  const inter0sub = issue('inter-under-pathlen0', '/C=KR/O=Test/CN=A CA under pathlen 0', inter0, CA_EXT);
  issue('too-deep', '/C=KR/O=Test/CN=One CA too deep', inter0sub, HOLDER_EXT);
  const root0 = issue('root-pathlen0', '/C=KR/O=Test/CN=Root pathlen 0', undefined, ['basicConstraints=critical,CA:TRUE,pathlen:0', 'keyUsage=critical,keyCertSign']);
  const interUnderRoot0 = issue('inter-under-root-pathlen0', '/C=KR/O=Test/CN=Inter under root pathlen 0', root0, CA_EXT);
  issue('too-deep-root', '/C=KR/O=Test/CN=Under the inter under root pathlen 0', interUnderRoot0, HOLDER_EXT);
  issue('direct-under-root0', '/C=KR/O=Test/CN=Directly under root pathlen 0', root0, HOLDER_EXT);

  // Name constraints.
  const ncSections = '[nc_dir]\nC=KR\nO=Good Corp\n';
  const interNc = issue(
    'inter-nc',
    '/C=KR/O=Good Corp/CN=Constrained CA',
    root,
    [...CA_EXT, 'nameConstraints=critical,permitted;dirName:nc_dir,permitted;DNS:good.example,permitted;IP:10.0.0.0/255.0.0.0,permitted;URI:.good.example,excluded;email:.bad.example'],
    { sections: ncSections },
  );
  const leaf = (name: string, subject: string, san?: string) => issue(name, subject, interNc, [...HOLDER_EXT, ...(san ? [`subjectAltName=${san}`] : [])]);
  leaf('nc-good', '/C=KR/O=Good Corp/CN=Alice', 'DNS:www.good.example,IP:10.1.2.3,email:alice@good.example,URI:https://www.good.example/path');
  leaf('nc-good-canonical', '/C=kr/O=good   CORP/CN=Carol');
  leaf('nc-bad-dn', '/C=KR/O=Evil Corp/CN=Mallory');
  leaf('nc-bad-dns', '/C=KR/O=Good Corp/CN=Mallory', 'DNS:www.evil.example');
  leaf('nc-dns-suffix-not-label', '/C=KR/O=Good Corp/CN=Mallory', 'DNS:notgood.example');
  leaf('nc-bad-ip', '/C=KR/O=Good Corp/CN=Mallory', 'IP:192.168.1.1');
  leaf('nc-excluded-email', '/C=KR/O=Good Corp/CN=Mallory', 'email:m@mail.bad.example');
  leaf('nc-subject-email', '/C=KR/O=Good Corp/CN=Bob/emailAddress=bob@x.bad.example');
  leaf('nc-cn-host', '/C=KR/O=Good Corp/CN=www.evil.example');
  leaf('nc-bad-uri', '/C=KR/O=Good Corp/CN=Mallory', 'URI:http://www.evil.example:8080/');
  const interRid = issue('inter-nc-rid', '/C=KR/O=Test/CN=CA constraining registeredID', root, [...CA_EXT, 'nameConstraints=critical,permitted;RID:1.2.3']);
  issue('rid-name', '/C=KR/O=Test/CN=Has a registeredID', interRid, [...HOLDER_EXT, 'subjectAltName=RID:1.2.3.4']);
  issue('no-rid-name', '/C=KR/O=Test/CN=Has no registeredID', interRid, HOLDER_EXT);

  // TSA certificates for the token tests.
  issue('tsa', '/C=KR/O=Test/CN=Good TSA', inter, TSA_EXT);
  issue('tsa-under-expired', '/C=KR/O=Test/CN=TSA under a CA that expired in 2021', interExpired, TSA_EXT);
  issue('tsa-unknown-critical', '/C=KR/O=Test/CN=TSA with an unknown critical extension', inter, [...TSA_EXT, UNKNOWN_CRITICAL]);
  issue('tsa-outside-nc', '/C=KR/O=Evil Corp/CN=TSA outside the name constraints', interNc, TSA_EXT);
});

type Case = [what: string, leaf: string, anchors: string[], pool: string[], expected: 'ok' | 'untrusted' | PathProblemKind, at?: Date];
const cases: Case[] = [
  ['a holder under a valid intermediate', 'holder', ['root'], ['inter'], 'ok'],
  // High: a pinned end entity anchors itself, and issues nothing.
  ['a pinned holder certificate, alone', 'pinned-holder', ['pinned-holder'], [], 'ok'],
  ['"CN=Any Name" minted with a pinned holder certificate\'s key', 'forged-by-holder', ['pinned-holder'], ['pinned-holder'], 'untrusted'],
  ['a pinned TSA certificate, alone', 'pinned-tsa', ['pinned-tsa'], [], 'ok'],
  ["a TSA certificate minted with a pinned TSA certificate's key", 'forged-by-tsa', ['pinned-tsa'], ['pinned-tsa'], 'untrusted'],
  ['the same, with the root trusted too', 'forged-by-tsa', ['root'], ['pinned-tsa'], 'untrusted'],
  ['an issuer with cA=TRUE but no keyCertSign', 'under-ca-no-keycertsign', ['root'], ['ca-no-keycertsign'], 'untrusted'],
  ['an issuer without basicConstraints', 'under-no-basic-constraints', ['root'], ['no-basic-constraints'], 'untrusted'],
  // Every certificate valid at the evaluation time.
  ['a holder under an intermediate that expired in 2021, in 2024', 'holder-under-expired', ['root'], ['inter-expired'], 'validity'],
  ['the same in 2021, while the intermediate was valid', 'holder-under-expired', ['root'], ['inter-expired'], 'ok', d('2021-06-01')],
  ['a holder not yet valid', 'holder-future', ['root'], ['inter'], 'validity'],
  ['a path ending at an expired root', 'under-old-root', ['old-root'], [], 'validity'],
  ['the same in 2015', 'under-old-root', ['old-root'], [], 'ok', d('2015-06-01')],
  ['two certificates of the intermediate, the first one expired', 'holder', ['root'], ['inter-copy-expired', 'inter'], 'ok'],
  // Critical extensions.
  ['an unknown critical extension in the leaf', 'holder-unknown-critical', ['root'], ['inter'], 'critical-extension'],
  ['an unknown critical extension in an intermediate', 'under-inter-unknown-critical', ['root'], ['inter-unknown-critical'], 'critical-extension'],
  ['an unknown critical extension in the trusted root', 'under-root-unknown-critical', ['root-unknown-critical'], [], 'critical-extension'],
  ['critical certificate policies (recognised)', 'holder-critical-policies', ['root'], ['inter'], 'ok'],
  ['an unknown extension that is not critical', 'holder-noncritical-unknown', ['root'], ['inter'], 'ok'],
  // pathLenConstraint.
  ['a leaf directly under pathlen 0', 'under-pathlen0', ['root'], ['inter-pathlen0'], 'ok'],
  ['a CA under pathlen 0 issuing a leaf', 'too-deep', ['root'], ['inter-pathlen0', 'inter-under-pathlen0'], 'untrusted'],
  ['an intermediate under a root with pathlen 0', 'too-deep-root', ['root-pathlen0'], ['inter-under-root-pathlen0'], 'untrusted'],
  ['a leaf directly under a root with pathlen 0', 'direct-under-root0', ['root-pathlen0'], [], 'ok'],
  // Name constraints.
  ['names inside every permitted subtree', 'nc-good', ['root'], ['inter-nc'], 'ok'],
  ['a subject that differs only in case and spacing', 'nc-good-canonical', ['root'], ['inter-nc'], 'ok'],
  ['a subject outside the permitted directory names', 'nc-bad-dn', ['root'], ['inter-nc'], 'name-constraints'],
  ['a dNSName outside the permitted domain', 'nc-bad-dns', ['root'], ['inter-nc'], 'name-constraints'],
  ['a dNSName that only ends like the permitted domain', 'nc-dns-suffix-not-label', ['root'], ['inter-nc'], 'name-constraints'],
  ['an iPAddress outside the permitted network', 'nc-bad-ip', ['root'], ['inter-nc'], 'name-constraints'],
  ['an rfc822Name in an excluded domain', 'nc-excluded-email', ['root'], ['inter-nc'], 'name-constraints'],
  ['an emailAddress in the subject in an excluded domain', 'nc-subject-email', ['root'], ['inter-nc'], 'name-constraints'],
  ['a leaf commonName that is a host outside the permitted domain', 'nc-cn-host', ['root'], ['inter-nc'], 'name-constraints'],
  ['a URI whose host is outside the permitted domain', 'nc-bad-uri', ['root'], ['inter-nc'], 'name-constraints'],
  ['a registeredID under a registeredID constraint (not supported: refused)', 'rid-name', ['root'], ['inter-nc-rid'], 'name-constraints'],
  ['no registeredID under a registeredID constraint', 'no-rid-name', ['root'], ['inter-nc-rid'], 'ok'],
];

describe('path validation agrees with openssl verify -attime', () => {
  for (const [what, leaf, anchors, pool, expected, at = AT] of cases) {
    it(`${expected === 'ok' ? 'accepts' : 'refuses'} ${what}`, () => {
      const r = buildPath(
        c[leaf]!.cert,
        pool.map((n) => c[n]!.cert),
        anchors.map((n) => c[n]!.cert),
        { at },
      );
      const oracle = pki.verify(c[leaf]!, { anchors: anchors.map((n) => c[n]!), untrusted: pool.map((n) => c[n]!), at });
      expect(r.ok, `openssl: ${oracle.out}`).toBe(oracle.ok);
      expect(r.ok).toBe(expected === 'ok');
      if (expected === 'untrusted') expect(r.anchored).toBe(false);
      else if (expected !== 'ok') {
        expect(r.anchored).toBe(true);
        expect(r.problems.map((p) => p.kind)).toContain(expected);
      }
    });
  }

  it('names why a pinned end entity cannot issue', () => {
    const r = buildPath(c['forged-by-holder']!.cert, [c['pinned-holder']!.cert], [c['pinned-holder']!.cert], { at: AT });
    expect(r.reason?.render()).toBe('issuer "CN=Pinned Holder, O=Test, C=KR" is not a CA');
    expect(pki.verify(c['forged-by-holder']!, { anchors: [c['pinned-holder']!], at: AT }).out).toMatch(/invalid CA certificate/);
  });

  it('gives up after a bounded search', () => {
    // Twenty self-signed certificates with the root's name and key, each "issuing" every other
    // and the intermediate: a path search without a bound would try 20!/12! orderings.
    const copies = Array.from({ length: 20 }, (_, i) => pki.issue(`loop-${i}`, { subject: '/C=KR/O=Test/CN=Root', reuseKeyOf: c.root!, from: FROM, to: UNTIL, ext: CA_EXT }));
    const r = buildPath(
      c.inter!.cert,
      copies.map((x) => x.cert),
      [],
      { at: AT },
    );
    expect(r.ok).toBe(false);
    expect(r.reason?.render()).toMatch(/^gave up building a path after/);
  });
});

describe('timestamp tokens: the TSA path is validated by the same rules, and openssl ts -verify agrees', () => {
  const data = new Uint8Array(Buffer.from('the signature value'));
  type TokenCase = [what: string, tsa: string, signer: string, anchors: string[], pool: string[], genTime: Date, failed: string | undefined];
  const tokenCases: TokenCase[] = [
    ['a good TSA under an intermediate', 'tsa', 'tsa', ['root'], ['inter'], AT, undefined],
    ["a TSA certificate minted with a pinned TSA certificate's key", 'forged-by-tsa', 'forged-by-tsa', ['pinned-tsa'], ['pinned-tsa'], AT, 'timestamp.chain'],
    ['the pinned TSA certificate itself', 'pinned-tsa', 'pinned-tsa', ['pinned-tsa'], [], AT, undefined],
    ['a TSA under an intermediate that expired in 2021, token of 2024', 'tsa-under-expired', 'tsa-under-expired', ['root'], ['inter-expired'], AT, 'timestamp.chain-validity'],
    ['the same TSA, token of 2021', 'tsa-under-expired', 'tsa-under-expired', ['root'], ['inter-expired'], d('2021-06-01'), undefined],
    ['a TSA with an unknown critical extension', 'tsa-unknown-critical', 'tsa-unknown-critical', ['root'], ['inter'], AT, 'timestamp.chain-extensions'],
    ["a TSA outside its CA's name constraints", 'tsa-outside-nc', 'tsa-outside-nc', ['root'], ['inter-nc'], AT, 'timestamp.name-constraints'],
  ];
  for (const [what, tsa, signer, anchors, pool, genTime, failed] of tokenCases) {
    it(`${failed ? `fails ${failed} for` : 'accepts'} ${what}`, () => {
      const token = forgeToken({ cert: c[tsa]!.cert, key: c[signer]!.key, certificates: [c[tsa]!.cert, ...pool.map((n) => c[n]!.cert)], imprintAlgorithm: 'sha256', imprint: hash('sha256', data), genTime });
      const v = verifyTimestampToken(token, { imprint: { algorithm: 'sha256', digest: hash('sha256', data) }, anchors: anchors.map((n) => c[n]!.cert), now: new Date() });
      const failedIds = v.checks.filter((x) => !x.ok).map((x) => x.id);
      if (failed) expect(failedIds).toEqual([failed]);
      else expect(failedIds).toEqual([]);
      // OpenSSL, at genTime, trusting exactly the same certificates.
      const file = path.join(pki.dir, `${tsa}-${genTime.getTime()}.tst`);
      writeFileSync(file, token);
      writeFileSync(path.join(pki.dir, 'data.bin'), data);
      const args = [
        'ts',
        '-verify',
        '-token_in',
        '-in',
        file,
        '-data',
        'data.bin',
        '-attime',
        String(genTime.getTime() / 1000),
        '-partial_chain',
        '-CAfile',
        pki.bundle(
          `ts-anchors-${tsa}`,
          anchors.map((n) => c[n]!),
        ),
      ];
      const r = openssl(
        [
          ...args,
          ...(pool.length
            ? [
                '-untrusted',
                pki.bundle(
                  `ts-pool-${tsa}`,
                  pool.map((n) => c[n]!),
                ),
              ]
            : []),
        ],
        pki.dir,
      );
      expect(r.ok, r.stderr).toBe(!failed);
    });
  }
});
