/**
 * Revocation judged offline at the proven time (docs/long-term.md): every stored OCSP response
 * or CRL is read against the certificate it names and that certificate's issuer, then each
 * certification path is judged from what its certificates' data say:
 *
 *   revoked at or before the time   → fail, naming the certificate and the revocation time;
 *   revoked after it                → pass, with a note (the proof was made before);
 *   good, and the data is no older  → pass;
 *   than the time (thisUpdate ≥ time − clock skew)
 *   none, stale, or "unknown"       → not checked (skip), which `require` makes a failure.
 */
import { fromBase64Strict } from '../bytes.js';
import type { Certificate } from '../pki/certificate.js';
import { readRevocation, type RevocationAnswer, type RevocationType } from './data.js';
import { joinTexts, t, type Text } from '../text.js';
import type { CheckStatus } from '../verify/checks.js';

/** One element of a receipt's `revocation` (docs/receipt-format.md). */
export interface RevocationEntry {
  /** SHA-256 (hex) of the certificate (DER) the data is about. */
  certificate: string;
  type: RevocationType;
  /** Where it was fetched from (informative). */
  source: string;
  /** The OCSPResponse or CertificateList, DER, base64. */
  data: string;
}

export interface JudgedEntry {
  index: number;
  entry: RevocationEntry;
  /** The certificate it names, when the proof holds it. */
  certificate?: Certificate;
  /** What the data says; `undefined` when it cannot be judged here (no issuer available). */
  answer?: RevocationAnswer;
  /** Why it cannot be judged here, when `answer` is undefined. */
  unjudged?: Text;
}

/** The issuer of `c` among `pool`: by name, then by signature. */
export function issuerOf(c: Certificate, pool: readonly Certificate[]): Certificate | undefined {
  return pool.find((p) => !p.equals(c) && Buffer.compare(Buffer.from(p.subjectRaw), Buffer.from(c.issuerRaw)) === 0 && c.isSignedBy(p));
}

/**
 * Reads every entry against the certificate it names (among `held`: the certificates the proof
 * carries) and its issuer (among `held` and the anchors in `issuers`).
 */
export function judgeEntries(entries: readonly RevocationEntry[], held: readonly Certificate[], issuers: readonly Certificate[]): JudgedEntry[] {
  return entries.map((entry, index) => {
    const certificate = held.find((c) => c.sha256 === entry.certificate);
    const der = fromBase64Strict(entry.data);
    if (!der) return { index, entry, answer: { status: 'invalid', why: t`its data is not valid base64` } };
    if (!certificate) return { index, entry, answer: { status: 'invalid', why: t`it names certificate ${entry.certificate}, which this proof does not hold` } };
    const issuer = issuerOf(certificate, [...held, ...issuers]);
    if (!issuer) return { index, entry, certificate, unjudged: t`the issuer of "${certificate.subject}" is neither in the proof nor trusted here` };
    return { index, entry, certificate, answer: readRevocation(entry.type, der, certificate, issuer) };
  });
}

export interface PathRevocation {
  status: CheckStatus;
  detail: Text;
}

const kind = (e: JudgedEntry) => (e.entry.type === 'ocsp' ? 'OCSP' : 'CRL');

/**
 * Judges the revocation of every certificate of `path` (leaf first) but its anchor, at `at`.
 * `anchored`: the last certificate is a trust anchor (never checked: trust in it is the
 * verifier's own). A self-issued top nobody trusts has no one to revoke it and is not checked either.
 */
export function judgePath(path: readonly Certificate[], anchored: boolean, judged: readonly JudgedEntry[], at: Date, o: { skewMs: number; require: boolean; what: Text }): PathRevocation {
  const top = path[path.length - 1];
  const subjects = path.filter((c, i) => i < path.length - 1 || (!anchored && c === top && !c.isSelfIssued));
  if (subjects.length === 0) {
    // Nothing anyone could revoke: not checked, and nothing --require-revocation could ask for.
    return { status: 'skip', detail: t`${o.what}: no certificate on the path can be revoked (self-signed, or itself the trust anchor)` };
  }
  const when = at.toISOString();
  const revokedBefore: Text[] = [];
  const good: Text[] = [];
  const notes: Text[] = [];
  const missing: Text[] = [];
  for (const c of subjects) {
    const mine = judged.filter((j) => j.certificate?.equals(c) && j.answer && j.answer.status !== 'invalid');
    const revoked = mine.flatMap((j) => (j.answer?.status === 'revoked' ? [{ j, a: j.answer }] : []));
    const before = revoked.find((r) => r.a.revokedAt.getTime() <= at.getTime());
    if (before) {
      revokedBefore.push(t`"${c.subject}" was revoked at ${before.a.revokedAt.toISOString()}${before.a.reason ? ` (${before.a.reason})` : ''}, before the proven time ${when} (${kind(before.j)})`);
      continue;
    }
    const fresh = mine.find((j) => j.answer?.status === 'good' && j.answer.thisUpdate.getTime() >= at.getTime() - o.skewMs);
    const after = revoked[0];
    if (after) {
      notes.push(t`"${c.subject}" was revoked at ${after.a.revokedAt.toISOString()}${after.a.reason ? ` (${after.a.reason})` : ''}, after the proven time ${when}: the proof was made before`);
      continue;
    }
    if (fresh) {
      good.push(t`"${c.subject}" (${kind(fresh)} of ${(fresh.answer as { thisUpdate: Date }).thisUpdate.toISOString()})`);
      continue;
    }
    const stale = mine.find((j) => j.answer?.status === 'good');
    const unknown = mine.find((j) => j.answer?.status === 'unknown');
    const unjudged = judged.find((j) => j.certificate?.equals(c) && j.unjudged);
    if (stale) missing.push(t`"${c.subject}": its ${kind(stale)} dates from ${(stale.answer as { thisUpdate: Date }).thisUpdate.toISOString()}, before the proven time ${when}, so it cannot show the certificate was not revoked then`);
    else if (unknown) missing.push(t`"${c.subject}": the OCSP responder does not know the certificate`);
    else if (unjudged) missing.push(t`"${c.subject}": ${unjudged.unjudged!}`);
    else missing.push(t`"${c.subject}": no revocation data`);
  }
  if (revokedBefore.length) return { status: 'fail', detail: t`${o.what}: ${joinTexts(revokedBefore, '; ')}` };
  if (missing.length) {
    const detail = t`${o.what}: revocation not checked for ${joinTexts(missing, '; ')}${notes.length ? t`; ${joinTexts(notes, '; ')}` : ''}`;
    return o.require ? { status: 'fail', detail: t`${detail} (--require-revocation)` } : { status: 'skip', detail };
  }
  const parts = [...(good.length ? [t`not revoked at ${when}: ${joinTexts(good, ', ')}`] : []), ...notes];
  return { status: 'pass', detail: t`${o.what}: ${joinTexts(parts, '; ')}` };
}

/** The problems of the stored entries themselves (each a named failure), and those that cannot be judged here. */
export function revocationEntryProblems(judged: readonly JudgedEntry[]): { invalid: Text[]; unjudged: Text[] } {
  const invalid: Text[] = [];
  const unjudged: Text[] = [];
  for (const j of judged) {
    const at = `revocation[${j.index}]`;
    if (j.answer?.status === 'invalid') invalid.push(t`${at} (${kind(j)} from ${j.entry.source}): ${j.answer.why}`);
    else if (j.unjudged) unjudged.push(t`${at}: ${j.unjudged}`);
  }
  return { invalid, unjudged };
}
