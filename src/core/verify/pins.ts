/**
 * Pins: expectations about who made a proof that must hold, whatever else verifies — the
 * holder's certificate (SHA-256), subject and issuer, that a CA vouches for the holder, and the
 * TSA's certificate (SHA-256). A look-alike receipt — a self-asserted identity of the same name,
 * registered at the same trusted TSA — verifies as a proof; a pin tells it from the real one.
 * Each pin is a check of its own (`pin.*`, docs/verification.md#pins).
 */
import { InputError } from '../errors.js';
import { t, type Text } from '../text.js';
import type { CheckList } from './checks.js';
import type { HolderInfo } from './receipt.js';
import type { TimestampInfo } from '../tsp/verify.js';
import type { UntrustedRoot } from '../pki/chain.js';

export interface Pins {
  /** The holder certificate must be one of these (SHA-256 of its DER, lowercase hex). */
  holderCert?: string[];
  /** The holder's subject DN, exactly or with `*` wildcards. */
  holderSubject?: string;
  /** The DN of the CA that issued the holder certificate, on a path to an anchor trusted here. */
  holderIssuer?: string;
  /** The holder must be certified by a CA trusted here (not self-asserted, not unverified). */
  requireCertified?: boolean;
  /** Every timestamp's TSA certificate, or the root it chains to, must be one of these (SHA-256). */
  tsaCert?: string[];
}

const PIN_KEYS = ['holderCert', 'holderSubject', 'holderIssuer', 'requireCertified', 'tsaCert'] as const;

export function hasPins(p: Pins | undefined): p is Pins {
  return !!p && PIN_KEYS.some((k) => (Array.isArray(p[k]) ? (p[k] as string[]).length > 0 : p[k] !== undefined && p[k] !== false));
}

/**
 * A SHA-256 fingerprint as people copy it — `ab12…`, `AB:12:…` (OpenSSL), `sha256:ab12…`, with
 * spaces — in the form tsproof prints: 64 lowercase hex digits; undefined when it is not one.
 */
export function normaliseFingerprint(s: string): string | undefined {
  const hex = s
    .trim()
    .replace(/^sha-?256[:=]/i, '')
    .replace(/[\s:]/g, '')
    .toLowerCase();
  return /^[0-9a-f]{64}$/.test(hex) ? hex : undefined;
}

/** `emailAddress=` (OpenSSL's name) and `E=` (tsproof's) are the same attribute. */
function canonicalDn(dn: string): string {
  return dn
    .normalize('NFC')
    .trim()
    .replace(/(^|,\s*)emailAddress=/g, '$1E=');
}

/**
 * Whether a DN, as tsproof and verify.sh print it (`CN=김영희, O=테스트 주식회사, C=KR`),
 * matches a pattern: the same text, where `*` stands for any run of characters (`CN=김영희, *`).
 */
export function dnMatches(dn: string, pattern: string): boolean {
  const parts = canonicalDn(pattern).split('*');
  const target = canonicalDn(dn);
  if (parts.length === 1) return target === parts[0];
  // Glob with `*` only, matched greedily from both ends: linear, whatever the pattern.
  const first = parts[0]!;
  const last = parts[parts.length - 1]!;
  if (!target.startsWith(first) || !target.endsWith(last) || target.length < first.length + last.length) return false;
  let at = first.length;
  const end = target.length - last.length;
  for (const mid of parts.slice(1, -1)) {
    const i = target.indexOf(mid, at);
    if (i < 0 || i + mid.length > end) return false;
    at = i + mid.length;
  }
  return true;
}

/** What verification found about the holder, as the pins need it. */
export interface HolderFacts {
  info?: HolderInfo;
  /** Set when the holder's path reached no anchor only for want of one. */
  untrustedRoot?: UntrustedRoot;
}

/** The holder pins, as checks on `checks`. */
export function checkHolderPins(checks: CheckList, pins: Pins, h: HolderFacts): void {
  const holder = h.info;
  const none = t`no holder certificate to compare with`;
  if (pins.holderCert?.length) {
    const list = pins.holderCert.join(', ');
    if (!holder) checks.fail('pin.holder-cert', none);
    else
      checks.expect(
        'pin.holder-cert',
        pins.holderCert.includes(holder.certificateSha256),
        t`the holder certificate is the pinned one (SHA-256 ${holder.certificateSha256})`,
        t`the holder certificate (SHA-256 ${holder.certificateSha256}) is not the pinned ${list}`,
      );
  }
  if (pins.holderSubject !== undefined) {
    if (!holder) checks.fail('pin.holder-subject', none);
    else
      checks.expect(
        'pin.holder-subject',
        dnMatches(holder.subject, pins.holderSubject),
        t`holder "${holder.subject}" matches the pinned subject "${pins.holderSubject}"`,
        t`holder "${holder.subject}" is not the pinned subject "${pins.holderSubject}"`,
      );
  }
  // A name anyone can copy into a certificate of their own: it counts only when a CA this
  // computer trusts issued the holder certificate.
  if (pins.holderIssuer !== undefined) {
    if (!holder) checks.fail('pin.holder-issuer', none);
    else if (!dnMatches(holder.issuer, pins.holderIssuer)) checks.fail('pin.holder-issuer', t`the holder certificate is issued by "${holder.issuer}", not by the pinned issuer "${pins.holderIssuer}"`);
    else if (holder.identity !== 'ca-verified') {
      const c = checks.fail('pin.holder-issuer', t`the holder certificate names the pinned issuer "${pins.holderIssuer}", but no path leads from it to a CA trusted here (${notCertified(holder)}), so the name proves nothing`);
      if (h.untrustedRoot) c.cause = 'untrusted-anchor';
    } else checks.pass('pin.holder-issuer', t`the holder certificate is issued by the pinned issuer "${holder.issuer}", on a path to trusted "${holder.anchor?.subject ?? holder.issuer}"`);
  }
  if (pins.requireCertified) {
    if (!holder) checks.fail('pin.certified', none);
    else if (holder.identity === 'ca-verified') checks.pass('pin.certified', t`"${holder.subject}" is certified by a CA trusted here`);
    else {
      const c = checks.fail('pin.certified', t`a certified holder is required, but "${holder.subject}" is ${notCertified(holder)}`);
      if (h.untrustedRoot && holder.identity === 'unverified') c.cause = 'untrusted-anchor';
    }
  }
}

function notCertified(h: HolderInfo): Text {
  return h.identity === 'self-asserted' ? t`self-asserted: no CA vouches for the name` : t`not certified by a CA trusted here`;
}

/**
 * The TSA pin, one check per timestamp: the certificate that signed it, or the root its path
 * ends at (trusted here, or — on a machine that does not trust it yet — the untrusted root),
 * must be pinned.
 */
export function checkTsaPins(checks: CheckList, pins: Pins, stamps: readonly { info: TimestampInfo; untrustedRoot?: UntrustedRoot; subject?: string }[]): void {
  if (!pins.tsaCert?.length) return;
  const list = pins.tsaCert.join(', ');
  if (stamps.length === 0) {
    checks.fail('pin.tsa-cert', t`no timestamp whose TSA could be compared with the pinned ${list}`);
    return;
  }
  for (const s of stamps) {
    const root = s.info.anchor?.sha256 ?? (s.untrustedRoot?.selfSigned ? s.untrustedRoot.sha256 : undefined);
    const hit = [s.info.tsaCertificateSha256, root].find((fp) => fp && pins.tsaCert!.includes(fp));
    const c = checks.expect(
      'pin.tsa-cert',
      !!hit,
      hit === s.info.tsaCertificateSha256 ? t`TSA "${s.info.tsa}" is the pinned certificate (SHA-256 ${hit})` : t`TSA "${s.info.tsa}" chains to the pinned root (SHA-256 ${hit ?? ''})`,
      root ? t`TSA "${s.info.tsa}" (SHA-256 ${s.info.tsaCertificateSha256}, root ${root}) is not the pinned ${list}` : t`TSA "${s.info.tsa}" (SHA-256 ${s.info.tsaCertificateSha256}) is not the pinned ${list}`,
    );
    if (s.subject !== undefined) c.subject = s.subject;
  }
}

/** A fingerprint list as given (a flag's values, a variable's comma- or space-separated words, a config array): normalised, or bad input naming `where`. */
export function fingerprints(values: readonly string[], where: string): string[] {
  return values
    .flatMap((v) => v.split(/[\s,;]+/))
    .filter(Boolean)
    .map((v) => {
      const fp = normaliseFingerprint(v);
      if (!fp) throw new InputError({ code: 'BAD_ARGUMENT', message: t`${where} ${v}: expected a SHA-256 fingerprint (64 hex digits, colons allowed)` });
      return fp;
    });
}

/** The environment variables of the pins, the same for tsproof and an evidence pack's verify.sh. */
export const PIN_ENV = {
  holderCert: 'TSPROOF_HOLDER_CERT',
  holderSubject: 'TSPROOF_HOLDER_SUBJECT',
  holderIssuer: 'TSPROOF_HOLDER_ISSUER',
  requireCertified: 'TSPROOF_REQUIRE_CERTIFIED',
  tsaCert: 'TSPROOF_TSA_CERT',
} as const satisfies Record<(typeof PIN_KEYS)[number], string>;

function yes(v: string, where: string): boolean {
  if (/^(1|true|yes|on)$/i.test(v.trim())) return true;
  if (/^(0|false|no|off|)$/i.test(v.trim())) return false;
  throw new InputError({ code: 'BAD_ARGUMENT', message: t`${where}=${v}: expected 1 or 0 (true or false)` });
}

/** The pins set in the environment (PIN_ENV); an empty variable is unset. */
export function pinsFromEnv(env: NodeJS.ProcessEnv): Pins {
  const p: Pins = {};
  const get = (k: keyof typeof PIN_ENV) => {
    const v = env[PIN_ENV[k]];
    return v === undefined || v.trim() === '' ? undefined : v;
  };
  const hc = get('holderCert');
  if (hc) p.holderCert = fingerprints([hc], PIN_ENV.holderCert);
  const hs = get('holderSubject');
  if (hs) p.holderSubject = hs;
  const hi = get('holderIssuer');
  if (hi) p.holderIssuer = hi;
  const rc = get('requireCertified');
  if (rc) p.requireCertified = yes(rc, PIN_ENV.requireCertified);
  const tc = get('tsaCert');
  if (tc) p.tsaCert = fingerprints([tc], PIN_ENV.tsaCert);
  return p;
}

/** The problems of a config.json `pins` value (empty when it is well formed). */
export function pinsConfigProblems(v: unknown): Text[] {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return [t`pins: expected an object`];
  const o = v as Record<string, unknown>;
  const problems: Text[] = [];
  for (const k of Object.keys(o)) if (!(PIN_KEYS as readonly string[]).includes(k)) problems.push(t`pins.${k}: unknown pin (expected ${PIN_KEYS.join(', ')})`);
  for (const k of ['holderCert', 'tsaCert'] as const) {
    const x = o[k];
    if (x === undefined) continue;
    const list = typeof x === 'string' ? [x] : Array.isArray(x) && x.every((y) => typeof y === 'string') ? (x as string[]) : undefined;
    if (!list?.every((f) => normaliseFingerprint(f))) problems.push(t`pins.${k}: expected SHA-256 fingerprints (64 hex digits)`);
  }
  for (const k of ['holderSubject', 'holderIssuer'] as const) if (o[k] !== undefined && (typeof o[k] !== 'string' || !(o[k] as string).trim())) problems.push(t`pins.${k}: expected a DN`);
  if (o.requireCertified !== undefined && typeof o.requireCertified !== 'boolean') problems.push(t`pins.requireCertified: expected true or false`);
  return problems;
}

/** Config pins (already checked by pinsConfigProblems), normalised. */
export function pinsFromConfig(v: Record<string, unknown> | undefined): Pins {
  if (!v) return {};
  const p: Pins = {};
  const list = (x: unknown) => (typeof x === 'string' ? [x] : (x as string[]));
  if (v.holderCert !== undefined) p.holderCert = fingerprints(list(v.holderCert), 'pins.holderCert');
  if (typeof v.holderSubject === 'string') p.holderSubject = v.holderSubject;
  if (typeof v.holderIssuer === 'string') p.holderIssuer = v.holderIssuer;
  if (typeof v.requireCertified === 'boolean') p.requireCertified = v.requireCertified;
  if (v.tsaCert !== undefined) p.tsaCert = fingerprints(list(v.tsaCert), 'pins.tsaCert');
  return p;
}

/** Pins from several sources, the first that sets a pin winning for that pin (flags, then environment, then config). */
export function mergePins(...sources: readonly Pins[]): Pins {
  const out: Pins = {};
  for (const k of PIN_KEYS) {
    const v = sources.map((s) => s[k]).find((x) => x !== undefined && !(Array.isArray(x) && x.length === 0));
    if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  }
  return out;
}
