/**
 * The key agent (`tsproof agent`, docs/home.md#agent): keeps unlocked holder keys in memory for a
 * limited time behind a Unix socket in $TSPROOF_HOME that only its owner can open (0600 in a
 * 0700 folder), so that repeated registrations neither prompt nor pay for key derivation.
 *
 * Like ssh-agent, it never gives a key out: it answers `list` (identity names and certificate
 * fingerprints) and `sign` (a signature over the bytes given, with the key of the identity named
 * and only when the caller names its certificate too), and `stop`. One JSON object per line, each
 * request at most 64 KiB; a connection that sends more, or nothing for 5 s, is closed.
 */
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { chmodSync, lstatSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import type { KeyObject } from 'node:crypto';
import { signData, signingSchemeFor } from '../crypto/algorithms.js';
import { InputError } from '../errors.js';
import { t } from '../text.js';

export const AGENT_SOCKET = 'agent.sock';
const MAX_LINE = 64 * 1024;
const IDLE_MS = 5000;

export function agentSocket(home: string): string {
  return path.join(home, AGENT_SOCKET);
}

export interface AgentKey {
  name: string;
  certificateSha256: string;
  key: KeyObject;
}

export interface AgentInfo {
  identities: { name: string; certificateSha256: string }[];
  /** When the agent forgets its keys and exits (ISO 8601). */
  expires: string;
  pid: number;
}

type Request = { op: 'list' } | { op: 'stop' } | { op: 'sign'; identity: string; certificateSha256: string; data: string };

/** Reads newline-terminated JSON from a socket within the line limit; calls `onLine` per line. */
function lines(sock: Socket, onLine: (line: string) => void): void {
  let buf = '';
  sock.setEncoding('utf8');
  sock.on('data', (chunk: string) => {
    buf += chunk;
    let i: number;
    while ((i = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      onLine(line);
    }
    if (buf.length > MAX_LINE) sock.destroy();
  });
}

/**
 * Serves `keys` on `socketPath` until `lifetimeMs` has passed or `stop` is asked; resolves once
 * listening. The socket is created owner-only (umask) and chmod 0600 before the first request.
 */
export async function serveAgent(o: { socketPath: string; keys: readonly AgentKey[]; lifetimeMs: number; now: () => Date; onExit: () => void }): Promise<{ server: Server; stop: () => void }> {
  const expires = new Date(o.now().getTime() + o.lifetimeMs);
  let server: Server;
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    clearTimeout(timer);
    server.close();
    try {
      unlinkSync(o.socketPath);
    } catch {
      // already gone
    }
    o.onExit();
  };
  server = createServer((sock) => {
    sock.setTimeout(IDLE_MS, () => sock.destroy());
    lines(sock, (line) => {
      let req: Request;
      try {
        req = JSON.parse(line) as Request;
      } catch {
        sock.end(`${JSON.stringify({ ok: false, error: 'bad request' })}\n`);
        return;
      }
      if (req.op === 'list') {
        const info: AgentInfo = { identities: o.keys.map((k) => ({ name: k.name, certificateSha256: k.certificateSha256 })), expires: expires.toISOString(), pid: process.pid };
        sock.write(`${JSON.stringify({ ok: true, ...info })}\n`);
      } else if (req.op === 'sign') {
        const k = o.keys.find((x) => x.name === req.identity && x.certificateSha256 === req.certificateSha256);
        if (!k || typeof req.data !== 'string' || req.data.length > MAX_LINE) {
          sock.write(`${JSON.stringify({ ok: false, error: 'no such identity' })}\n`);
          return;
        }
        const signature = signData(k.key, signingSchemeFor(k.key).scheme, Buffer.from(req.data, 'base64'));
        sock.write(`${JSON.stringify({ ok: true, signature: Buffer.from(signature).toString('base64') })}\n`);
      } else if (req.op === 'stop') {
        sock.end(`${JSON.stringify({ ok: true })}\n`, stop);
      } else sock.end(`${JSON.stringify({ ok: false, error: 'unknown op' })}\n`);
    });
    sock.on('error', () => undefined);
  });
  const timer = setTimeout(stop, o.lifetimeMs);
  const old = process.umask(0o177);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(o.socketPath, () => resolve());
    });
  } finally {
    process.umask(old);
  }
  chmodSync(o.socketPath, 0o600);
  return { server, stop };
}

/** One request to the agent at `socketPath`; undefined when no agent answers (none running, a stale socket). */
export async function askAgent(socketPath: string, req: Request, timeoutMs = 2000): Promise<Record<string, unknown> | undefined> {
  try {
    const st = lstatSync(socketPath);
    // Only a socket of ours: never talk to something another user put there.
    if (!st.isSocket() || (process.getuid && st.uid !== process.getuid()) || (st.mode & 0o077) !== 0) return undefined;
  } catch {
    return undefined;
  }
  return new Promise((resolve) => {
    const sock = createConnection(socketPath);
    const done = (v: Record<string, unknown> | undefined) => {
      clearTimeout(timer);
      sock.destroy();
      resolve(v);
    };
    const timer = setTimeout(() => done(undefined), timeoutMs);
    sock.on('error', () => done(undefined));
    sock.on('connect', () => sock.write(`${JSON.stringify(req)}\n`));
    lines(sock, (line) => {
      try {
        done(JSON.parse(line) as Record<string, unknown>);
      } catch {
        done(undefined);
      }
    });
    sock.on('end', () => done(undefined));
  });
}

export async function agentInfo(socketPath: string): Promise<AgentInfo | undefined> {
  const r = await askAgent(socketPath, { op: 'list' });
  return r?.ok ? (r as unknown as AgentInfo) : undefined;
}

/** A signer for register (core/register.ts `identity.sign`) backed by the agent. */
export function agentSigner(socketPath: string, identity: string, certificateSha256: string): (data: Uint8Array) => Promise<Uint8Array> {
  return async (data) => {
    const r = await askAgent(socketPath, { op: 'sign', identity, certificateSha256, data: Buffer.from(data).toString('base64') }, 10_000);
    if (!r?.ok || typeof r.signature !== 'string') throw new InputError({ code: 'AGENT_FAILED', message: t`the key agent did not sign (it may have expired meanwhile): run the command again` });
    return new Uint8Array(Buffer.from(r.signature, 'base64'));
  };
}
