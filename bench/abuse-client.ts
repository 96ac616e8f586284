/**
 * Abusive clients for bench/tsa-abuse.ts, run in their own process until SIGTERM (or `seconds`):
 *
 *   node bench/abuse-client.ts <url> <seconds> <stats.json>
 *
 * From loopback addresses 127.0.0.2–127.0.0.9 (never the healthy clients' 127.0.0.1), with
 * bounded counts and rates so that the load is abuse of the server's resources, not a packet
 * flood of the machine:
 *   - idle:      ABUSE_IDLE (2000) sockets that never send a byte;
 *   - slowloris: ABUSE_SLOW (200) sockets sending a request's headers one line per second;
 *   - drip:      ABUSE_DRIP (200) requests sending a 16,000-byte body one byte per second;
 *   - oversize:  ABUSE_BIG (4) clients each declaring a 4 GiB body and sending as fast as the
 *     server reads, then starting again 100 ms after the connection ends.
 * A socket the server closes is replaced, at most ABUSE_CONNECT_RATE (500) new sockets per
 * second in all. On exit, writes what happened to the sockets as JSON.
 */
import net from 'node:net';
import { writeFileSync } from 'node:fs';

const [url, seconds, out] = process.argv.slice(2);
const target = new URL(url!);
if (!['127.0.0.1', 'localhost'].includes(target.hostname)) throw new Error('abuse tests only target loopback');
const port = Number(target.port);
const n = (name: string, d: number) => Number(process.env[name] ?? d);
const IDLE = n('ABUSE_IDLE', 2000);
const SLOW = n('ABUSE_SLOW', 200);
const DRIP = n('ABUSE_DRIP', 200);
const BIG = n('ABUSE_BIG', 4);
const RATE = n('ABUSE_CONNECT_RATE', 500);

const stats = { connects: 0, refused503: 0, timedOut408: 0, tooLarge413: 0, closedSilently: 0, bigBytesSent: 0, errors: 0 };
const sockets = new Set<net.Socket>();
let stopping = false;
let nextAddress = 0;

// New sockets wait for a token: RATE per second, refilled every 10 ms.
const waiting: (() => void)[] = [];
let tokens = RATE / 100;
let ready = false;
const refill = setInterval(() => {
  tokens = Math.min(RATE / 10, tokens + RATE / 100);
  while (tokens >= 1 && waiting.length) {
    tokens--;
    waiting.shift()!();
  }
  // Every abusive client has started once: tell the bench.
  if (!ready && stats.connects >= IDLE + SLOW + DRIP + BIG) {
    ready = true;
    process.stdout.write('ready\n');
  }
}, 10);

type Kind = 'idle' | 'slow' | 'drip' | 'big';

function open(kind: Kind): void {
  if (stopping) return;
  waiting.push(() => connect(kind));
}

function connect(kind: Kind): void {
  if (stopping) return;
  const socket = net.connect({ host: target.hostname, port, localAddress: `127.0.0.${2 + (nextAddress++ % 8)}` });
  stats.connects++;
  sockets.add(socket);
  let got = '';
  const timers: NodeJS.Timeout[] = [];
  socket.on('data', (d: Buffer) => {
    if (got.length < 64) got += d.toString('latin1');
  });
  socket.on('error', () => stats.errors++);
  socket.on('close', () => {
    sockets.delete(socket);
    for (const t of timers) clearInterval(t);
    if (got.startsWith('HTTP/1.1 503')) stats.refused503++;
    else if (got.startsWith('HTTP/1.1 408')) stats.timedOut408++;
    else if (got.startsWith('HTTP/1.1 413')) stats.tooLarge413++;
    else stats.closedSilently++;
    if (kind === 'big') setTimeout(() => open(kind), 100);
    else open(kind);
  });
  socket.on('connect', () => {
    switch (kind) {
      case 'idle':
        return;
      case 'slow':
        socket.write('POST / HTTP/1.1\r\nHost: tsa\r\n');
        timers.push(setInterval(() => socket.write('X-Slow: a\r\n'), 1000));
        return;
      case 'drip':
        socket.write('POST / HTTP/1.1\r\nHost: tsa\r\nContent-Type: application/timestamp-query\r\nContent-Length: 16000\r\n\r\n');
        timers.push(setInterval(() => socket.write('a'), 1000));
        return;
      case 'big': {
        socket.write('POST / HTTP/1.1\r\nHost: tsa\r\nContent-Type: application/timestamp-query\r\nContent-Length: 4294967296\r\n\r\n');
        const chunk = Buffer.alloc(64 * 1024);
        const pump = () => {
          while (socket.writable && !stopping) {
            stats.bigBytesSent += chunk.length;
            if (!socket.write(chunk)) return;
          }
        };
        socket.on('drain', pump);
        pump();
        return;
      }
    }
  });
}

for (const [kind, count] of [
  ['idle', IDLE],
  ['slow', SLOW],
  ['drip', DRIP],
  ['big', BIG],
] as const)
  for (let i = 0; i < count; i++) open(kind);

function stop(): void {
  if (stopping) return;
  stopping = true;
  clearInterval(refill);
  writeFileSync(out!, JSON.stringify({ ...stats, openAtEnd: sockets.size }));
  for (const s of sockets) s.destroy();
  process.exit(0);
}
process.on('SIGTERM', stop);
setTimeout(stop, Number(seconds) * 1000);
