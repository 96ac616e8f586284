/** The bundled TSA's connection caps and limits (src/core/tsa/connections.ts, limits.ts), without sockets. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { ConnectionGuard, clientKey } from '../../src/core/tsa/connections.js';
import { checkServerLimits, DEFAULT_SERVER_LIMITS, effectiveLimits, openFileLimit, RESERVED_DESCRIPTORS } from '../../src/core/tsa/limits.js';

interface FakeSocket {
  remoteAddress: string;
  destroyed: boolean;
  destroy(): void;
}
const socket = (remoteAddress: string): Socket =>
  ({
    remoteAddress,
    destroyed: false,
    destroy() {
      this.destroyed = true;
    },
  }) satisfies FakeSocket as unknown as Socket;
const destroyed = (s: Socket) => (s as unknown as FakeSocket).destroyed;

describe('clientKey', () => {
  it('is the IPv4 address (also when IPv4-mapped) or the /64 of an IPv6 address', () => {
    expect(clientKey('10.1.2.3')).toBe('10.1.2.3');
    expect(clientKey('::ffff:10.1.2.3')).toBe('10.1.2.3');
    expect(clientKey('2001:db8:1:2:aaaa:bbbb:cccc:dddd')).toBe('2001:db8:1:2::/64');
    expect(clientKey('2001:db8:1:2::1')).toBe('2001:db8:1:2::/64');
    expect(clientKey('2001:DB8:0001:0002:ffff::9')).toBe('2001:db8:1:2::/64');
    expect(clientKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(clientKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(clientKey('::1')).toBe('0:0:0:0::/64');
    expect(clientKey(undefined)).toBe('unknown');
  });
});

describe('ConnectionGuard', () => {
  it("at the per-client cap, the client's longest-idle connection gives way; busy ones never do", () => {
    const g = new ConnectionGuard({ maxConnections: 100, maxConnectionsPerClient: 3, healthReserve: 1 });
    const [a, b, c] = [socket('10.0.0.1'), socket('10.0.0.1'), socket('10.0.0.1')];
    for (const s of [a, b, c]) expect(g.admit(s)).toBe('main');
    g.requestStarted(a); // a is answering a request: not idle
    const d = socket('10.0.0.1');
    expect(g.admit(d)).toBe('main');
    expect([a, b, c].map(destroyed)).toEqual([false, true, false]); // b: the longest idle
    // A kept-alive connection that just answered goes to the back of the line.
    g.requestStarted(c);
    g.requestDone(c);
    const f = socket('10.0.0.1');
    expect(g.admit(f)).toBe('main');
    expect([c, d].map(destroyed)).toEqual([false, true]);
    // All three busy: no one gives way; the reserve takes one more (for /health), then no room.
    g.requestStarted(c);
    g.requestStarted(f);
    expect(g.admit(socket('10.0.0.1'))).toBe('reserve');
    const reserved = socket('10.0.0.1');
    // The reserve's idle connection gives way to a newer one: idle sockets cannot hold it.
    expect(g.admit(reserved)).toBe('reserve');
    g.requestStarted(reserved);
    expect(g.admit(socket('10.0.0.1'))).toBeUndefined();
    expect(g.stats()).toEqual({ open: 4, busy: 4, reserve: 1, refused: 1, evicted: 3, timedOut: 0, tooLarge: 0 });
    // Other clients are not affected.
    expect(g.admit(socket('10.0.0.2'))).toBe('main');
  });

  it('at the total cap, the heaviest client gives way, not a lighter one', () => {
    const g = new ConnectionGuard({ maxConnections: 10, maxConnectionsPerClient: 100, healthReserve: 0 });
    const light = socket('192.0.2.1');
    g.admit(light); // oldest and idle, but its client holds one connection only
    const heavy = Array.from({ length: 9 }, () => socket('198.51.100.7'));
    for (const s of heavy) g.admit(s);
    const flood = Array.from({ length: 50 }, (_, i) => socket(`203.0.113.${i % 5}`));
    for (const s of flood) expect(g.admit(s)).toBe('main');
    expect(destroyed(light)).toBe(false);
    // The room went to the newcomers evenly: the heavy client kept no more than any other.
    expect(heavy.filter((s) => !destroyed(s)).length).toBeLessThanOrEqual(2);
    expect(g.stats()).toMatchObject({ open: 10, evicted: 50 });
    // Closing frees the room at once.
    for (const s of [...flood, ...heavy]) g.closed(s);
    expect(g.stats()).toMatchObject({ open: 1, busy: 0 });
    g.closed(light);
    expect(g.stats()).toMatchObject({ open: 0 });
  });
});

describe('limits', () => {
  it('tsa.json limits: integers within bounds, known fields, headers within the request timeout', () => {
    expect(checkServerLimits({})).toEqual([]);
    expect(checkServerLimits({ maxConnections: 10, headersTimeoutMs: 100, requestTimeoutMs: 100 })).toEqual([]);
    expect(checkServerLimits({ maxConnections: 0, healthReserve: 1.5, x: 1 })).toEqual(['limits.maxConnections: expected an integer from 1 to 1000000', 'limits.healthReserve: expected an integer from 0 to 1000', 'limits.x: unknown field']);
    expect(checkServerLimits({ toString: 1, constructor: 2 })).toEqual(['limits.toString: unknown field', 'limits.constructor: unknown field']);
    expect(checkServerLimits({ headersTimeoutMs: 40_000 })).toEqual(['limits.headersTimeoutMs: must not exceed limits.requestTimeoutMs (30000)']);
  });

  it('the connection cap is lowered to fit the open-file limit', () => {
    expect(effectiveLimits(undefined, undefined)).toEqual({ limits: DEFAULT_SERVER_LIMITS, lowered: false });
    expect(effectiveLimits({ maxConnections: 100 }, 1_048_576).lowered).toBe(false);
    const { limits, lowered } = effectiveLimits(undefined, 256);
    expect(lowered).toBe(true);
    expect(limits.maxConnections + limits.healthReserve + RESERVED_DESCRIPTORS).toBe(256);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'tsproof-limits-'));
    writeFileSync(path.join(dir, 'limits'), 'Limit                     Soft Limit           Hard Limit           Units\nMax open files            256                  4096                 files\n');
    expect(openFileLimit(path.join(dir, 'limits'))).toBe(256);
    expect(openFileLimit(path.join(dir, 'absent'))).toBeUndefined();
    if (process.platform === 'linux') expect(openFileLimit()).toBeGreaterThan(0);
  });
});
