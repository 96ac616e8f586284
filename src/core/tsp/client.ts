/**
 * RFC 3161 HTTP client (RFC 3161 §3.4). Sends only a digest. Every answer is validated
 * completely — transport, status, token structure, signature, chain, imprint, nonce,
 * policy, time — before it is accepted; anything else is a TsaError naming the problem.
 */
import { InputError, TsaError, messageOf } from '../errors.js';
import { hash, type HashAlgorithm } from '../crypto/algorithms.js';
import { encodeTimeStampReq, parseTimeStampResp, PKI_STATUS } from './messages.js';
import { verifyTimestampToken, type TokenVerification } from './verify.js';
import type { Certificate } from '../pki/certificate.js';
import type { TrustAnchor } from '../trust.js';
import type { VerificationPolicy } from '../verify/policy.js';

export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

export interface TsaEndpoint {
  url: string;
  /** Policy OID to request; the answer must carry it. */
  policy?: string;
}

export interface TimestampClientOptions {
  fetch?: FetchLike;
  /** Per-request timeout. */
  timeoutMs?: number;
  /** Largest acceptable response body. */
  maxResponseBytes?: number;
  /** Retries after network errors, HTTP 5xx and 429. */
  retries?: number;
  retryDelayMs?: number;
  imprintAlgorithm?: HashAlgorithm;
  random: (n: number) => Uint8Array;
  now: () => Date;
  anchors: readonly Certificate[];
  /** Anchors with purposes and validity windows (tsproof trust add). */
  trust?: readonly TrustAnchor[];
  policy?: VerificationPolicy;
  sleep?: (ms: number) => Promise<void>;
}

export interface ObtainedTimestamp {
  url: string;
  token: Uint8Array;
  nonce: bigint;
  verification: TokenVerification;
}

export const ACCEPTED_CONTENT_TYPES = ['application/timestamp-reply', 'application/timestamp-response'];
export const DEFAULT_MAX_RESPONSE = 1 << 20;

/** Validates a TSA URL; a bad one is a usage error (exit 2), not a TSA failure. */
export function parseTsaUrl(url: string): URL {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new InputError({ code: 'BAD_TSA_URL', message: `"${url}" is not a valid TSA URL (expected http:// or https://)` });
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    throw new InputError({ code: 'BAD_TSA_URL', message: `"${url}": TSA URLs must use http or https` });
  }
  if (u.username || u.password) {
    throw new InputError({ code: 'BAD_TSA_URL', message: `"${u.host}": put TSA credentials in the configuration, not in the URL` });
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
  const digest = hash(alg, data);
  const nonce = randomNonce(o.random);
  const req = encodeTimeStampReq({ digestAlgorithm: alg, digest, nonce, certReq: true, ...(endpoint.policy ? { policy: endpoint.policy } : {}) });
  const body = await postWithRetries(url, req, o);
  const where = url.host;

  let resp;
  try {
    resp = parseTimeStampResp(body);
  } catch (err) {
    throw new TsaError({ code: 'TSA_MALFORMED_RESPONSE', message: `${where}: the answer is not a TimeStampResp (${messageOf(err)})` });
  }
  // Checklist #4: granted or grantedWithMods, and a token present exactly then.
  if (resp.status !== 0 && resp.status !== 1) {
    const detail = [resp.statusText.join(' '), resp.failInfo.join(', ')].filter(Boolean).join('; ');
    throw new TsaError({ code: 'TSA_REJECTED', message: `${where}: the TSA refused the request: ${PKI_STATUS[resp.status] ?? `status ${resp.status}`}${detail ? ` (${detail})` : ''}` });
  }
  if (!resp.token) throw new TsaError({ code: 'TSA_MALFORMED_RESPONSE', message: `${where}: status granted but no token in the answer` });

  const verification = verifyTimestampToken(resp.token, {
    imprint: { algorithm: alg, digest },
    anchors: o.anchors,
    ...(o.trust ? { trust: o.trust } : {}),
    nonce,
    requireNonce: true,
    ...(endpoint.policy ? { policies: [endpoint.policy] } : {}),
    now: o.now(),
    ...(o.policy ? { policy: o.policy } : {}),
  });
  if (!verification.ok) {
    const failed = verification.checks.filter((c) => !c.ok);
    throw new TsaError({
      code: 'TSA_INVALID_TOKEN',
      message: `${where}: the TSA's token failed ${failed.map((c) => c.id).join(', ')}: ${failed[0]!.detail}`,
    });
  }
  return { url: endpoint.url, token: resp.token, nonce, verification };
}

async function postWithRetries(url: URL, req: Uint8Array, o: TimestampClientOptions): Promise<Uint8Array> {
  const retries = o.retries ?? 2;
  const sleep = o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  for (let attempt = 0; ; attempt++) {
    try {
      return await post(url, req, o);
    } catch (err) {
      const retriable = err instanceof TsaError && err.retriable;
      if (!retriable || attempt >= retries) throw err;
      await sleep((o.retryDelayMs ?? 500) * 2 ** attempt);
    }
  }
}

async function post(url: URL, req: Uint8Array, o: TimestampClientOptions): Promise<Uint8Array> {
  const doFetch = o.fetch ?? (globalThis.fetch as FetchLike);
  const timeoutMs = o.timeoutMs ?? 30_000;
  const where = url.host;
  const signal = AbortSignal.timeout(timeoutMs);
  let res: Response;
  try {
    res = await doFetch(url.href, {
      method: 'POST',
      headers: { 'content-type': 'application/timestamp-query', accept: 'application/timestamp-reply' },
      body: req,
      redirect: 'manual',
      signal,
    });
  } catch (err) {
    if (signal.aborted) throw new TsaError({ code: 'TSA_TIMEOUT', message: `${where}: no answer within ${timeoutMs / 1000} s` });
    throw new TsaError({ code: 'TSA_UNREACHABLE', message: `${where}: cannot connect (${causeText(err)})`, retriable: true });
  }
  if (res.status >= 300 && res.status < 400) {
    await res.body?.cancel();
    throw new TsaError({ code: 'TSA_HTTP_ERROR', message: `${where}: redirected (HTTP ${res.status}) to ${res.headers.get('location') ?? '?'}; redirects are not followed — configure the final URL` });
  }
  if (res.status !== 200) {
    await res.body?.cancel();
    const retriable = res.status >= 500 || res.status === 429;
    throw new TsaError({ code: 'TSA_HTTP_ERROR', message: `${where}: HTTP ${res.status} ${res.statusText}`.trim(), retriable });
  }
  const ct = (res.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (!ACCEPTED_CONTENT_TYPES.includes(ct)) {
    await res.body?.cancel();
    throw new TsaError({ code: 'TSA_BAD_CONTENT_TYPE', message: `${where}: answered ${ct || 'no content type'}, not application/timestamp-reply` });
  }
  return readCapped(res, o.maxResponseBytes ?? DEFAULT_MAX_RESPONSE, where, signal, timeoutMs);
}

async function readCapped(res: Response, max: number, where: string, signal: AbortSignal, timeoutMs: number): Promise<Uint8Array> {
  const declared = Number(res.headers.get('content-length') ?? NaN);
  if (declared > max) {
    await res.body?.cancel();
    throw new TsaError({ code: 'TSA_RESPONSE_TOO_LARGE', message: `${where}: answer of ${declared} bytes exceeds the ${max}-byte limit` });
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      total += chunk.byteLength;
      if (total > max) {
        await res.body?.cancel().catch(() => undefined);
        throw new TsaError({ code: 'TSA_RESPONSE_TOO_LARGE', message: `${where}: answer exceeds the ${max}-byte limit` });
      }
      chunks.push(chunk);
    }
  } catch (err) {
    if (err instanceof TsaError) throw err;
    if (signal.aborted) throw new TsaError({ code: 'TSA_TIMEOUT', message: `${where}: answer not complete within ${timeoutMs / 1000} s` });
    throw new TsaError({ code: 'TSA_MALFORMED_RESPONSE', message: `${where}: the answer was cut off (${causeText(err)})` });
  }
  return new Uint8Array(Buffer.concat(chunks));
}

function causeText(err: unknown): string {
  const c = (err as { cause?: { code?: string; message?: string } }).cause;
  return c?.code ?? c?.message ?? messageOf(err);
}
