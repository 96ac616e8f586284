/**
 * Revocation data captured at registration (CAdES-LT in spirit; docs/long-term.md): for every
 * certificate on the holder's and each TSA's path but the anchors, an OCSP response from the
 * responders its AIA names (preferred), else a CRL from its CRL distribution points. Each answer
 * is judged as the verifier will judge it; only data that says something about the proven time
 * is kept. A responder that is down or answers badly is reported, not fatal (the caller decides).
 */
import { der, bitString, parse, seq } from '../asn1/der.js';
import { toBase64 } from '../bytes.js';
import { digestAlgorithmId, hash } from '../crypto/algorithms.js';
import { httpPost, HttpError, type ProxySettings } from '../tsp/http.js';
import { LIMITS } from '../limits.js';
import type { Certificate } from '../pki/certificate.js';
import { readRevocation, revocationSources, type RevocationAnswer, type RevocationType } from './data.js';
import type { RevocationEntry } from './judge.js';
import { messageOf } from '../errors.js';
import { joinTexts, t, type Text } from '../text.js';

/** A certificate to capture data for, its issuer, and the time the data must speak for. */
export interface CaptureTarget {
  certificate: Certificate;
  issuer: Certificate;
  at: Date;
}

/** Fetches a URL: POST with a body (OCSP), GET without (CRL). Returns the body of a 200 answer; throws otherwise. */
export type RevocationFetch = (url: URL, body?: Uint8Array) => Promise<Uint8Array>;

export interface CaptureOptions {
  fetch: RevocationFetch;
  /** Clock skew allowed between the TSA and the responder. */
  skewMs: number;
}

export interface CaptureResult {
  entries: RevocationEntry[];
  /** Certificates no usable data was found for, and why: they name no source, or every source failed. */
  missing: { certificate: Certificate; why: Text; noSource: boolean }[];
}

/** The default fetcher: node:http(s) with the TSA client's proxy settings, a timeout and a size cap. */
export function httpRevocationFetch(o: { timeoutMs: number; proxy?: ProxySettings; ca?: string[] }): RevocationFetch {
  return async (url, body) => {
    const r = await httpPost(url, body ?? new Uint8Array(0), {
      method: body ? 'POST' : 'GET',
      headers: body ? { 'content-type': 'application/ocsp-request', accept: 'application/ocsp-response' } : {},
      timeoutMs: o.timeoutMs,
      maxBytes: LIMITS.revocationBytes,
      ...(o.proxy ? { proxy: o.proxy } : {}),
      ...(o.ca ? { ca: o.ca } : {}),
    });
    if (r.status !== 200) throw new HttpError('connect', t`HTTP ${r.status} ${r.statusText}`);
    return r.body;
  };
}

/** An OCSPRequest (RFC 6960 §4.1) for one certificate; CertID with SHA-1, as responders expect (RFC 5019 §2.1.1). */
export function ocspRequest(cert: Certificate, issuer: Certificate): Uint8Array {
  const keyBits = bitString(seq(parse(issuer.spki, 'subjectPublicKeyInfo'), 'subjectPublicKeyInfo')[1], 'subjectPublicKey').bytes;
  const certId = der.sequence(digestAlgorithmId('sha1'), der.octetString(hash('sha1', issuer.subjectRaw)), der.octetString(hash('sha1', keyBits)), der.integerRaw(cert.serialBytes));
  return der.sequence(der.sequence(der.sequence(der.sequence(certId))));
}

/** Usable at registration: a status, and for "good" one no older than the time it must speak for. */
function usable(a: RevocationAnswer, at: Date, skewMs: number): Text | undefined {
  if (a.status === 'invalid') return a.why;
  if (a.status === 'unknown') return t`the responder does not know the certificate`;
  if (a.status === 'good' && a.thisUpdate.getTime() < at.getTime() - skewMs) return t`stale: it dates from ${a.thisUpdate.toISOString()}, before ${at.toISOString()}`;
  return undefined;
}

export async function captureRevocation(targets: readonly CaptureTarget[], o: CaptureOptions): Promise<CaptureResult> {
  const entries: RevocationEntry[] = [];
  const missing: CaptureResult['missing'] = [];
  const done = new Set<string>();
  for (const target of targets) {
    const c = target.certificate;
    if (done.has(c.sha256)) continue;
    done.add(c.sha256);
    const sources = revocationSources(c);
    const tries: { type: RevocationType; url: string }[] = [...sources.ocsp.map((url) => ({ type: 'ocsp' as const, url })), ...sources.crl.map((url) => ({ type: 'crl' as const, url }))];
    if (tries.length === 0) {
      missing.push({ certificate: c, why: t`the certificate names no OCSP responder or CRL`, noSource: true });
      continue;
    }
    const failures: Text[] = [];
    let found = false;
    for (const { type, url } of tries) {
      let body: Uint8Array;
      try {
        body = await o.fetch(new URL(url), type === 'ocsp' ? ocspRequest(c, target.issuer) : undefined);
      } catch (err) {
        failures.push(t`${url}: ${err instanceof HttpError ? err.text : messageOf(err)}`);
        continue;
      }
      const answer = readRevocation(type, body, c, target.issuer);
      const why = usable(answer, target.at, o.skewMs);
      if (why) {
        failures.push(t`${url}: ${why}`);
        continue;
      }
      entries.push({ certificate: c.sha256, type, source: url, data: toBase64(body) });
      found = true;
      break;
    }
    if (!found) missing.push({ certificate: c, why: joinTexts(failures, '; '), noSource: false });
  }
  return { entries, missing };
}

/** The pairs (certificate, issuer) of a path, leaf first, but the anchor and a self-issued top. */
export function pathTargets(path: readonly Certificate[], at: Date): CaptureTarget[] {
  const out: CaptureTarget[] = [];
  for (let i = 0; i + 1 < path.length; i++) out.push({ certificate: path[i]!, issuer: path[i + 1]!, at });
  return out;
}
