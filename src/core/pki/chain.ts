/**
 * Certification path building and validation (RFC 5280 §6), shared by every certificate
 * tsproof judges — TSA certificates and holder certificates alike. Embedded certificates are
 * only ever intermediates: a path must end at a certificate the caller explicitly trusts,
 * byte for byte.
 *
 * Rules, for every certificate on the path, the anchor included:
 *   - issuing: a certificate issues the next one only when its subject is that one's issuer,
 *     its key verifies that one's signature, and it is a CA (basicConstraints cA=TRUE) whose
 *     key usage, if present, has keyCertSign. A trusted end-entity certificate ("pinned")
 *     therefore anchors exactly itself and can issue nothing;
 *   - pathLenConstraint: at most that many non-self-issued intermediates below it;
 *   - validity: valid at the evaluation time;
 *   - critical extensions: none that tsproof does not recognise (certificate.ts);
 *   - nameConstraints of every CA on the path hold for the certificates below it.
 * Revocation is not checked (no revocation data is evaluated in this version).
 */
import { bytesEqual } from '../bytes.js';
import { t, type Text } from '../text.js';
import type { Certificate } from './certificate.js';
import { nameConstraintsViolation } from './general-name.js';
import { messageOf } from '../errors.js';
import { LIMITS } from '../limits.js';

export type PathProblemKind = 'validity' | 'critical-extension' | 'name-constraints';

export interface PathProblem {
  kind: PathProblemKind;
  certificate: Certificate;
  reason: Text;
}

export interface PathResult {
  /** The path ends at a configured anchor and every rule holds on it at the evaluation time. */
  ok: boolean;
  /** The path ends at a configured anchor (names, signatures, CA and path-length rules hold). */
  anchored: boolean;
  /** Leaf first: the path to the anchor, or (not anchored) the longest path found. */
  path: Certificate[];
  /** Why the path is not trusted: no anchor reached, or the first problem on the anchored path. */
  reason?: Text;
  /** Not anchored and the top of the path signed itself (a root nobody trusts). */
  selfSigned: boolean;
  /**
   * Not anchored only because no anchor was reached — the path ends at a root nobody configured,
   * or at a certificate whose issuer is in neither the proof nor the anchors — and not because a
   * rule broke (an issuer that is no CA, a path too long, a search given up). A trust decision
   * could fix it; nothing else would.
   */
  untrustedTop: boolean;
  /** Validity, critical-extension and name-constraint problems of `path`, in path order. */
  problems: PathProblem[];
}

export interface PathOptions {
  /** The evaluation time: every certificate on the path must be valid then. */
  at: Date;
}

const MAX_PATH = 8;
/** Path building gives up after this many signature checks or partial paths (hostile bags of same-named certificates; docs/limits.md). */
const MAX_SIGNATURE_CHECKS = LIMITS.pathSignatureChecks;
const MAX_STEPS = LIMITS.pathSteps;

/**
 * Finds a path leaf → … → anchor using `pool` as untrusted intermediates, preferring one on
 * which every rule holds; when every anchored path breaks a rule, returns the first with its
 * problems, so that a report can tell "untrusted" from "expired" or "constrained".
 */
export function buildPath(leaf: Certificate, pool: readonly Certificate[], anchors: readonly Certificate[], o: PathOptions): PathResult {
  const candidates = dedupe([...anchors, ...pool]);
  const isAnchor = (c: Certificate) => anchors.some((a) => a.equals(c));
  const signed = new Map<Certificate, Map<Certificate, boolean>>();
  let signatureChecks = 0;
  let steps = 0;
  let best: Certificate[] = [leaf];
  let bestReason: Text | undefined;
  let firstAnchored: { path: Certificate[]; problems: PathProblem[] } | undefined;

  // Name and key-identifier match, then the signature (each pair verified at most once).
  const issued = (issuer: Certificate, child: Certificate): boolean => {
    if (!bytesEqual(issuer.subjectRaw, child.issuerRaw)) return false;
    const aki = child.authorityKeyId;
    const ski = issuer.subjectKeyId;
    if (aki && ski && !bytesEqual(aki, ski)) return false;
    let row = signed.get(child);
    if (!row) signed.set(child, (row = new Map()));
    let ok = row.get(issuer);
    if (ok === undefined) {
      if (signatureChecks >= MAX_SIGNATURE_CHECKS) {
        bestReason = t`gave up building a path after ${MAX_SIGNATURE_CHECKS} signature checks`;
        return false;
      }
      signatureChecks++;
      ok = child.isSignedBy(issuer);
      row.set(issuer, ok);
    }
    return ok;
  };

  const walk = (path: Certificate[]): Certificate[] | undefined => {
    if (++steps > MAX_STEPS) {
      bestReason = t`gave up building a path after trying ${MAX_STEPS} partial paths`;
      return undefined;
    }
    const cur = path[path.length - 1]!;
    if (isAnchor(cur)) {
      const problems = validatePath(path, o.at);
      if (problems.length === 0) return path;
      firstAnchored ??= { path, problems };
      return undefined;
    }
    if (path.length > best.length) best = path;
    if (path.length >= MAX_PATH) {
      bestReason = t`path longer than ${MAX_PATH} certificates`;
      return undefined;
    }
    for (const cand of candidates) {
      if (path.some((p) => p.equals(cand))) continue;
      if (!issued(cand, cur)) continue;
      // An issuer must be a CA allowed to sign certificates — a trusted one too: trusting an
      // end-entity certificate pins that certificate, it does not make its key a CA.
      if (!cand.isCA) {
        bestReason = t`issuer "${cand.subject}" is not a CA`;
        continue;
      }
      if (!cand.canIssue) {
        bestReason = t`issuer "${cand.subject}" may not sign certificates (keyUsage lacks keyCertSign)`;
        continue;
      }
      // pathLenConstraint counts the intermediates below the issuer, self-issued ones excepted (RFC 5280 §6.1.4 (l), (m)).
      const pl = cand.basicConstraints?.pathLen;
      if (pl !== undefined && path.slice(1).filter((c) => !c.isSelfIssued).length > pl) {
        bestReason = t`issuer "${cand.subject}" path length constraint ${pl} exceeded`;
        continue;
      }
      const found = walk([...path, cand]);
      if (found) return found;
    }
    return undefined;
  };

  const found = walk([leaf]);
  if (found) return { ok: true, anchored: true, path: found, selfSigned: false, untrustedTop: false, problems: [] };
  if (firstAnchored) return { ok: false, anchored: true, path: firstAnchored.path, reason: firstAnchored.problems[0]!.reason, selfSigned: false, untrustedTop: false, problems: firstAnchored.problems };
  const top = best[best.length - 1]!;
  const selfSigned = top.isSelfIssued && top.isSignedBy(top);
  const reason =
    bestReason ?? (selfSigned ? t`chain ends at self-signed "${top.subject}", which is not a trusted anchor` : t`no issuer found for "${top.subject}" (issued by "${top.issuer}") among the embedded certificates and trust anchors`);
  return { ok: false, anchored: false, path: best, reason, selfSigned, untrustedTop: bestReason === undefined, problems: validatePath(best, o.at) };
}

/**
 * Where a path ends that reached no anchor only for want of one (PathResult.untrustedTop): a
 * root nobody trusts here — its fingerprint can be compared with the one its operator publishes
 * and adopted (`trust add --from`) — or a certificate whose issuer the proof does not carry.
 */
export interface UntrustedRoot {
  /** The certificate the path ends at. */
  subject: string;
  sha256: string;
  /** It signed itself: a root. */
  selfSigned: boolean;
  /** Not self-signed: the issuer it names, which is neither in the proof nor among the anchors. */
  issuer?: string;
}

/**
 * The untrusted top of `result`, unless a rule broke or `configured` (every certificate this
 * computer trusts, for any purpose or time) holds that top or an issuer of it by name: then
 * trusting something new is not what is missing.
 */
export function untrustedRootOf(result: PathResult, configured: readonly Certificate[]): UntrustedRoot | undefined {
  if (result.anchored || !result.untrustedTop) return undefined;
  const top = result.path[result.path.length - 1]!;
  if (configured.some((c) => c.equals(top) || bytesEqual(c.subjectRaw, top.issuerRaw))) return undefined;
  return result.selfSigned ? { subject: top.subject, sha256: top.sha256, selfSigned: true } : { subject: top.subject, sha256: top.sha256, selfSigned: false, issuer: top.issuer };
}

/**
 * The rules of RFC 5280 §6.1.3–6.1.5 that do not decide who issued whom: validity at `at`,
 * critical extensions, and name constraints (each CA's constraints apply to every
 * certificate below it, except self-issued intermediates).
 */
export function validatePath(path: readonly Certificate[], at: Date): PathProblem[] {
  const problems: PathProblem[] = [];
  for (const c of path) {
    if (!c.isValidAt(at)) {
      problems.push({ kind: 'validity', certificate: c, reason: t`"${c.subject}" is not valid at ${at.toISOString()} (valid ${c.notBefore.toISOString()} to ${c.notAfter.toISOString()})` });
    }
  }
  for (const c of path) {
    const unknown = c.unrecognisedCriticalExtensions;
    if (unknown.length) problems.push({ kind: 'critical-extension', certificate: c, reason: t`"${c.subject}" has an unrecognised critical extension ${unknown.join(', ')}` });
  }
  for (let k = 1; k < path.length; k++) {
    const ca = path[k]!;
    const nc = ca.nameConstraints;
    if (!nc) continue;
    for (let j = k - 1; j >= 0; j--) {
      const c = path[j]!;
      if (j > 0 && c.isSelfIssued) continue;
      let violation: Text | undefined;
      try {
        violation = nameConstraintsViolation({ subjectRaw: c.subjectRaw, altNames: c.altNames }, nc, j === 0);
      } catch (err) {
        violation = messageOf(err);
      }
      if (violation) problems.push({ kind: 'name-constraints', certificate: c, reason: t`"${c.subject}" breaks the name constraints of "${ca.subject}": ${violation}` });
    }
  }
  return problems;
}

function dedupe(certs: readonly Certificate[]): Certificate[] {
  const out: Certificate[] = [];
  for (const c of certs) if (!out.some((x) => x.equals(c))) out.push(c);
  return out;
}
