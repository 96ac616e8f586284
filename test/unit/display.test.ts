/** displaySafe: the one rule for showing strings from receipts, certificates and tokens to people. */
import { describe, expect, it } from 'vitest';
import { displaySafe, needsEscaping } from '../../src/core/display.js';

describe('displaySafe', () => {
  it('escapes terminal controls, DEL, C1 controls and line separators', () => {
    expect(displaySafe('a\x1b[2J\x1b[H✔ VERIFIED')).toBe('a\\x1b[2J\\x1b[H✔ VERIFIED');
    expect(displaySafe('x\ry\nz\tw\x00\x7f\u0085\u009b')).toBe('x\\x0dy\\x0az\\x09w\\x00\\x7f\\x85\\x9b');
    expect(displaySafe('a\u2028b\u2029c')).toBe('a\\u2028b\\u2029c');
  });

  it('escapes bidirectional embeddings, overrides, isolates and marks', () => {
    for (const cp of [0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069, 0x200e, 0x200f, 0x061c]) {
      const s = `evil${String.fromCharCode(cp)}fdp.exe`;
      expect(displaySafe(s)).toBe(`evil\\u${cp.toString(16).padStart(4, '0')}fdp.exe`);
      expect(needsEscaping(s)).toBe(true);
    }
  });

  it('leaves ordinary text, Korean and emoji alone', () => {
    for (const s of ['도면/브래킷 v2.step', 'CN=홍길동,O=Acme', 'http://tsa.example/?a=b', '📐 part (1).step', '']) {
      expect(displaySafe(s)).toBe(s);
      expect(needsEscaping(s)).toBe(false);
    }
  });
});
