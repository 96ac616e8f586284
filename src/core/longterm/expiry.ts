/**
 * Alerts before proofs weaken (docs/long-term.md): which receipts need a renewal, and why — the
 * TSA certificate the proof rests on expires within the window (or has expired), or an
 * algorithm it relies on is deprecated by then, from a documented, dated table.
 */
import { coverage, type Layer } from './coverage.js';
import { t, type Text } from '../text.js';

/**
 * When each digest became (or becomes) too weak to rest a proof on, and the smallest RSA key.
 * MD5: practical collisions (rogue CA certificate, December 2008); SHA-1: the first public
 * collision (SHAttered, 23 February 2017); RSA below 2048 bits: disallowed by NIST SP 800-131A
 * from 1 January 2014. SHA-2 and SHA-3 have no date: config.json's `deprecations` sets one (e.g.
 * `{"sha256": "2035-01-01"}`) when an authority announces it.
 */
export const DEPRECATIONS: Readonly<Record<string, string>> = { md5: '2008-12-30', sha1: '2017-02-23' };
export const RSA_MIN_BITS = { bits: 2048, since: '2014-01-01' };

export interface ExpiryOptions {
  now: Date;
  withinMs: number;
  /** Digest → date (YYYY-MM-DD) from which it is deprecated; merged over {@link DEPRECATIONS}. */
  deprecations?: Readonly<Record<string, string>>;
}

export interface Expiry {
  restsOn: Layer;
  /** Why a renewal is due; empty when none is. */
  reasons: Text[];
}

export function expiry(layers: readonly Layer[], o: ExpiryOptions): Expiry | undefined {
  const cov = coverage(layers);
  if (!cov) return undefined;
  const r = cov.restsOn;
  const horizon = new Date(o.now.getTime() + o.withinMs);
  const reasons: Text[] = [];
  if (r.notAfter && r.notAfter.getTime() < o.now.getTime()) reasons.push(t`the TSA certificate of ${r.what} expired on ${r.notAfter.toISOString()}`);
  else if (r.notAfter && r.notAfter.getTime() <= horizon.getTime()) reasons.push(t`the TSA certificate of ${r.what} expires on ${r.notAfter.toISOString()}`);
  const table = { ...DEPRECATIONS, ...(o.deprecations ?? {}) };
  const since = r.algorithm ? table[r.algorithm] : undefined;
  if (since && new Date(`${since}T00:00:00Z`).getTime() <= horizon.getTime()) reasons.push(t`${r.what} uses ${r.algorithm!.toUpperCase()}, deprecated from ${since}`);
  if (r.rsaBits && r.rsaBits < RSA_MIN_BITS.bits) reasons.push(t`the TSA key of ${r.what} is RSA-${r.rsaBits}, too weak since ${RSA_MIN_BITS.since}`);
  for (const g of cov.gaps) reasons.push(t`${g.layer.what} came after the certificate of ${g.after.what} expired: the chain has a gap (a new renewal does not close it)`);
  return { restsOn: r, reasons };
}

/** `365d`, `12w`, `2y` → milliseconds. */
export function parseWithin(s: string): number | undefined {
  const m = /^(\d{1,5})([dwy])$/.exec(s.trim());
  if (!m) return undefined;
  const days = Number(m[1]) * (m[2] === 'y' ? 365 : m[2] === 'w' ? 7 : 1);
  return days * 86_400_000;
}
