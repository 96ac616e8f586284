/**
 * Limits that keep the bundled TSA answering when clients misbehave (docs/tsa.md, "Limits"):
 * how many connections it holds, in all and per client, and how long a client may take to
 * send a request or sit idle. Set in `tsa.json` under `limits`; the defaults suit an intranet
 * TSA on an ordinary machine.
 */
import { readFileSync } from 'node:fs';

export interface ServerLimits {
  /** Connections held at once, reserve excluded (lowered to fit the open-file limit). */
  maxConnections: number;
  /** Connections held at once from one client address (an IPv6 client: its /64). */
  maxConnectionsPerClient: number;
  /** Further connections, beyond the caps, that may only ask `GET /health`. */
  healthReserve: number;
  /** A request's headers must be complete this long after its first byte (or the connection's start). */
  headersTimeoutMs: number;
  /** A whole request, headers and body, must arrive within this time. */
  requestTimeoutMs: number;
  /** A kept-alive connection with no request is closed after this idle time. */
  keepAliveTimeoutMs: number;
}

export const DEFAULT_SERVER_LIMITS: Readonly<ServerLimits> = {
  maxConnections: 1024,
  maxConnectionsPerClient: 256,
  healthReserve: 8,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
};

/** Bounds a configured value must lie within (inclusive). Timeouts may be short, for tests. */
export const SERVER_LIMIT_BOUNDS: Readonly<Record<keyof ServerLimits, readonly [number, number]>> = {
  maxConnections: [1, 1_000_000],
  maxConnectionsPerClient: [1, 1_000_000],
  healthReserve: [0, 1000],
  headersTimeoutMs: [100, 600_000],
  requestTimeoutMs: [100, 3_600_000],
  keepAliveTimeoutMs: [100, 600_000],
};

/** Problems with a `limits` object from tsa.json, as `limits.<field>: …` strings (none when valid). */
export function checkServerLimits(v: Record<string, unknown>): string[] {
  const problems: string[] = [];
  for (const k of Object.keys(v)) {
    if (!Object.hasOwn(SERVER_LIMIT_BOUNDS, k)) {
      problems.push(`limits.${k}: unknown field`);
      continue;
    }
    const [lo, hi] = SERVER_LIMIT_BOUNDS[k as keyof ServerLimits];
    const n = v[k];
    if (!(Number.isInteger(n) && (n as number) >= lo && (n as number) <= hi)) problems.push(`limits.${k}: expected an integer from ${lo} to ${hi}`);
  }
  const headers = (v.headersTimeoutMs as number | undefined) ?? DEFAULT_SERVER_LIMITS.headersTimeoutMs;
  const request = (v.requestTimeoutMs as number | undefined) ?? DEFAULT_SERVER_LIMITS.requestTimeoutMs;
  if (!problems.length && headers > request) problems.push(`limits.headersTimeoutMs: must not exceed limits.requestTimeoutMs (${request})`);
  return problems;
}

/**
 * Descriptors kept free of connections: the listening socket, the serial state, the access
 * log, the clock checks, Node's own (~20), and headroom.
 */
export const RESERVED_DESCRIPTORS = 64;

/**
 * The limits in force: the configured ones over the defaults, with the connection cap lowered
 * so that all connections (reserve included) fit under the process's open-file limit — past it
 * the kernel refuses to accept, and the operator's `/health` with everyone else.
 */
export function effectiveLimits(configured: Partial<ServerLimits> | undefined, openFileLimit: number | undefined): { limits: ServerLimits; lowered: boolean } {
  const limits = { ...DEFAULT_SERVER_LIMITS, ...configured };
  if (openFileLimit === undefined) return { limits, lowered: false };
  const room = Math.max(1, openFileLimit - RESERVED_DESCRIPTORS - limits.healthReserve);
  if (limits.maxConnections <= room) return { limits, lowered: false };
  return { limits: { ...limits, maxConnections: room }, lowered: true };
}

/** This process's soft open-file limit, where the system says (Linux: /proc/self/limits). */
export function openFileLimit(limitsFile = '/proc/self/limits'): number | undefined {
  let text: string;
  try {
    text = readFileSync(limitsFile, 'utf8');
  } catch {
    return undefined;
  }
  const m = /^Max open files\s+(\d+|unlimited)\s/m.exec(text);
  return m && m[1] !== 'unlimited' ? Number(m[1]) : undefined;
}
