/**
 * Which connections the bundled TSA holds (docs/tsa.md, "Limits"). Each connection counts
 * against a total cap and against its client address's cap. A connection is *idle* while no
 * request of it is being answered: before its first request's headers are complete (a silent
 * socket, a slowloris header drip), or between requests on a kept-alive connection. When a cap
 * is reached, an idle connection gives way to the new one: the client's own longest-idle one
 * for the per-client cap, and for the total cap the longest-idle one of the client holding the
 * most connections. So holding sockets open costs an attacker its own older sockets, never a
 * request in progress and never a lighter client's connection. When every connection under the
 * cap is answering a request (dripping bodies are bounded by the request timeout), a few reserve
 * connections may still ask `GET /health`, so an operator can see the state of a loaded server.
 */
import type { Socket } from 'node:net';
import type { ServerLimits } from './limits.js';

export type Pool = 'main' | 'reserve';

interface Conn {
  readonly socket: Socket;
  readonly client: string;
  readonly pool: Pool;
  /** Requests received and not yet answered (HTTP pipelining can make this more than 1). */
  inFlight: number;
}

interface Client {
  count: number;
  /** Its idle main-pool connections, longest idle first. */
  readonly idle: Set<Conn>;
}

export interface ConnectionStats {
  /** Connections open now (reserve included). */
  open: number;
  /** Of which answering a request (headers received, answer not yet sent). */
  busy: number;
  /** Of which held in the reserve. */
  reserve: number;
  /** Since start: connections refused, idle connections closed to make room, requests cut off by a timeout, bodies refused as too large. */
  refused: number;
  evicted: number;
  timedOut: number;
  tooLarge: number;
}

/**
 * The client a connection counts against: its IPv4 address, or the /64 of an IPv6 address
 * (one host usually holds a whole /64, so single addresses would give it millions of caps).
 */
export function clientKey(address: string | undefined): string {
  if (!address) return 'unknown';
  const a = address.replace(/%.*$/, '').toLowerCase();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(a);
  if (mapped) return mapped[1]!;
  if (!a.includes(':')) return a;
  const [head, tail] = a.split('::') as [string, string | undefined];
  const h = head ? head.split(':') : [];
  const tl = tail ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array<string>(Math.max(0, 8 - h.length - tl.length)).fill('0'), ...tl];
  return `${groups
    .slice(0, 4)
    .map((g) => parseInt(g, 16).toString(16))
    .join(':')}::/64`;
}

const first = <T>(s: Set<T>): T | undefined => s.values().next().value;

export class ConnectionGuard {
  readonly counters = { refused: 0, evicted: 0, timedOut: 0, tooLarge: 0 };
  private readonly conns = new Map<Socket, Conn>();
  private readonly clients = new Map<string, Client>();
  /** Idle reserve connections, longest idle first (a Set keeps insertion order). */
  private readonly idleReserve = new Set<Conn>();
  private idleCount = 0;
  private readonly size: Record<Pool, number> = { main: 0, reserve: 0 };

  constructor(private readonly limits: Pick<ServerLimits, 'maxConnections' | 'maxConnectionsPerClient' | 'healthReserve'>) {}

  /**
   * Takes a new connection into a pool, closing an idle one if a cap requires it; undefined:
   * no room, the caller refuses the connection.
   */
  admit(socket: Socket): Pool | undefined {
    const key = clientKey(socket.remoteAddress);
    const client = this.clients.get(key);
    // Within both caps: no one gives way.
    const clientFull = !!client && client.count >= this.limits.maxConnectionsPerClient;
    const mainFull = this.size.main >= this.limits.maxConnections;
    if (!clientFull && !mainFull) return this.add(socket, key, 'main');
    // A cap is reached: an idle connection that counts against it gives way.
    const victim = clientFull ? first(client!.idle) : this.heaviestIdle();
    if (victim) {
      this.evict(victim);
      return this.add(socket, key, 'main');
    }
    // Every connection under that cap is answering a request: the reserve, for /health.
    if (this.size.reserve < this.limits.healthReserve) return this.add(socket, key, 'reserve');
    const spare = first(this.idleReserve);
    if (spare) {
      this.evict(spare);
      return this.add(socket, key, 'reserve');
    }
    this.counters.refused++;
    return undefined;
  }

  /** The pool of an open connection (undefined once it is closed). */
  pool(socket: Socket): Pool | undefined {
    return this.conns.get(socket)?.pool;
  }

  /** A request's headers are complete: the connection is busy until it is answered. */
  requestStarted(socket: Socket): void {
    const c = this.conns.get(socket);
    if (!c) return;
    if (c.inFlight++ === 0) this.setIdle(c, false);
  }

  /** A request is answered (or abandoned). */
  requestDone(socket: Socket): void {
    const c = this.conns.get(socket);
    if (!c || c.inFlight === 0) return;
    if (--c.inFlight === 0) this.setIdle(c, true);
  }

  /** The connection closed (by either side). */
  closed(socket: Socket): void {
    const c = this.conns.get(socket);
    if (!c) return;
    this.conns.delete(socket);
    this.setIdle(c, false);
    this.size[c.pool]--;
    if (c.pool === 'main') {
      const client = this.clients.get(c.client)!;
      if (--client.count === 0) this.clients.delete(c.client);
    }
  }

  stats(): ConnectionStats {
    return { open: this.conns.size, busy: this.conns.size - this.idleCount, reserve: this.size.reserve, ...this.counters };
  }

  /** The longest-idle connection of the client holding the most connections (among those with an idle one). */
  private heaviestIdle(): Conn | undefined {
    let best: Client | undefined;
    for (const c of this.clients.values()) if (c.idle.size && (!best || c.count > best.count)) best = c;
    return best && first(best.idle);
  }

  private add(socket: Socket, key: string, pool: Pool): Pool {
    const c: Conn = { socket, client: key, pool, inFlight: 0 };
    this.conns.set(socket, c);
    this.size[pool]++;
    if (pool === 'main') {
      let client = this.clients.get(key);
      if (!client) this.clients.set(key, (client = { count: 0, idle: new Set() }));
      client.count++;
    }
    this.setIdle(c, true);
    return pool;
  }

  private evict(c: Conn): void {
    this.counters.evicted++;
    this.closed(c.socket);
    c.socket.destroy();
  }

  private setIdle(c: Conn, idle: boolean): void {
    const set = c.pool === 'main' ? this.clients.get(c.client)?.idle : this.idleReserve;
    if (!set) return;
    // Re-inserting puts it last: the most recently idle is the last to give way.
    const was = set.delete(c);
    if (idle) set.add(c);
    this.idleCount += Number(idle) - Number(was);
  }
}
