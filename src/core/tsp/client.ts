/**
 * RFC 3161 HTTP client (RFC 3161 §3.4). Sends only a digest. Every answer is validated
 * completely — transport, status, token structure, signature, chain, imprint, nonce,
 * policy, time — before it is accepted; anything else is a TsaError naming the problem.
 */
import { InputError, LimitError, TsaError, messageOf } from '../errors.js';
import { hash, type HashAlgorithm } from '../crypto/algorithms.js';
import { encodeTimeStampReq, parseTimeStampResp, PKI_STATUS } from './messages.js';
import { verifyTimestampToken, type TokenVerification } from './verify.js';
import { httpPost, type HttpError, type ProxySettings } from './http.js';
import type { Certificate } from '../pki/certificate.js';
import type { TrustAnchor } from '../trust.js';
import type { VerificationPolicy } from '../verify/policy.js';
import { LIMITS } from '../limits.js';
import { joinTexts, t } from '../text.js';

export interface TsaEndpoint {
  url: string;
  /** Policy OID to request; the answer must carry it. */
  policy?: string;
  /** HTTP Basic credentials (the password comes from the environment, never argv). */
  username?: string;
  password?: string;
  /** Least time between two requests to this TSA (e.g. Sectigo asks for 15 s), across runs. */
  minIntervalMs?: number;
}

/** Remembers when each TSA was last asked, so minimum intervals hold across runs. */
export interface RateState {
  lastRequest(url: string): Promise<number | undefined>;
  record(url: string, at: number): Promise<void>;
}

export interface TimestampClientOptions {
  /** Per-request timeout. */
  timeoutMs?: number;
  /** Largest acceptable response body. */
  maxResponseBytes?: number;
  /** Retries after network errors, HTTP 5xx and 429. */
  retries?: number;
  retryDelayMs?: number;
  imprintAlgorithm?: HashAlgorithm;
  /** `data` is already the digest to timestamp (an archive timestamp's hash-tree root). */
  prehashed?: boolean;
  random: (n: number) => Uint8Array;
  now: () => Date;
  anchors: readonly Certificate[];
  /** Anchors with purposes and validity windows (tsproof trust add). */
  trust?: readonly TrustAnchor[];
  policy?: VerificationPolicy;
  sleep?: (ms: number) => Promise<void>;
  proxy?: ProxySettings;
  /** Extra CA certificates (PEM) for https TSAs. */
  ca?: string[];
  rateState?: RateState;
}

export interface ObtainedTimestamp {
  url: string;
  token: Uint8Array;
  nonce: bigint;
  verification: TokenVerification;
}

export const ACCEPTED_CONTENT_TYPES = ['application/timestamp-reply', 'application/timestamp-response'];
export const DEFAULT_MAX_RESPONSE = LIMITS.tokenBytes;

/** Validates a TSA URL; a bad one is a usage error (exit 2), not a TSA failure. */
export function parseTsaUrl(url: string): URL {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new InputError({ code: 'BAD_TSA_URL', message: t`"${url}" is not a valid TSA URL (expected http:// or https://)` });
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    throw new InputError({ code: 'BAD_TSA_URL', message: t`"${url}": TSA URLs must use http or https` });
  }
  if (u.username || u.password) {
    throw new InputError({ code: 'BAD_TSA_URL', message: t`"${u.host}": put TSA credentials in the configuration, not in the URL` });
  }
  return u;
}

/** A random positive INTEGER nonce of 64 bits with the top bit set (so its length is fixed). */
export function randomNonce(random: (n: number) => Uint8Array): bigint {
  const b = random(8);
  b[0] = b[0]! | 0x40;
  b[0] = b[0]! & 0x7f;
  return BigInt(`0x${Buffer.from(b).toString('hex')}`);
}

export async function obtainTimestamp(endpoint: TsaEndpoint, data: Uint8Array, o: TimestampClientOptions): Promise<ObtainedTimestamp> {
  const url = parseTsaUrl(endpoint.url);
  const alg = o.imprintAlgorithm ?? 'sha256';
  const digest = o.prehashed ? data : hash(alg, data);
  const nonce = randomNonce(o.random);
  const req = encodeTimeStampReq({ digestAlgorithm: alg, digest, nonce, certReq: true, ...(endpoint.policy ? { policy: endpoint.policy } : {}) });
  const body = await postWithRetries(url, req, endpoint, o);
  const where = url.host;

  let resp;
  try {
    resp = parseTimeStampResp(body);
  } catch (err) {
    throw new TsaError({ code: 'TSA_MALFORMED_RESPONSE', message: t`${where}: the answer is not a TimeStampResp (${messageOf(err)})` });
  }
  // Checklist #4: granted or grantedWithMods, and a token present exactly then.
  if (resp.status !== 0 && resp.status !== 1) {
    const detail = [resp.statusText.join(' '), resp.failInfo.join(', ')].filter(Boolean).join('; ');
    throw new TsaError({ code: 'TSA_REJECTED', message: t`${where}: the TSA refused the request: ${PKI_STATUS[resp.status] ?? `status ${resp.status}`}${detail ? ` (${detail})` : ''}` });
  }
  if (!resp.token) throw new TsaError({ code: 'TSA_MALFORMED_RESPONSE', message: t`${where}: status granted but no token in the answer` });

  let verification: TokenVerification;
  try {
    verification = verifyTimestampToken(resp.token, {
      imprint: { algorithm: alg, digest },
      anchors: o.anchors,
      ...(o.trust ? { trust: o.trust } : {}),
      nonce,
      requireNonce: true,
      ...(endpoint.policy ? { policies: [endpoint.policy] } : {}),
      now: o.now(),
      ...(o.policy ? { policy: o.policy } : {}),
    });
  } catch (err) {
    // A token beyond the limits is the TSA's fault (exit 3), not bad input from the user.
    if (err instanceof LimitError) throw new TsaError({ code: 'TSA_MALFORMED_RESPONSE', message: t`${where}: ${err.text}` });
    throw err;
  }
  if (!verification.ok) {
    const failed = verification.checks.filter((c) => !c.ok);
    throw new TsaError({
      code: 'TSA_INVALID_TOKEN',
      message: t`${where}: the TSA's token failed ${failed.map((c) => c.id).join(', ')}: ${failed[0]!.detail}`,
    });
  }
  return { url: endpoint.url, token: resp.token, nonce, verification };
}

const sleepFor = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function postWithRetries(url: URL, req: Uint8Array, endpoint: TsaEndpoint, o: TimestampClientOptions): Promise<Uint8Array> {
  const retries = o.retries ?? 2;
  const sleep = o.sleep ?? sleepFor;
  for (let attempt = 0; ; attempt++) {
    // Honour the TSA's requested spacing between requests, across runs (e.g. Sectigo: 15 s).
    if (endpoint.minIntervalMs && o.rateState) {
      const last = await o.rateState.lastRequest(endpoint.url);
      const wait = last === undefined ? 0 : last + endpoint.minIntervalMs - o.now().getTime();
      if (wait > 0) await sleep(Math.min(wait, endpoint.minIntervalMs));
    }
    await o.rateState?.record(endpoint.url, o.now().getTime());
    try {
      return await post(url, req, endpoint, o);
    } catch (err) {
      const retriable = err instanceof TsaError && err.retriable;
      if (!retriable || attempt >= retries) throw err;
      const after = (err as TsaError & { retryAfterMs?: number }).retryAfterMs;
      await sleep(after ?? (o.retryDelayMs ?? 500) * 2 ** attempt);
    }
  }
}

/** Retry-After: seconds or an HTTP date; capped at a minute. */
function retryAfterMs(value: string | undefined, now: Date): number | undefined {
  if (!value) return undefined;
  const secs = Number(value);
  const ms = Number.isFinite(secs) ? secs * 1000 : Date.parse(value) - now.getTime();
  return Number.isFinite(ms) ? Math.max(0, Math.min(ms, 60_000)) : undefined;
}

async function post(url: URL, req: Uint8Array, endpoint: TsaEndpoint, o: TimestampClientOptions): Promise<Uint8Array> {
  const timeoutMs = o.timeoutMs ?? 30_000;
  const where = url.host;
  const headers: Record<string, string> = { 'content-type': 'application/timestamp-query', accept: 'application/timestamp-reply' };
  if (endpoint.username !== undefined) headers.authorization = `Basic ${Buffer.from(`${endpoint.username}:${endpoint.password ?? ''}`).toString('base64')}`;
  let res;
  try {
    res = await httpPost(url, req, { headers, timeoutMs, maxBytes: o.maxResponseBytes ?? DEFAULT_MAX_RESPONSE, ...(o.proxy ? { proxy: o.proxy } : {}), ...(o.ca ? { ca: o.ca } : {}) });
  } catch (err) {
    const e = err as HttpError;
    switch (e.kind) {
      case 'timeout':
        throw new TsaError({ code: 'TSA_TIMEOUT', message: t`${where}: ${e.text}` });
      case 'too-large':
        throw new TsaError({ code: 'TSA_RESPONSE_TOO_LARGE', message: t`${where}: ${e.text}` });
      case 'cut-off':
        throw new TsaError({ code: 'TSA_MALFORMED_RESPONSE', message: t`${where}: ${e.text}` });
      case 'proxy':
        throw new TsaError({ code: 'TSA_UNREACHABLE', message: t`${where}: ${e.text}` });
      default:
        throw new TsaError({ code: 'TSA_UNREACHABLE', message: t`${where}: ${e.text ?? messageOf(err)}`, retriable: true });
    }
  }
  if (res.status >= 300 && res.status < 400) {
    throw new TsaError({ code: 'TSA_HTTP_ERROR', message: t`${where}: redirected (HTTP ${res.status}) to ${res.headers.location ?? '?'}; redirects are not followed — configure the final URL` });
  }
  if (res.status === 401 || res.status === 403) {
    throw new TsaError({
      code: 'TSA_HTTP_ERROR',
      message:
        endpoint.username !== undefined
          ? t`${where}: HTTP ${res.status} — the TSA wants credentials (the ones given were refused)`
          : t`${where}: HTTP ${res.status} — the TSA wants credentials (set username and passwordEnv for it in config.json)`,
    });
  }
  if (res.status !== 200) {
    const retriable = res.status >= 500 || res.status === 429;
    const e = new TsaError({ code: 'TSA_HTTP_ERROR', message: t`${where}: HTTP ${res.status} ${res.statusText ?? ''}`, retriable });
    const after = retryAfterMs(res.headers['retry-after'], o.now());
    if (after !== undefined) Object.assign(e, { retryAfterMs: after });
    throw e;
  }
  const ct = (res.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (!ACCEPTED_CONTENT_TYPES.includes(ct)) {
    throw new TsaError({ code: 'TSA_BAD_CONTENT_TYPE', message: t`${where}: answered ${ct || 'no content type'}, not application/timestamp-reply` });
  }
  return res.body;
}

/**
 * Asks every TSA (one after another: some are rate-limited); succeeds when at least
 * `minimum` answered validly. Failures are returned for the report.
 */
export async function obtainTimestamps(endpoints: readonly TsaEndpoint[], data: Uint8Array, minimum: number, o: TimestampClientOptions): Promise<{ stamps: ObtainedTimestamp[]; failures: { url: string; error: TsaError }[] }> {
  const stamps: ObtainedTimestamp[] = [];
  const failures: { url: string; error: TsaError }[] = [];
  for (const e of endpoints) {
    try {
      stamps.push(await obtainTimestamp(e, data, o));
    } catch (err) {
      if (!(err instanceof TsaError)) throw err;
      failures.push({ url: e.url, error: err });
    }
  }
  if (stamps.length < minimum) {
    const first = failures[0]!.error;
    const detail = joinTexts(
      failures.map((f) => f.error.text),
      '; ',
    );
    throw new TsaError({ code: first.code, message: stamps.length || failures.length > 1 ? t`${stamps.length} of ${endpoints.length} TSAs answered validly, ${minimum} needed: ${detail}` : first.text });
  }
  return { stamps, failures };
}
