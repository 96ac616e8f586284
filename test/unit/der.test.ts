import { describe, expect, it } from 'vitest';
import { der, parse, integer, oid, octets, time, seq, string, tlv } from '../../src/core/asn1/der.js';
import { InputError, LimitError } from '../../src/core/errors.js';

describe('DER writer and BER reader', () => {
  it('round-trips integers, including negatives and values needing a leading zero', () => {
    for (const v of [0n, 1n, 127n, 128n, 255n, 256n, -1n, -128n, -129n, 2n ** 64n, -(2n ** 63n), 12345678901234567890n]) {
      expect(integer(parse(der.integer(v)), 'x')).toBe(v);
    }
    expect([...der.integer(128n)]).toEqual([2, 2, 0, 128]);
    expect([...der.integer(-128n)]).toEqual([2, 1, 0x80]);
  });

  it('encodes and decodes object identifiers with large arcs', () => {
    for (const o of ['1.2.840.113549.1.9.16.2.47', '2.25.172103396470810131766285606417406327354', '0.9.2342.19200300.100.1.25', '2.999.3']) {
      expect(oid(parse(der.oid(o)), 'x')).toBe(o);
    }
  });

  it('reads BER indefinite lengths and constructed OCTET STRINGs, keeping raw bytes', () => {
    // SEQUENCE (indefinite) { OCTET STRING (constructed, indefinite) { "ab", "cd" } }
    const ber = Uint8Array.from([0x30, 0x80, 0x24, 0x80, 0x04, 0x02, 0x61, 0x62, 0x04, 0x02, 0x63, 0x64, 0, 0, 0, 0]);
    const n = parse(ber);
    expect(n.indefinite).toBe(true);
    expect(n.raw.byteLength).toBe(ber.byteLength);
    expect(Buffer.from(octets(seq(n, 'x')[0], 'x')).toString()).toBe('abcd');
  });

  it('refuses truncated input, trailing bytes, bad lengths and runaway nesting', () => {
    expect(() => parse(Uint8Array.from([0x30, 0x05, 0x02, 0x01]))).toThrow(/truncated/);
    expect(() => parse(Uint8Array.from([0x02, 0x01, 0x05, 0x00]))).toThrow(/trailing/);
    expect(() => parse(Uint8Array.from([0x02, 0x80, 0x00, 0x00]))).toThrow(/indefinite length on a primitive/);
    expect(() => parse(Uint8Array.from([0x30, 0x85, 1, 1, 1, 1, 1]))).toThrow(/oversized length/);
    const deep = new Uint8Array(200).map((_, i) => (i % 2 === 0 ? 0x30 : 0x80));
    expect(() => parse(deep)).toThrow(LimitError);
    expect(() => parse(new Uint8Array(0))).toThrow(/empty/);
  });

  it('reads UniversalStrings of whole Unicode characters and refuses the rest as malformed (fuzz finding)', () => {
    const universal = (...cps: number[]) => parse(tlv(0x1c, Uint8Array.from(cps.flatMap((c) => [c >>> 24, (c >> 16) & 0xff, (c >> 8) & 0xff, c & 0xff]))));
    expect(string(universal(0x6b40, 0x1f600), 'name')).toBe('\u6b40\u{1f600}');
    expect(() => string(universal(0x03020100), 'name')).toThrow(InputError); // was a RangeError: exit 70
    expect(() => string(universal(0xd800), 'name')).toThrow(InputError);
    expect(() => string(parse(tlv(0x1c, Uint8Array.of(0, 0, 0x41))), 'name')).toThrow(/not whole characters/);
  });

  it('parses GeneralizedTime with fractional seconds and keeps the text', () => {
    const t = time(parse(Uint8Array.from([0x18, 0x12, ...Buffer.from('20191211084017.75Z')])), 'genTime');
    expect(t.date.toISOString()).toBe('2019-12-11T08:40:17.750Z');
    expect(t.fraction).toBe('75');
    expect(t.text).toBe('20191211084017.75Z');
    expect(() => time(parse(Uint8Array.from([0x18, 0x0f, ...Buffer.from('20191311084017Z')])), 'x')).toThrow(/invalid date|not of the form/);
    expect(() => time(parse(Uint8Array.from([0x18, 0x0e, ...Buffer.from('20191211084017')])), 'x')).toThrow(/not of the form/);
  });

  it('writes GeneralizedTime with milliseconds without trailing zeros', () => {
    const t = (d: string) => Buffer.from(der.generalizedTime(new Date(d), true).subarray(2)).toString();
    expect(t('2026-01-02T03:04:05.500Z')).toBe('20260102030405.5Z');
    expect(t('2026-01-02T03:04:05.000Z')).toBe('20260102030405Z');
  });

  it('sorts SET OF members as DER requires', () => {
    const s = der.setOf(der.integer(300), der.integer(2), der.integer(1));
    expect([...s]).toEqual([0x31, 10, 2, 1, 1, 2, 1, 2, 2, 2, 1, 0x2c]);
  });
});
