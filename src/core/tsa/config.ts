/**
 * The bundled TSA's configuration, `tsa.json` in its directory (docs/tsa.md). Every field is
 * optional; unknown fields are refused so that a typo does not silently change a policy.
 */
import { readJsonFile } from '../io/fs.js';
import path from 'node:path';
import { InputError } from '../errors.js';
import { isObject } from '../receipt/manifest.js';
import type { ClockConfig } from './clock.js';
import { checkServerLimits, type ServerLimits } from './limits.js';
import { t } from '../text.js';

export interface TsaConfig {
  /** Default policy OID. */
  policy?: string;
  /** Further policies a request may ask for. */
  acceptedPolicies?: string[];
  /** Stated accuracy, microseconds (0 omits it). */
  accuracyMicros?: number;
  ordering?: boolean;
  /** Put the TSA's name in TSTInfo.tsa. */
  includeTsaName?: boolean;
  ess?: 'v1' | 'v2' | 'both';
  /** PKCS#12 file holding the TSA key and certificate chain (its passphrase: TSPROOF_TSA_PASSPHRASE). */
  pkcs12?: string;
  clock?: ClockConfig;
  /** Connection caps and timeouts of `tsa serve` (defaults: DEFAULT_SERVER_LIMITS). */
  limits?: Partial<ServerLimits>;
}

const OID_RE = /^\d+(\.\d+)+$/;

export async function loadTsaConfig(dir: string): Promise<TsaConfig> {
  const file = path.join(dir, 'tsa.json');
  const v = await readJsonFile(file);
  return v === undefined ? {} : checkTsaConfig(v, dir);
}

/** A parsed tsa.json (of the TSA folder `dir`) judged: unknown fields and ill-typed values are one BAD_CONFIG error. */
export function checkTsaConfig(v: unknown, dir: string): TsaConfig {
  const file = path.join(dir, 'tsa.json');
  const problems: string[] = [];
  if (!isObject(v)) throw new InputError({ code: 'BAD_CONFIG', message: t`${file}: expected an object` });
  for (const k of Object.keys(v)) if (!['policy', 'acceptedPolicies', 'accuracyMicros', 'ordering', 'includeTsaName', 'ess', 'pkcs12', 'clock', 'limits'].includes(k)) problems.push(`${k}: unknown field`);
  if (v.policy !== undefined && !(typeof v.policy === 'string' && OID_RE.test(v.policy))) problems.push('policy: expected an OID');
  if (v.acceptedPolicies !== undefined && !(Array.isArray(v.acceptedPolicies) && v.acceptedPolicies.every((p) => typeof p === 'string' && OID_RE.test(p)))) problems.push('acceptedPolicies: expected OIDs');
  if (v.accuracyMicros !== undefined && !(Number.isInteger(v.accuracyMicros) && (v.accuracyMicros as number) >= 0)) problems.push('accuracyMicros: expected a non-negative integer');
  for (const b of ['ordering', 'includeTsaName']) if (v[b] !== undefined && typeof v[b] !== 'boolean') problems.push(`${b}: expected true or false`);
  if (v.ess !== undefined && !['v1', 'v2', 'both'].includes(v.ess as string)) problems.push('ess: expected v1, v2 or both');
  if (v.pkcs12 !== undefined && typeof v.pkcs12 !== 'string') problems.push('pkcs12: expected a file name');
  if (v.clock !== undefined) {
    if (!isObject(v.clock)) problems.push('clock: expected an object');
    else {
      const c = v.clock;
      for (const k of Object.keys(c)) if (!['notBeforeFile', 'peer', 'maxDriftMs', 'checkIntervalMs'].includes(k)) problems.push(`clock.${k}: unknown field`);
      if (c.notBeforeFile !== undefined && typeof c.notBeforeFile !== 'string') problems.push('clock.notBeforeFile: expected a path');
      if (c.peer !== undefined && !(typeof c.peer === 'string' && /^https?:\/\//.test(c.peer))) problems.push('clock.peer: expected an http(s) URL');
      for (const k of ['maxDriftMs', 'checkIntervalMs']) if (c[k] !== undefined && !(Number.isInteger(c[k]) && (c[k] as number) > 0)) problems.push(`clock.${k}: expected a positive integer`);
    }
  }
  if (v.limits !== undefined) {
    if (!isObject(v.limits)) problems.push('limits: expected an object');
    else problems.push(...checkServerLimits(v.limits));
  }
  if (problems.length) throw new InputError({ code: 'BAD_CONFIG', message: t`${file}: ${problems.join('; ')}` });
  const cfg = v as TsaConfig;
  if (cfg.clock?.notBeforeFile) cfg.clock.notBeforeFile = path.resolve(dir, cfg.clock.notBeforeFile);
  return cfg;
}
