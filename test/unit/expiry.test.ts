/** The dated deprecation table and the renewal window of `status --expiring` (docs/long-term.md). */
import { describe, expect, it } from 'vitest';
import { expiry, parseWithin } from '../../src/core/longterm/expiry.js';
import type { Layer } from '../../src/core/longterm/coverage.js';

const d = (s: string) => new Date(`${s}T00:00:00Z`);
const now = d('2026-12-04');
const year = 365 * 86_400_000;
const layer = (o: Partial<Layer>): Layer => ({ what: 'the original timestamps', genTime: d('2020-01-01'), notAfter: d('2040-01-01'), algorithm: 'sha256', ...o });
const reasons = (layers: Layer[], withinMs = year, deprecations?: Record<string, string>) => expiry(layers, { now, withinMs, ...(deprecations ? { deprecations } : {}) })!.reasons.map(String);

describe('status --expiring', () => {
  it('nothing is due for SHA-256 and a certificate valid beyond the window', () => expect(reasons([layer({})])).toEqual([]));
  it('SHA-1 and MD5 are already weak; RSA-1024 too', () => {
    expect(reasons([layer({ algorithm: 'sha1' })])).toEqual(['the original timestamps uses SHA1, deprecated from 2017-02-23']);
    expect(reasons([layer({ algorithm: 'md5' })])).toEqual(['the original timestamps uses MD5, deprecated from 2008-12-30']);
    expect(reasons([layer({ rsaBits: 1024 })])).toEqual(['the TSA key of the original timestamps is RSA-1024, too weak since 2014-01-01']);
    expect(reasons([layer({ rsaBits: 2048 })])).toEqual([]);
  });
  it('SHA-256 is fine until a configured date, due once the date is inside the window', () => {
    expect(reasons([layer({})], year, { sha256: '2030-01-01' })).toEqual([]);
    expect(reasons([layer({})], 4 * year, { sha256: '2030-01-01' })).toEqual(['the original timestamps uses SHA256, deprecated from 2030-01-01']);
  });
  it('a certificate expiring inside the window, or already expired; a renewal moves what the proof rests on', () => {
    expect(reasons([layer({ notAfter: d('2027-06-01') })])).toEqual(['the TSA certificate of the original timestamps expires on 2027-06-01T00:00:00.000Z']);
    expect(reasons([layer({ notAfter: d('2025-06-01') })])).toEqual(['the TSA certificate of the original timestamps expired on 2025-06-01T00:00:00.000Z']);
    expect(reasons([layer({ notAfter: d('2027-06-01') }), layer({ what: 'renewal[0]', genTime: d('2026-01-01'), notAfter: d('2036-01-01') })])).toEqual([]);
  });
  it('a gap is reported: a new renewal does not close it', () => {
    const r = reasons([layer({ notAfter: d('2024-01-01') }), layer({ what: 'renewal[0]', genTime: d('2025-01-01'), notAfter: d('2036-01-01') })]);
    expect(r).toContain('renewal[0] came after the certificate of the original timestamps expired: the chain has a gap (a new renewal does not close it)');
  });
  it('windows: days, weeks, years', () => {
    expect(parseWithin('365d')).toBe(year);
    expect(parseWithin('2w')).toBe(14 * 86_400_000);
    expect(parseWithin('1y')).toBe(year);
    expect(parseWithin('soon')).toBeUndefined();
  });
});
