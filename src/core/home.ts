/**
 * tsproof's state directory ($TSPROOF_HOME, default ~/.tsproof; a project may keep its
 * own in ./.tsproof): config.json, identities/, trust/, registry.db. See docs/home.md.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { readJsonFile, writeAtomic } from './io/fs.js';
import path from 'node:path';
import { InputError } from './errors.js';
import { parseCertificates } from './pki/certificate.js';
import { anyPurpose, TrustStore, type TrustAnchor } from './trust.js';
import { isObject } from './receipt/manifest.js';
import type { RateState } from './tsp/client.js';
import type { HashAlgorithm } from './crypto/algorithms.js';
import { joinTexts, t, type Text } from './text.js';
import { pinsConfigProblems } from './verify/pins.js';
import { policyProblems } from './timestamps/policy.js';

/** A TSA in config.json: a URL or name, or an object; its password comes from the environment variable `passwordEnv`. */
export type ConfiguredTsa = string | { url: string; policy?: string; username?: string; passwordEnv?: string; minIntervalMs?: number };

export interface Config {
  /** TSAs used by `register` when no --tsa is given. */
  tsa?: ConfiguredTsa[];
  /** Several TSAs as a policy (docs/long-term.md#several-tsas-as-a-policy): valid timestamps from `require` distinct operators, asked of `tsas` (else of `tsa`). */
  timestamps?: { require: number; tsas?: ConfiguredTsa[] };
  defaultIdentity?: string;
  /** TSA policy OIDs accepted when verifying (empty: any). */
  acceptedPolicies?: string[];
  /** Expectations every verification must meet (verify/pins.ts); flags and TSPROOF_* variables override each pin. */
  pins?: Record<string, unknown>;
  /** The organisation registry (docs/org-registry.md): `register` pushes there, `--remote` queries it. */
  registry?: RegistryConfig;
  /** Digest → date (YYYY-MM-DD) from which `status --expiring` treats it as deprecated (docs/long-term.md). */
  deprecations?: Record<string, string>;
  /** The secrecy-measure records' classification scale, `{"levels": [{id, ko, en}, …]}` (checked by core/secrets/model.ts). */
  secrets?: unknown;
}

export interface RegistryConfig {
  url: string;
  /** A file holding the bearer token (else TSPROOF_REGISTRY_TOKEN). */
  tokenFile?: string;
  /** Project to register into (a token limited to a project needs none). */
  project?: string;
  /** Push name hashes instead of names (as --redact-names). */
  redactNames?: boolean;
}

/** The keys config.json may hold (docs/home.md); any other is refused. */
export const CONFIG_KEYS: readonly string[] = ['tsa', 'timestamps', 'defaultIdentity', 'acceptedPolicies', 'pins', 'registry', 'deprecations', 'secrets'];

export function resolveHome(env: NodeJS.ProcessEnv, cwd: string, homedir: string): string {
  if (env.TSPROOF_HOME) return path.resolve(cwd, env.TSPROOF_HOME);
  return path.join(homedir, '.tsproof');
}

export async function loadConfig(home: string): Promise<Config> {
  const file = path.join(home, 'config.json');
  const v = await readJsonFile(file);
  return v === undefined ? {} : checkConfig(v, file);
}

/** A parsed config.json judged: unknown keys and ill-typed values are one BAD_CONFIG error naming `file`. */
export function checkConfig(v: unknown, file: string): Config {
  if (!isObject(v)) throw new InputError({ code: 'BAD_CONFIG', message: t`${file}: expected a JSON object` });
  const problems: Text[] = [];
  // Unknown keys are refused, as in tsa.json: a typo ("defaultIdentiy") would otherwise be ignored without a word.
  for (const k of Object.keys(v)) if (!CONFIG_KEYS.includes(k)) problems.push(t`${k}: unknown key (known: ${CONFIG_KEYS.join(', ')})`);
  const tsaList = (x: unknown) => Array.isArray(x) && x.length > 0 && x.every((t) => typeof t === 'string' || (isObject(t) && typeof t.url === 'string'));
  if (v.tsa !== undefined && !(Array.isArray(v.tsa) && (v.tsa.length === 0 || tsaList(v.tsa)))) problems.push(t`tsa: expected an array of URLs or {url, policy}`);
  if (v.timestamps !== undefined) {
    const ts = v.timestamps;
    if (!isObject(ts)) problems.push(t`timestamps: expected {"require": <n>, "tsas": [<url> | {url, policy}, …]}`);
    else {
      const { tsas, ...policy } = ts;
      problems.push(...policyProblems(policy, tsaList(tsas) ? (tsas as unknown[]).length : Array.isArray(v.tsa) && !tsas ? v.tsa.length : undefined).map((p) => t`timestamps.${p}`));
      if (tsas !== undefined && !tsaList(tsas)) problems.push(t`timestamps.tsas: expected a non-empty array of URLs or {url, policy}`);
      if (tsas !== undefined && v.tsa !== undefined) problems.push(t`timestamps.tsas and tsa both list TSAs: keep one list`);
    }
  }
  if (v.defaultIdentity !== undefined && typeof v.defaultIdentity !== 'string') problems.push(t`defaultIdentity: expected a string`);
  if (v.acceptedPolicies !== undefined && !(Array.isArray(v.acceptedPolicies) && v.acceptedPolicies.every((p) => typeof p === 'string'))) problems.push(t`acceptedPolicies: expected an array of OIDs`);
  if (v.pins !== undefined) problems.push(...pinsConfigProblems(v.pins));
  if (v.registry !== undefined) {
    const r = v.registry;
    if (!isObject(r) || typeof r.url !== 'string') problems.push(t`registry: expected {"url": "https://…"}`);
    else if ((r.tokenFile !== undefined && typeof r.tokenFile !== 'string') || (r.project !== undefined && typeof r.project !== 'string') || (r.redactNames !== undefined && typeof r.redactNames !== 'boolean'))
      problems.push(t`registry: tokenFile and project are strings, redactNames a boolean`);
  }
  if (v.deprecations !== undefined && !(isObject(v.deprecations) && Object.values(v.deprecations).every((d) => typeof d === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(d)))) problems.push(t`deprecations: expected {"<digest>": "YYYY-MM-DD", …}`);
  if (problems.length) throw new InputError({ code: 'BAD_CONFIG', message: t`${file}: ${joinTexts(problems, '; ')}` });
  return v as Config;
}

export async function saveConfig(home: string, config: Config): Promise<void> {
  await mkdir(home, { recursive: true, mode: 0o700 });
  await writeAtomic(path.join(home, 'config.json'), `${JSON.stringify(config, null, 2)}\n`);
}

/** Trust anchors: the trust store (purposes, windows), plus files given explicitly (purpose any). */
export async function loadTrust(home: string, files: readonly string[], cwd: string): Promise<TrustAnchor[]> {
  const out = await new TrustStore(home).load();
  for (const f of files) {
    let bytes: Buffer;
    try {
      bytes = await readFile(path.resolve(cwd, f));
    } catch {
      throw new InputError({ code: 'FILE_NOT_FOUND', message: t`${f}: cannot read trust anchor file` });
    }
    out.push(...anyPurpose(parseCertificates(bytes, f), f));
  }
  return out;
}

/** One line of the index of registrations of earlier versions ($TSPROOF_HOME/index.jsonl), read once to migrate it into the registry (registry/open.ts). */
export interface IndexEntry {
  receipt: string;
  id: string;
  time: string;
  holder: string;
  /** SHA-256 of the holder certificate (for --changed-only). */
  holderSha256?: string;
  /**
   * The registered files' digests, per algorithm, concatenated into one hex string (fixed
   * width per algorithm).
   */
  digests: Partial<Record<HashAlgorithm, string>>;
}

export async function readIndex(home: string): Promise<IndexEntry[]> {
  let text: string;
  try {
    text = await readFile(path.join(home, 'index.jsonl'), 'utf8');
  } catch {
    return [];
  }
  const out: IndexEntry[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const e = JSON.parse(line) as IndexEntry;
      if (typeof e.receipt === 'string' && e.digests && typeof e.digests === 'object') out.push(e);
    } catch {
      // A torn last line (crash mid-write) is ignored, not fatal.
    }
  }
  return out;
}

/** When each TSA was last asked ($TSPROOF_HOME/tsa-state.json), for minimum request intervals. */
export function fileRateState(home: string): RateState {
  const file = path.join(home, 'tsa-state.json');
  const read = async (): Promise<Record<string, number>> => {
    try {
      const v = JSON.parse(await readFile(file, 'utf8'));
      return isObject(v) ? (v as Record<string, number>) : {};
    } catch {
      return {};
    }
  };
  return {
    lastRequest: async (url) => (await read())[url],
    record: async (url, at) => {
      await mkdir(home, { recursive: true, mode: 0o700 });
      await writeAtomic(file, JSON.stringify({ ...(await read()), [url]: at }));
    },
  };
}
