/**
 * Certification path building (RFC 5280 §6, simplified to what timestamp and signer
 * verification need). Embedded certificates are only ever used as intermediates: a path
 * must end at a certificate the caller explicitly trusts.
 */
import { bytesEqual } from '../bytes.js';
import type { Certificate } from './certificate.js';
import { t, type Text } from '../text.js';

export type ChainResult =
  | { ok: true; path: Certificate[] }
  | { ok: false; reason: Text; path: Certificate[]; selfSigned: boolean };

const MAX_PATH = 8;

function isAnchor(c: Certificate, anchors: readonly Certificate[]): boolean {
  return anchors.some((a) => a.equals(c) || (bytesEqual(a.subjectRaw, c.subjectRaw) && bytesEqual(a.spki, c.spki)));
}

function mayIssue(candidate: Certificate, child: Certificate): boolean {
  if (!bytesEqual(candidate.subjectRaw, child.issuerRaw)) return false;
  const aki = child.authorityKeyId;
  const ski = candidate.subjectKeyId;
  if (aki && ski && !bytesEqual(aki, ski)) return false;
  return child.isSignedBy(candidate);
}

/**
 * Finds a path leaf → … → anchor using `pool` as untrusted intermediates. Checks names,
 * signatures and CA constraints; time validity is checked separately ({@link checkPathValidity})
 * so that a report can tell "untrusted" from "expired".
 */
export function buildPath(leaf: Certificate, pool: readonly Certificate[], anchors: readonly Certificate[]): ChainResult {
  let best: Certificate[] = [leaf];
  let bestReason: Text | undefined;
  const candidates = [...anchors, ...pool];

  const walk = (path: Certificate[]): Certificate[] | undefined => {
    const cur = path[path.length - 1]!;
    if (isAnchor(cur, anchors)) return path;
    if (path.length > best.length) best = path;
    if (path.length >= MAX_PATH) {
      bestReason = t`path longer than ${MAX_PATH} certificates`;
      return undefined;
    }
    for (const cand of candidates) {
      if (path.some((p) => p.equals(cand))) continue;
      if (!mayIssue(cand, cur)) continue;
      const trusted = isAnchor(cand, anchors);
      // Why: an issuer must be a CA allowed to sign certificates, unless the user
      // explicitly trusts it (some old roots are v1 certificates without extensions).
      if (!trusted) {
        if (!cand.isCA) {
          bestReason = t`issuer "${cand.subject}" is not a CA`;
          continue;
        }
        const ku = cand.keyUsage;
        if (ku && !ku.has('keyCertSign')) {
          bestReason = t`issuer "${cand.subject}" may not sign certificates (keyUsage lacks keyCertSign)`;
          continue;
        }
        const pl = cand.basicConstraints?.pathLen;
        if (pl !== undefined && path.length - 1 > pl) {
          bestReason = t`issuer "${cand.subject}" path length constraint ${pl} exceeded`;
          continue;
        }
      }
      const found = walk([...path, cand]);
      if (found) return found;
    }
    return undefined;
  };

  const found = walk([leaf]);
  if (found) return { ok: true, path: found };
  const top = best[best.length - 1]!;
  const selfSigned = top.isSelfIssued && top.isSignedBy(top);
  const reason =
    bestReason ||
    (selfSigned
      ? t`chain ends at self-signed "${top.subject}", which is not a trusted anchor`
      : t`no issuer found for "${top.subject}" (issued by "${top.issuer}") among the embedded certificates and trust anchors`);
  return { ok: false, reason, path: best, selfSigned };
}

/** The first certificate in `path` that is not valid at `at`, if any. */
export function firstInvalidAt(path: readonly Certificate[], at: Date): Certificate | undefined {
  return path.find((c) => !c.isValidAt(at));
}
