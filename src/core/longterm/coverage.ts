/**
 * What a proof rests on over time (docs/long-term.md): the original timestamps, then each
 * renewal. A renewal extends the proof only when it was made while the certificate of the
 * timestamp it renews was still valid; the proof then rests on the last layer reached without a
 * gap. Used by verify (`proof.rests-on`) and by `status --expiring`.
 */
import { t, joinTexts, type Text } from '../text.js';

export interface Layer {
  /** `the original timestamps`, `renewal[0]`, … */
  what: Text | string;
  genTime: Date;
  /** When the TSA certificate of this layer expires (the latest, for several original timestamps). */
  notAfter?: Date;
  /** The TSA (subject) and the digest algorithm of this layer. */
  tsa?: string;
  algorithm?: string;
  /** RSA modulus bits of the TSA key, when RSA. */
  rsaBits?: number;
}

export interface Coverage {
  /** The layer the proof rests on (the last one reached without a gap). */
  restsOn: Layer;
  /** Renewals made after the certificate they renew had expired: where the chain breaks. */
  gaps: { layer: Layer; after: Layer }[];
}

export function coverage(layers: readonly Layer[]): Coverage | undefined {
  if (layers.length === 0) return undefined;
  let restsOn = layers[0]!;
  const gaps: Coverage['gaps'] = [];
  for (let i = 1; i < layers.length; i++) {
    const prev = layers[i - 1]!;
    const cur = layers[i]!;
    if (prev.notAfter && prev.notAfter.getTime() < cur.genTime.getTime()) {
      gaps.push({ layer: cur, after: prev });
      if (gaps.length === 1) restsOn = prev;
    } else if (gaps.length === 0) restsOn = cur;
  }
  return { restsOn, gaps };
}

/** The `proof.rests-on` check at time `at`: pass while the layer the proof rests on has a valid certificate, else warn naming the expiry. */
export function restsOnCheck(c: Coverage, layers: readonly Layer[], at: Date): { status: 'pass' | 'warn'; detail: Text } {
  const r = c.restsOn;
  const renewed = layers.slice(1).filter((l) => !c.gaps.some((g) => g.layer === l) && layers.indexOf(l) <= layers.indexOf(r));
  const parts: Text[] = [];
  const valid = !r.notAfter || r.notAfter.getTime() >= at.getTime();
  if (!r.notAfter) parts.push(t`the proof rests on ${r.what}`);
  else if (valid) parts.push(t`the proof rests on ${r.what}, whose TSA certificate is valid until ${r.notAfter.toISOString()}`);
  else parts.push(t`the proof rests on ${r.what}: the timestamp's certificate expired on ${r.notAfter.toISOString()}; no renewal covers it`);
  if (renewed.length)
    parts.push(
      t`renewed ${joinTexts(
        renewed.map((l) => t`${l.what} on ${l.genTime.toISOString()}`),
        ', ',
      )}, each while the previous certificate was valid`,
    );
  const g = c.gaps[0];
  if (g) parts.push(t`${g.layer.what} came on ${g.layer.genTime.toISOString()}, after the certificate of ${g.after.what} expired on ${g.after.notAfter!.toISOString()}: a gap`);
  return { status: valid && !g ? 'pass' : 'warn', detail: joinTexts(parts, '; ') };
}
