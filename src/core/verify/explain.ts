/**
 * Verdicts in plain words, for people: who vouches for the holder, why a verification failed,
 * and what can be done about it — the same sentences on the terminal and in the report PDF
 * (where the commands go to an appendix). Built from what verification returned; decides nothing.
 */
import { t, type Text } from '../text.js';
import type { Check, RevocationStatus } from './checks.js';
import type { HolderInfo, UntrustedAnchor } from './receipt.js';
import type { Reason } from './verdict.js';
import type { Entry } from '../receipt/manifest.js';
import type { HashAlgorithm } from '../crypto/algorithms.js';
import { knownRootBySha256 } from '../trust/known.js';
import { bothClocks } from '../time.js';

export function revocationPhrase(r: RevocationStatus): Text {
  switch (r) {
    case 'checked':
      return t`revocation checked`;
    case 'warning':
      return t`revocation checked, with a warning`;
    case 'failed':
      return t`revocation check FAILED`;
    case 'not-checked':
      return t`revocation not checked`;
  }
}

/** Who vouches for the holder's name, in words: the CA and root for a certified holder, and whether revocation was checked. */
export function identityPhrase(h: Pick<HolderInfo, 'identity' | 'certifiedBy' | 'anchor' | 'revocation'>): Text {
  switch (h.identity) {
    case 'ca-verified':
      if (!h.certifiedBy) return t`trusted here as this very certificate (pinned); ${revocationPhrase(h.revocation)}`;
      if (h.anchor && h.anchor.sha256 !== h.certifiedBy.sha256) return t`certified by "${h.certifiedBy.subject}" under trusted root "${h.anchor.subject}"; ${revocationPhrase(h.revocation)}`;
      return t`certified by trusted "${h.certifiedBy.subject}"; ${revocationPhrase(h.revocation)}`;
    case 'self-asserted':
      return t`SELF-ASSERTED — no CA vouches for this name`;
    case 'unverified':
      return t`issuer not trusted here — no CA trusted here vouches for this name`;
  }
}

/** What the explanations need to know about one result (a file's, or a receipt's). */
export interface Explained {
  reason: Reason;
  checks: readonly Check[];
  entry?: Entry;
  actual?: { size: number; digests: Partial<Record<HashAlgorithm, string>> };
  holder?: HolderInfo;
  untrusted?: readonly UntrustedAnchor[];
  claimedTime?: string;
}

/**
 * The roots a trust decision is missing for: those the failed checks depend on (a TSA's; the
 * holder's when a pin needs it), then — not failing anything, but no CA vouches for the holder
 * here until it is trusted — the holder's.
 */
function missingTrust(r: Explained): UntrustedAnchor[] {
  const failing = new Set(r.checks.filter((c) => !c.ok && c.cause === 'untrusted-anchor').map((c) => (c.id.startsWith('pin.') ? 'holder' : (c.subject ?? ''))));
  const all = r.untrusted ?? [];
  return [...all.filter((u) => failing.has(u.subjectOf)), ...all.filter((u) => !failing.has(u.subjectOf) && u.for === 'holder')];
}

function rootSentence(u: UntrustedAnchor): Text {
  if (u.for === 'holder') {
    return u.selfSigned
      ? t`The holder "${u.signer}" is certified under root "${u.subject}" (SHA-256 ${u.sha256}), which this computer does not trust yet, so no CA vouches for the name here; compare this fingerprint with the one the CA publishes.`
      : t`The holder "${u.signer}" is certified by "${u.subject}", issued by "${u.issuer ?? ''}" — a root the proof does not include and this computer does not trust, so no CA vouches for the name here.`;
  }
  return u.selfSigned
    ? t`The proof is signed by TSA "${u.signer}" under root "${u.subject}" (SHA-256 ${u.sha256}), which this computer does not trust yet; compare this fingerprint with the one the TSA's operator publishes.`
    : t`The proof is signed by TSA "${u.signer}" under "${u.subject}", issued by "${u.issuer ?? ''}" — a root the proof does not include and this computer does not trust; obtain it from the TSA's operator.`;
}

/** Why a result failed, in sentences a person without the check list can act on (none when it verified). */
export function explain(r: Explained): Text[] {
  const failed = r.checks.filter((c) => !c.ok);
  switch (r.reason) {
    case 'verified':
      return [];
    case 'no-receipt':
      return [t`No receipt was found for this file: none was given, none lies beside it, and no registration of its content is known here.`];
    case 'invalid-proof': {
      const proof = failed.filter((c) => !c.id.startsWith('file.') && !c.id.startsWith('pin.') && c.cause !== 'untrusted-anchor');
      return [
        t`The proof does not check out, so it proves nothing about this file: the receipt or pack was altered, damaged or forged, or was made with what this computer refuses.`,
        ...proof.slice(0, 3).map((c) => t`Failed: ${c.subject ? `${c.subject} ` : ''}${c.id} — ${c.detail}`),
      ];
    }
    case 'not-covered':
      return [t`This receipt does not cover this file: no file registered in it has this content, and none is registered under this file's name. It says nothing about this file either way; the file's own receipt is needed.`];
    case 'modified': {
      const e = r.entry;
      const alg = e ? (Object.keys(e.digests)[0] as HashAlgorithm) : undefined;
      if (!e || !alg) return [t`The file's content differs from the registered file's.`];
      const out = [t`The file is not the registered original: its ${alg.toUpperCase()} is ${r.actual?.digests[alg] ?? '—'}, while the file registered as "${e.name}" has ${e.digests[alg] ?? '—'}.`];
      if (r.actual && r.actual.size !== e.size) out.push(t`Its size is ${r.actual.size} bytes; the registered file has ${e.size} bytes.`);
      return out;
    }
    case 'missing':
      return [t`A registered file is missing from the folder.`];
    case 'pin-mismatch':
      return [t`The proof is valid, but not made by whom it was expected to be (pins):`, ...failed.filter((c) => c.id.startsWith('pin.') && c.cause !== 'untrusted-anchor').map((c) => t`${c.id} — ${c.detail}`)];
    case 'untrusted-anchor':
      return [
        r.entry ? t`The file matches its receipt and the proof checks out, except for a trust decision this computer has not made:` : t`The proof checks out, except for a trust decision this computer has not made:`,
        ...missingTrust(r).map(rootSentence),
        ...(r.claimedTime ? [t`The time the timestamp states, ${bothClocks(r.claimedTime)}, is therefore claimed, not proven.`] : []),
      ];
  }
}

/** A step someone can take, with the command when there is one. */
export interface Remedy {
  text: Text;
  command?: string;
}

/** A path or argument as a POSIX shell reads it. */
export function shellQuote(s: string): string {
  return /^[A-Za-z0-9_./:@%+=,-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** What to do next about a failed result (`receipt` and `file` as the user gave them). */
export function remedies(r: Explained, o: { receipt?: string; file?: string }): Remedy[] {
  const rq = o.receipt ? shellQuote(o.receipt) : '<receipt>';
  const fq = o.file ? shellQuote(o.file) : '<file>';
  switch (r.reason) {
    case 'verified':
      return [];
    case 'no-receipt':
      return [{ text: t`Verify the file against its receipt:`, command: `tsproof verify ${fq} --receipt <receipt>` }];
    case 'invalid-proof':
      return [{ text: t`See every check and what failed:`, command: `tsproof verify ${fq} --receipt ${rq} --full` }];
    case 'not-covered':
      return [{ text: t`See which files this receipt does cover, then find the receipt of this file:`, command: `tsproof show ${rq} --all` }];
    case 'modified':
      return [{ text: t`Compare the file's fingerprint with the registered one independently:`, command: `openssl dgst -sha256 ${fq}` }];
    case 'missing':
      return [{ text: t`Restore the missing files from their originals, or check the folder given:`, command: `tsproof verify --receipt ${rq} --dir <folder>` }];
    case 'pin-mismatch':
      return [
        { text: t`See who signed the proof and which TSA timestamped it:`, command: `tsproof show ${rq}` },
        { text: t`Check the expected pins (--holder-cert, --holder-subject, --holder-issuer, --require-certified, --tsa-cert; TSPROOF_* variables; "pins" in config.json).` },
      ];
    case 'untrusted-anchor':
      return missingTrust(r).flatMap((u): Remedy[] => {
        const known = knownRootBySha256(u.sha256);
        if (known) return [{ text: t`"${u.subject}" is the published root of ${known.operator}, in tsproof's curated list; to trust it:`, command: `tsproof trust add --known ${known.name}` }];
        if (u.selfSigned) {
          return [
            {
              text:
                u.for === 'tsa'
                  ? t`If the fingerprint ${u.sha256} equals the one the TSA's operator publishes, trust that root (it is taken from the receipt only when the fingerprints are equal):`
                  : t`If the fingerprint ${u.sha256} equals the one the holder's CA publishes, trust that root for holders (it is taken from the receipt only when the fingerprints are equal):`,
              command: `tsproof trust add --from ${rq} --sha256 ${u.sha256}`,
            },
          ];
        }
        return [{ text: t`Obtain the root that issued "${u.subject}" from its operator, compare its fingerprint, and trust it:`, command: `tsproof trust add <root.pem> --for ${u.for}` }];
      });
  }
}
