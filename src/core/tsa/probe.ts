/**
 * Probing a TSA: one request per imprint algorithm for a random digest, then everything
 * tsproof can say about the answers — status, accepted algorithms, latency, chain, policy,
 * accuracy, and the quirks a verifier must cope with (shared/reference §4).
 */
import { bytesEqual } from '../bytes.js';
import { digestOid, hash, type AnyDigest } from '../crypto/algorithms.js';
import { der } from '../asn1/der.js';
import { parseSignedData } from '../cms/signed-data.js';
import { messageOf } from '../errors.js';
import { httpPost, type ProxySettings } from '../tsp/http.js';
import { ACCEPTED_CONTENT_TYPES, parseTsaUrl, randomNonce, type TsaEndpoint } from '../tsp/client.js';
import { PKI_STATUS, parseTimeStampResp } from '../tsp/messages.js';
import { formatMicros, verifyTimestampToken, type TimestampInfo } from '../tsp/verify.js';
import { COMPATIBLE } from '../verify/policy.js';
import type { Check } from '../verify/checks.js';
import type { TrustAnchor } from '../trust.js';
import { t, verbatim, type Text } from '../text.js';

export const PROBE_ALGORITHMS: readonly AnyDigest[] = ['sha256', 'sha384', 'sha512', 'sha1'];

export interface ProbeResult {
  url: string;
  /** A SHA-256 token came back and its signature verifies. */
  ok: boolean;
  algorithms: Record<string, Text>;
  latencyMs?: number;
  contentType?: string;
  info?: TimestampInfo;
  failedChecks: Check[];
  quirks: Text[];
}

export async function probeTsa(endpoint: TsaEndpoint, o: { random: (n: number) => Uint8Array; now: () => Date; trust: readonly TrustAnchor[]; timeoutMs: number; proxy?: ProxySettings }): Promise<ProbeResult> {
  const url = parseTsaUrl(endpoint.url);
  const result: ProbeResult = { url: endpoint.url, ok: false, algorithms: {}, failedChecks: [], quirks: [] };
  const headers: Record<string, string> = { 'content-type': 'application/timestamp-query', accept: 'application/timestamp-reply' };
  if (endpoint.username !== undefined) headers.authorization = `Basic ${Buffer.from(`${endpoint.username}:${endpoint.password ?? ''}`).toString('base64')}`;
  for (const alg of PROBE_ALGORITHMS) {
    const digest = hash(alg, o.random(32));
    const nonce = randomNonce(o.random);
    const req = der.sequence(der.integer(1), der.sequence(der.sequence(der.oid(digestOid(alg))), der.octetString(digest)), der.integer(nonce), der.boolean(true));
    const t0 = performance.now();
    let res;
    try {
      res = await httpPost(url, req, { headers, timeoutMs: o.timeoutMs, maxBytes: 1 << 20, ...(o.proxy ? { proxy: o.proxy } : {}) });
    } catch (err) {
      result.algorithms[alg] = t`error: ${messageOf(err)}`;
      continue;
    }
    const ms = Math.round(performance.now() - t0);
    if (res.status !== 200) {
      result.algorithms[alg] = t`HTTP ${res.status}`;
      continue;
    }
    const ct = (res.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (alg === 'sha256') {
      result.latencyMs = ms;
      result.contentType = ct;
      if (ct === 'application/timestamp-response') result.quirks.push(t`answers with the non-standard content type application/timestamp-response (accepted)`);
      else if (!ACCEPTED_CONTENT_TYPES.includes(ct)) result.quirks.push(t`answers with content type "${ct || 'none'}"`);
    }
    let resp;
    try {
      resp = parseTimeStampResp(res.body);
    } catch (err) {
      result.algorithms[alg] = t`malformed answer (${messageOf(err)})`;
      continue;
    }
    if (!resp.token) {
      result.algorithms[alg] = verbatim(`${PKI_STATUS[resp.status] ?? resp.status}${resp.failInfo.length ? ` (${resp.failInfo.join(', ')})` : ''}`);
      continue;
    }
    result.algorithms[alg] = resp.status === 1 ? t`granted with modifications` : t`granted`;
    if (alg === 'sha1') result.quirks.push(t`still grants SHA-1 imprints (CA/B Forum requires refusing them)`);
    if (alg !== 'sha256') continue;
    if (resp.status === 1) result.quirks.push(t`answers grantedWithMods`);
    const v = verifyTimestampToken(resp.token, { imprint: { algorithm: 'sha256', digest }, anchors: [], trust: o.trust, nonce, now: o.now(), policy: COMPATIBLE });
    result.failedChecks = v.checks.filter((c) => c.status === 'fail' || c.status === 'warn');
    if (v.info) result.info = v.info;
    result.ok = !!v.checks.find((c) => c.id === 'timestamp.signature' && c.ok) && !!v.checks.find((c) => c.id === 'timestamp.imprint' && c.ok);
    if (v.tstInfo?.nonce === undefined) result.quirks.push(t`does not echo the nonce`);
    else if (v.tstInfo.nonce !== nonce) result.quirks.push(t`echoes a different nonce`);
    if (v.tstInfo?.accuracyMicros === undefined) result.quirks.push(t`states no accuracy: genTime is not exact`);
    if (v.tstInfo?.genTime.fraction) result.quirks.push(t`genTime has fractional seconds (${v.tstInfo.genTime.text})`);
    const sd = v.signedData ?? parseSignedData(resp.token, 'token');
    if (sd.certificates.length === 0) result.quirks.push(t`sends no certificates although asked (certReq): give its certificate with --tsa-cert`);
    else {
      if (v.path && !bytesEqual(sd.certificates[0]!.der, v.path[0]!.der)) result.quirks.push(t`certificates are not leaf-first (the signer must be found by sid)`);
      const sorted = [...sd.certificates].sort((a, b) => Buffer.compare(a.der, b.der));
      if (sorted.some((c, i) => c !== sd.certificates[i])) result.quirks.push(t`certificate SET is not DER-sorted`);
      if (v.path && !sd.certificates.some((c) => c.isSelfIssued)) result.quirks.push(t`the root is not included (trust it locally)`);
    }
    if (v.info && !v.info.trusted) result.quirks.push(t`not trusted here: add its root with "tsproof trust add <root.pem> --for tsa"`);
    if (v.info?.accuracyMicros !== undefined) result.quirks.push(t`accuracy ±${formatMicros(v.info.accuracyMicros)}`);
  }
  return result;
}
