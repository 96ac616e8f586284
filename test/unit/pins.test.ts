/**
 * Pins (src/core/verify/pins.ts) and the verdict's reason (verify/verdict.ts) as the library sees
 * them: fingerprints as people copy them, DN patterns, where pins come from and which wins, and
 * each pin judged against a holder and timestamps.
 */
import { describe, expect, it } from 'vitest';
import { CheckList, type Check } from '../../src/core/verify/checks.js';
import { checkHolderPins, checkTsaPins, dnMatches, fingerprints, hasPins, mergePins, normaliseFingerprint, pinsConfigProblems, pinsFromConfig, pinsFromEnv } from '../../src/core/verify/pins.js';
import { reasonOf } from '../../src/core/verify/verdict.js';
import type { HolderInfo } from '../../src/core/verify/receipt.js';
import type { TimestampInfo } from '../../src/core/tsp/verify.js';
import { t } from '../../src/core/text.js';

const FP = 'ab'.repeat(32);
const OTHER = 'cd'.repeat(32);

const holder = (o: Partial<HolderInfo> = {}): HolderInfo => ({
  subject: 'CN=김영희, O=테스트 주식회사, C=KR',
  issuer: 'CN=holder-ca, O=tsproof test, C=KR',
  serial: '10',
  certificateSha256: FP,
  identity: 'ca-verified',
  notBefore: '',
  notAfter: '',
  chain: [],
  revocation: 'not-checked',
  certifiedBy: { subject: 'CN=holder-ca, O=tsproof test, C=KR', sha256: OTHER },
  anchor: { subject: 'CN=root-ca, O=tsproof test, C=KR', sha256: OTHER },
  ...o,
});

const stamp = (o: Partial<TimestampInfo> = {}): TimestampInfo => ({
  genTime: '',
  genTimeText: '',
  serial: '1',
  policy: '1.2',
  imprintAlgorithm: 'sha256',
  tsa: 'CN=TSA',
  tsaCertificateSha256: FP,
  chain: [],
  trusted: true,
  revocation: 'not-checked',
  anchor: { subject: 'CN=Root', sha256: OTHER },
  ...o,
});

function judge(run: (c: CheckList) => void): Check[] {
  const c = new CheckList();
  run(c);
  return c.items;
}

describe('pins', () => {
  it('read fingerprints as OpenSSL, tsproof and people write them', () => {
    expect(normaliseFingerprint(FP.toUpperCase().replace(/(..)(?!$)/g, '$1:'))).toBe(FP);
    expect(normaliseFingerprint(`sha256:${FP}`)).toBe(FP);
    expect(normaliseFingerprint(`SHA256=${FP.slice(0, 32)} ${FP.slice(32)}`)).toBe(FP);
    expect(normaliseFingerprint(FP.slice(2))).toBeUndefined();
    expect(normaliseFingerprint(`${FP}00`)).toBeUndefined();
    expect(fingerprints([`${FP}, ${OTHER.toUpperCase()}`], '--x')).toEqual([FP, OTHER]);
    expect(() => fingerprints(['zz'], '--holder-cert')).toThrow(/--holder-cert zz: expected a SHA-256 fingerprint/);
  });

  it('match DNs exactly, or with * for any run of characters', () => {
    const dn = 'CN=김영희, O=테스트 주식회사, C=KR';
    expect(dnMatches(dn, dn)).toBe(true);
    expect(dnMatches(dn, 'CN=김영희, O=테스트 주식회사')).toBe(false);
    expect(dnMatches(dn, 'CN=김영희, *')).toBe(true);
    expect(dnMatches(dn, '*, C=KR')).toBe(true);
    expect(dnMatches(dn, 'CN=김영희*C=KR')).toBe(true);
    expect(dnMatches(dn, 'CN=*희, *, C=K*')).toBe(true);
    expect(dnMatches(dn, 'CN=*철수*')).toBe(false);
    expect(dnMatches(dn, '*')).toBe(true);
    // Overlapping literals cannot both use the same characters.
    expect(dnMatches('CN=ab', 'CN=ab*ab')).toBe(false);
    // Regular-expression characters are literal; OpenSSL's emailAddress= is tsproof's E=.
    expect(dnMatches('CN=a.b (x)', 'CN=a.b (x)')).toBe(true);
    expect(dnMatches('CN=aXb', 'CN=a.b')).toBe(false);
    expect(dnMatches('E=a@b.c, CN=x', 'emailAddress=a@b.c, CN=x')).toBe(true);
    // Decomposed Hangul in a pattern matches the composed name.
    expect(dnMatches(dn, dn.normalize('NFD'))).toBe(true);
    // Many wildcards over a long name: a backtracking matcher would not finish; this one scans once per literal.
    expect(dnMatches(`CN=${'a'.repeat(50_000)}`, `${'*a'.repeat(2_000)}*b`)).toBe(false);
  });

  it('come from flags, else TSPROOF_* variables, else config.json — each pin on its own', () => {
    const env = pinsFromEnv({ TSPROOF_HOLDER_CERT: `${FP} ${OTHER}`, TSPROOF_REQUIRE_CERTIFIED: 'yes', TSPROOF_HOLDER_SUBJECT: '', TSPROOF_TSA_CERT: FP });
    expect(env).toEqual({ holderCert: [FP, OTHER], requireCertified: true, tsaCert: [FP] });
    expect(() => pinsFromEnv({ TSPROOF_REQUIRE_CERTIFIED: 'perhaps' })).toThrow(/TSPROOF_REQUIRE_CERTIFIED=perhaps/);
    const config = pinsFromConfig({ holderCert: FP, holderIssuer: 'CN=CA', requireCertified: false });
    expect(config).toEqual({ holderCert: [FP], holderIssuer: 'CN=CA', requireCertified: false });
    expect(mergePins({ holderCert: [OTHER], holderCert2: 1 } as never, env, config)).toEqual({ holderCert: [OTHER], requireCertified: true, tsaCert: [FP], holderIssuer: 'CN=CA' });
    expect(mergePins({ holderCert: [] }, {}, config).holderCert).toEqual([FP]);
    expect(hasPins({})).toBe(false);
    expect(hasPins({ requireCertified: false, holderCert: [] })).toBe(false);
    expect(hasPins({ holderSubject: 'CN=x' })).toBe(true);
    expect(pinsConfigProblems({ holderCert: ['x'], requireCertified: 'yes', other: 1, holderSubject: '' }).map(String)).toEqual([
      'pins.other: unknown pin (expected holderCert, holderSubject, holderIssuer, requireCertified, tsaCert)',
      'pins.holderCert: expected SHA-256 fingerprints (64 hex digits)',
      'pins.holderSubject: expected a DN',
      'pins.requireCertified: expected true or false',
    ]);
    expect(pinsConfigProblems([])).toHaveLength(1);
  });

  it('judge the holder: certificate, subject, issuer only on a trusted path, certified', () => {
    const pins = { holderCert: [FP], holderSubject: 'CN=김영희, *', holderIssuer: 'CN=holder-ca, *', requireCertified: true };
    expect(judge((c) => checkHolderPins(c, pins, { info: holder() })).map((c) => [c.id, c.status])).toEqual([
      ['pin.holder-cert', 'pass'],
      ['pin.holder-subject', 'pass'],
      ['pin.holder-issuer', 'pass'],
      ['pin.certified', 'pass'],
    ]);
    // A self-asserted look-alike that copies every name: only the name pins could be fooled, and issuer needs a trusted path.
    const lookalike = holder({ identity: 'self-asserted', certificateSha256: OTHER, issuer: 'CN=holder-ca, O=tsproof test, C=KR' });
    const bad = judge((c) => checkHolderPins(c, pins, { info: lookalike }));
    expect(bad.map((c) => [c.id, c.status])).toEqual([
      ['pin.holder-cert', 'fail'],
      ['pin.holder-subject', 'pass'],
      ['pin.holder-issuer', 'fail'],
      ['pin.certified', 'fail'],
    ]);
    expect(reasonOf(bad)).toBe('pin-mismatch');
    // The right issuer on a path to a root not trusted here yet: a trust decision, not a mismatch.
    const fresh = judge((c) => checkHolderPins(c, { holderIssuer: 'CN=holder-ca, *', requireCertified: true }, { info: holder({ identity: 'unverified' }), untrustedRoot: { subject: 'CN=root', sha256: OTHER, selfSigned: true } }));
    expect(fresh.map((c) => c.cause)).toEqual(['untrusted-anchor', 'untrusted-anchor']);
    expect(reasonOf(fresh)).toBe('untrusted-anchor');
    expect(judge((c) => checkHolderPins(c, pins, {})).every((c) => c.status === 'fail')).toBe(true);
  });

  it('judge each timestamp: its TSA certificate, or the root it chains to', () => {
    expect(judge((c) => checkTsaPins(c, { tsaCert: [FP] }, [{ info: stamp(), subject: 'timestamp[0]' }]))).toMatchObject([{ id: 'pin.tsa-cert', status: 'pass', subject: 'timestamp[0]' }]);
    expect(judge((c) => checkTsaPins(c, { tsaCert: [OTHER] }, [{ info: stamp() }]))).toMatchObject([{ status: 'pass' }]);
    const two = judge((c) => checkTsaPins(c, { tsaCert: [FP] }, [{ info: stamp() }, { info: stamp({ tsaCertificateSha256: OTHER, anchor: { subject: 'x', sha256: OTHER } }) }]));
    expect(two.map((c) => c.status)).toEqual(['pass', 'fail']);
    // On a fresh machine the root is not an anchor yet, but pinning it still names who timestamped.
    const fresh = stamp({ trusted: false, tsaCertificateSha256: 'ee'.repeat(32) });
    delete fresh.anchor;
    expect(judge((c) => checkTsaPins(c, { tsaCert: [OTHER] }, [{ info: fresh, untrustedRoot: { subject: 'CN=r', sha256: OTHER, selfSigned: true } }]))).toMatchObject([{ status: 'pass' }]);
    expect(judge((c) => checkTsaPins(c, { tsaCert: [FP] }, []))).toMatchObject([{ status: 'fail' }]);
    expect(judge((c) => checkTsaPins(c, {}, [{ info: stamp() }]))).toEqual([]);
  });
});

describe('the reason of a verdict', () => {
  const c = (id: string, ok: boolean, cause?: 'untrusted-anchor'): Check => ({ id, ok, status: ok ? 'pass' : 'fail', detail: t`x`, ...(cause ? { cause } : {}) });
  it('is the first that applies: no receipt, invalid proof, not covered, modified, pin mismatch, untrusted anchor', () => {
    expect(reasonOf([c('a', true)])).toBe('verified');
    expect(reasonOf([c('receipt.located', false)])).toBe('no-receipt');
    expect(reasonOf([c('signature.signature', false), c('file.covered', false)])).toBe('invalid-proof');
    expect(reasonOf([c('file.entry', false)])).toBe('invalid-proof');
    expect(reasonOf([c('timestamp.chain', false, 'untrusted-anchor'), c('file.covered', false)])).toBe('not-covered');
    expect(reasonOf([c('timestamp.chain', false, 'untrusted-anchor'), c('file.digest', false), c('pin.holder-cert', false)])).toBe('modified');
    expect(reasonOf([c('file.present', false)])).toBe('missing');
    expect(reasonOf([c('timestamp.chain', false, 'untrusted-anchor'), c('pin.holder-cert', false)])).toBe('pin-mismatch');
    expect(reasonOf([c('timestamp.chain', false, 'untrusted-anchor'), c('pin.certified', false, 'untrusted-anchor')])).toBe('untrusted-anchor');
    expect(reasonOf([c('timestamp.chain', false)])).toBe('invalid-proof');
  });
});
