/**
 * Whether the TSA may trust its clock. The system clock is used; issuance is refused (status
 * rejection, failInfo timeNotAvailable) when a configured check fails:
 *   - notBeforeFile: a "last known good time" file; the clock must not be earlier. While the
 *     clock is trusted the file is advanced, so a clock set back across a restart is caught.
 *   - peer + maxDriftMs: the HTTP Date of a reference server must be within maxDriftMs (the
 *     Date header has 1 s resolution and the round trip is allowed for).
 */
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
// Loaded with require: importing node:http as an ES module makes Node evaluate every export,
// and its lazy WebSocket/fetch getters load undici (~15-20 ms of start-up per command).
const require = createRequire(import.meta.url);
const http: typeof import('node:http') = require('node:http');
const https: typeof import('node:https') = require('node:https');
import { t, type Text } from '../text.js';
import { messageOf } from '../errors.js';

export interface ClockConfig {
  notBeforeFile?: string;
  peer?: string;
  maxDriftMs?: number;
  checkIntervalMs?: number;
}

export interface ClockStatus {
  trusted: boolean;
  reason?: Text;
  checkedAt?: string;
  driftMs?: number;
}

export type PeerDate = (url: string) => Promise<{ date: Date; rttMs: number }>;

export const httpPeerDate: PeerDate = (url) =>
  new Promise((resolve, reject) => {
    const t0 = Date.now();
    const mod = url.startsWith('https:') ? https : http;
    const req = mod.request(url, { method: 'HEAD', timeout: 5000 }, (res) => {
      res.resume();
      const d = res.headers.date ? new Date(res.headers.date) : undefined;
      if (!d || Number.isNaN(d.getTime())) reject(new Error('no Date header'));
      else resolve({ date: d, rttMs: Date.now() - t0 });
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });

export class ClockGuard {
  private status: ClockStatus = { trusted: true };
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly c: ClockConfig,
    private readonly now: () => Date,
    private readonly peerDate: PeerDate = httpPeerDate,
  ) {}

  get current(): ClockStatus {
    return this.status;
  }

  get configured(): boolean {
    return !!(this.c.notBeforeFile || this.c.peer);
  }

  async check(): Promise<ClockStatus> {
    const now = this.now();
    const s: ClockStatus = { trusted: true, checkedAt: now.toISOString() };
    if (this.c.notBeforeFile) {
      let notBefore: Date | undefined;
      try {
        notBefore = new Date(readFileSync(this.c.notBeforeFile, 'utf8').trim());
      } catch {
        notBefore = undefined;
      }
      if (!notBefore || Number.isNaN(notBefore.getTime())) Object.assign(s, { trusted: false, reason: t`reference time file ${this.c.notBeforeFile} is missing or unreadable` });
      else if (now < notBefore) Object.assign(s, { trusted: false, reason: t`the clock (${now.toISOString()}) is earlier than the last known good time ${notBefore.toISOString()}` });
    }
    if (s.trusted && this.c.peer) {
      try {
        const { date, rttMs } = await this.peerDate(this.c.peer);
        const drift = now.getTime() - date.getTime();
        s.driftMs = drift;
        const allowed = (this.c.maxDriftMs ?? 1000) + 1000 + rttMs;
        if (Math.abs(drift) > allowed) Object.assign(s, { trusted: false, reason: t`the clock differs from ${this.c.peer} by ${drift} ms (allowed ${allowed} ms)` });
      } catch (err) {
        Object.assign(s, { trusted: false, reason: t`cannot read the time of ${this.c.peer} (${messageOf(err)})` });
      }
    }
    // Advance the last known good time while the clock is trusted.
    if (s.trusted && this.c.notBeforeFile) await writeFile(this.c.notBeforeFile, `${now.toISOString()}\n`);
    this.status = s;
    return s;
  }

  start(): void {
    if (!this.configured) return;
    this.timer = setInterval(() => void this.check(), this.c.checkIntervalMs ?? 60_000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
