/**
 * tsproof agent start|status|stop — a key agent (core/agent/agent.ts, docs/home.md#agent). `start`
 * unlocks the identity here (passphrase, up to three tries on a terminal), then hands the key to a
 * background process over a pipe — never argv, environment or a file — which serves it on
 * $TSPROOF_HOME/agent.sock for the time given and forgets it.
 */
import { spawn } from 'node:child_process';
import { createPrivateKey } from 'node:crypto';
import { lstatSync, unlinkSync } from 'node:fs';
import { InputError } from '../../core/errors.js';
import { agentInfo, agentSocket, askAgent, serveAgent } from '../../core/agent/agent.js';
import { unlockIdentity } from '../common.js';
import { note, out, printJson } from '../output.js';
import type { CliContext } from '../context.js';
import { t } from '../../core/text.js';

const MAX_LIFETIME_MS = 24 * 3600_000;

/** `90s`, `30m`, `2h`, or a number of minutes. */
export function parseLifetime(v: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(s|m|h)?$/.exec(v.trim());
  const ms = m ? Number(m[1]) * (m[2] === 's' ? 1000 : m[2] === 'h' ? 3600_000 : 60_000) : NaN;
  if (!(ms >= 1000 && ms <= MAX_LIFETIME_MS)) throw new InputError({ code: 'BAD_ARGUMENT', message: t`--timeout ${v}: expected a duration from 1s to 24h, e.g. 30m, 2h or 90s` });
  return ms;
}

export async function agentStart(ctx: CliContext, o: { identity?: string; passphraseFile?: string; timeout: string }): Promise<number> {
  const lifetimeMs = parseLifetime(o.timeout);
  const socket = agentSocket(ctx.home);
  if (await agentInfo(socket)) throw new InputError({ code: 'BAD_ARGUMENT', message: t`a key agent is already running (tsproof agent status; tsproof agent stop)` });
  removeStale(socket);
  const id = await unlockIdentity(ctx, o.identity, o.passphraseFile);
  const der = id.key.export({ type: 'pkcs8', format: 'der' });
  const env: NodeJS.ProcessEnv = { ...ctx.env, TSPROOF_HOME: ctx.home };
  delete env.TSPROOF_PASSPHRASE;
  const child = spawn(process.execPath, [...process.execArgv, process.argv[1]!, 'agent', 'serve', '--identity', id.record.name, '--certificate', id.chain[0]!.sha256, '--lifetime-ms', String(lifetimeMs)], {
    detached: true,
    stdio: ['pipe', 'ignore', 'ignore'],
    env,
    cwd: ctx.home,
  });
  child.stdin!.end(der.toString('base64'));
  der.fill(0);
  child.unref();
  let info;
  for (let i = 0; i < 100 && !info; i++) {
    await new Promise((r) => setTimeout(r, 50));
    info = await agentInfo(socket);
  }
  if (!info) throw new InputError({ code: 'AGENT_FAILED', message: t`the key agent did not start` });
  if (ctx.json) printJson(ctx, { ok: true, socket, ...info });
  else {
    out(ctx, t`Key agent started for "${id.record.name}" until ${info.expires} (pid ${info.pid}); register signs through it without asking for the passphrase.`);
    note(ctx, t`Stop it with: tsproof agent stop`);
  }
  return 0;
}

/** The background half of `start`: reads the key from stdin, serves it, exits when its time is up or asked to stop. */
export async function agentServe(ctx: CliContext, o: { identity: string; certificate: string; lifetimeMs: string }): Promise<number> {
  let text = '';
  for await (const chunk of ctx.stdin as AsyncIterable<Buffer | string>) {
    text += chunk.toString();
    if (text.length > 64 * 1024) return 2;
  }
  const der = Buffer.from(text.trim(), 'base64');
  const key = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
  der.fill(0);
  return new Promise<number>((resolve) => {
    serveAgent({ socketPath: agentSocket(ctx.home), keys: [{ name: o.identity, certificateSha256: o.certificate, key }], lifetimeMs: Number(o.lifetimeMs), now: ctx.now, onExit: () => resolve(0) }).then(
      // A signal ends it as `agent stop` does: the timer cleared, the socket removed, the key forgotten with the process.
      ({ stop }) => {
        const end = () => {
          stop();
          // Nothing is left to finish: the socket is removed, the key goes with the process.
          setImmediate(() => process.exit(0));
        };
        for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(s, end);
      },
      () => resolve(2),
    );
  });
}

export async function agentStatus(ctx: CliContext): Promise<number> {
  const info = await agentInfo(agentSocket(ctx.home));
  if (ctx.json) printJson(ctx, { ok: true, running: !!info, ...(info ?? {}) });
  else if (!info) out(ctx, t`No key agent is running.`);
  else out(ctx, t`Key agent (pid ${info.pid}) holds ${info.identities.map((i) => i.name).join(', ')} until ${info.expires}.`);
  return 0;
}

export async function agentStop(ctx: CliContext): Promise<number> {
  const r = await askAgent(agentSocket(ctx.home), { op: 'stop' });
  if (ctx.json) printJson(ctx, { ok: true, stopped: !!r?.ok });
  else out(ctx, r?.ok ? t`Key agent stopped; it forgot the key.` : t`No key agent is running.`);
  return 0;
}

/** A socket left by an agent that died: removed, if it is a socket of ours (never anything else). */
function removeStale(socket: string): void {
  try {
    const st = lstatSync(socket);
    if (st.isSocket() && (!process.getuid || st.uid === process.getuid())) unlinkSync(socket);
    else throw new InputError({ code: 'BAD_CONFIG', message: t`${socket} exists and is not a key agent's socket; remove it` });
  } catch (err) {
    if (err instanceof InputError) throw err;
  }
}
