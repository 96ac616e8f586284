/** Pieces several commands share: picking and unlocking an identity, loading trust and verification settings, output paths. */
import { InputError } from '../core/errors.js';
import { loadConfig, loadTrust, type Config } from '../core/home.js';
import { fingerprints, hasPins, mergePins, pinsFromConfig, pinsFromEnv, type Pins } from '../core/verify/pins.js';
import { IdentityStore, type IdentityRecord, type UnlockedIdentity } from '../core/identity/store.js';
import type { KeyObject } from 'node:crypto';
import type { TrustAnchor } from '../core/trust.js';
import type { Certificate } from '../core/pki/certificate.js';
import { policyNamed, type VerificationPolicy } from '../core/verify/policy.js';
import type { VerifyContext } from '../core/verify/receipt.js';
import type { CertificateLang } from '../core/export/certificate-pdf.js';
import { exists } from '../core/io/fs.js';
import path from 'node:path';
import { stat } from 'node:fs/promises';
import { getPassphrase } from './passphrase.js';
import { agentInfo, agentSigner, agentSocket } from '../core/agent/agent.js';
import type { CliContext } from './context.js';
import { localeLang, type LangOption } from './i18n.js';
import { t, type Text } from '../core/text.js';
import type { CollectOptions, Excluded } from '../core/io/files.js';
import { note, warn } from './output.js';
import { identityFromEnv, trustFromEnv } from '../core/ci/environment.js';

export async function chooseIdentityName(ctx: CliContext, requested?: string): Promise<string> {
  if (requested) return requested;
  const config = await loadConfig(ctx.home);
  if (config.defaultIdentity) return config.defaultIdentity;
  const all = await new IdentityStore(ctx.home).list();
  if (all.length === 1) return all[0]!.name;
  if (all.length === 0) {
    throw new InputError({ code: 'IDENTITY_NOT_FOUND', message: t`no identity yet: create one with "tsproof identity new --name <your name>" or import one with "tsproof identity import <file>"` });
  }
  throw new InputError({ code: 'BAD_ARGUMENT', message: t`several identities exist (${all.map((i) => i.name).join(', ')}); choose one with --identity` });
}

export async function unlockIdentity(ctx: CliContext, name: string | undefined, passphraseFile?: string): Promise<UnlockedIdentity> {
  const { record, chain, key } = await beginUnlock(ctx, name, passphraseFile);
  return { record, chain, key: await key };
}

/** An identity being unlocked: its key (pending), or — from the key agent — its public key and a signer. */
export interface PendingIdentity {
  record: IdentityRecord;
  chain: Certificate[];
  key: Promise<KeyObject>;
  sign?: (toBeSigned: Uint8Array) => Promise<Uint8Array>;
}

/**
 * Asks for the passphrase now and starts deriving the key (scrypt, on the libuv pool) in the
 * background, so that it overlaps the walk of the folders. A wrong passphrase typed at a prompt is
 * asked again, up to three tries in all. With `agent`, a running key agent that holds this identity
 * signs instead (tsproof agent): no passphrase, no derivation.
 */
export async function beginUnlock(ctx: CliContext, name: string | undefined, passphraseFile?: string, o: { agent?: boolean } = {}): Promise<PendingIdentity> {
  // A CI job's identity, in memory for this command (core/ci/environment.ts); --identity names a stored one instead.
  if (!name) {
    const warnings: Text[] = [];
    const fromEnv = await identityFromEnv(ctx.env, ctx.now(), warnings);
    if (fromEnv) {
      for (const w of warnings) warn(ctx, w);
      return { record: fromEnv.record, chain: fromEnv.chain, key: Promise.resolve(fromEnv.key) };
    }
  }
  const chosen = await chooseIdentityName(ctx, name);
  const store = new IdentityStore(ctx.home);
  const record = await store.record(chosen); // fail fast on an unknown name, before asking for a passphrase
  const chain = await store.chain(chosen);
  if (o.agent) {
    const socket = agentSocket(ctx.home);
    const info = await agentInfo(socket);
    const leaf = chain[0]!;
    if (info?.identities.some((i) => i.name === chosen && i.certificateSha256 === leaf.sha256) && leaf.publicKey) {
      return { record, chain, key: Promise.resolve(leaf.publicKey), sign: agentSigner(socket, chosen, leaf.sha256) };
    }
  }
  const source = { env: 'TSPROOF_PASSPHRASE', ...(passphraseFile ? { file: passphraseFile } : {}), prompt: t`Passphrase for identity "${chosen}": ` };
  const prompted = !passphraseFile && ctx.env.TSPROOF_PASSPHRASE === undefined;
  const first = await getPassphrase(ctx, source);
  const key = (async () => {
    let passphrase = first;
    for (let attempt = 1; ; attempt++) {
      try {
        return (await store.unlock(chosen, passphrase)).key;
      } catch (err) {
        if (!prompted || attempt >= MAX_TRIES || !(err instanceof InputError) || err.code !== 'WRONG_PASSPHRASE') throw err;
        note(ctx, t`wrong passphrase; try again (${attempt + 1} of ${MAX_TRIES})`);
        passphrase = await getPassphrase(ctx, source);
      }
    }
  })();
  key.catch(() => undefined); // observed by the caller; avoid an unhandled-rejection warning meanwhile
  return { record, chain, key };
}

/** Tries at a passphrase prompt before giving up. */
const MAX_TRIES = 3;

/** The trust store, --trust files and the anchors in TSPROOF_TRUST. */
export async function trustAnchors(ctx: CliContext, files: readonly string[] = []): Promise<TrustAnchor[]> {
  return [...(await loadTrust(ctx.home, files, ctx.cwd)), ...trustFromEnv(ctx.env)];
}

/** --policy strict|compatible */
export function policyOption(name: string | undefined): VerificationPolicy {
  const p = policyNamed(name ?? 'strict');
  if (!p) throw new InputError({ code: 'BAD_ARGUMENT', message: t`--policy ${name ?? ''}: expected strict or compatible` });
  return p;
}

/** --at <time>: an ISO 8601 time (a date alone means midnight UTC). */
export function atOption(value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const d = new Date(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(d.getTime())) throw new InputError({ code: 'BAD_ARGUMENT', message: t`--at ${value}: expected an ISO 8601 time, e.g. 2026-03-01T12:00:00Z` });
  return d;
}

/** The pin flags of verify, show and ts verify (verify/pins.ts). */
export interface PinOptions {
  holderCert?: string[];
  holderSubject?: string;
  holderIssuer?: string;
  requireCertified?: boolean;
  /** Fingerprints only (ts verify also takes certificate files here: see tsVerifyCommand). */
  tsaCert?: string[];
}

/** The pins in force: each one from its flag, else its TSPROOF_* variable, else config.json `pins`. */
export function pinSettings(ctx: CliContext, o: PinOptions, config: Config): Pins {
  const flags: Pins = {};
  if (o.holderCert?.length) flags.holderCert = fingerprints(o.holderCert, '--holder-cert');
  if (o.holderSubject !== undefined) flags.holderSubject = o.holderSubject;
  if (o.holderIssuer !== undefined) flags.holderIssuer = o.holderIssuer;
  if (o.requireCertified) flags.requireCertified = true;
  if (o.tsaCert?.length) flags.tsaCert = fingerprints(o.tsaCert, '--tsa-cert');
  for (const [flag, v] of [
    ['--holder-subject', o.holderSubject],
    ['--holder-issuer', o.holderIssuer],
  ] as const) {
    if (v !== undefined && !v.trim()) throw new InputError({ code: 'BAD_ARGUMENT', message: t`${flag}: expected a DN, e.g. "CN=김영희, O=테스트 주식회사, C=KR" (* matches any text)` });
  }
  return mergePins(flags, pinsFromEnv(ctx.env), pinsFromConfig(config.pins));
}

/** What every command that judges receipts uses: trust store + --trust, --policy, --at, pins, and config's accepted TSA policies. */
export async function verifySettings(ctx: CliContext, o: { trust: readonly string[]; policy?: string; at?: string; requireRevocation?: boolean } & PinOptions): Promise<Omit<VerifyContext, 'now'>> {
  const config = await loadConfig(ctx.home);
  const at = atOption(o.at);
  const pins = pinSettings(ctx, o, config);
  return {
    anchors: [],
    trust: await trustAnchors(ctx, o.trust),
    policy: policyOption(o.policy),
    ...(at ? { at } : {}),
    ...(o.requireRevocation ? { requireRevocation: true } : {}),
    ...(config.acceptedPolicies ? { acceptedPolicies: config.acceptedPolicies } : {}),
    ...(hasPins(pins) ? { pins } : {}),
  };
}

/**
 * The language of a PDF: --lang as given (commander has checked it), else both languages
 * under a Korean locale and English under any other (the same locale rule as messages).
 */
export function certificateLang(ctx: CliContext, value: LangOption | undefined): CertificateLang {
  return value ?? (localeLang(ctx.env) === 'ko' ? 'both' : 'en');
}

/** An output path that must not exist yet (evidence is never overwritten unless `force`): its absolute form. */
export async function newOutput(ctx: CliContext, out: string, force = false): Promise<string> {
  const dest = path.resolve(ctx.cwd, out);
  if (await exists(dest)) {
    if (!force) throw new InputError({ code: 'BAD_ARGUMENT', message: t`${out} already exists` });
    if ((await stat(dest)).isDirectory()) throw new InputError({ code: 'BAD_ARGUMENT', message: t`${out} is a folder; give a file name` });
  }
  return dest;
}

/** The walk flags of hash and register (docs/files.md). */
export interface WalkFlags {
  exclude?: string[];
  base?: string;
  includeVcs?: boolean;
  gitignore?: boolean;
}

export function walkOptions(o: WalkFlags): CollectOptions {
  return {
    exclude: o.exclude ?? [],
    ...(o.base !== undefined ? { base: o.base } : {}),
    ...(o.includeVcs ? { includeVcs: true } : {}),
    ...(o.gitignore ? { gitignore: true } : {}),
  };
}

/** One line on stderr naming the version-control folders a walk left out (the others were asked for). */
export function noteVcs(ctx: CliContext, excluded: readonly Excluded[]): void {
  const vcs = excluded.filter((e) => e.kind === 'vcs').map((e) => e.name);
  if (vcs.length === 0) return;
  const shown = vcs.slice(0, 3).join(', ') + (vcs.length > 3 ? ', …' : '');
  note(ctx, vcs.length === 1 ? t`left out version control: ${shown} (--include-vcs keeps it)` : t`left out ${vcs.length} version-control folders: ${shown} (--include-vcs keeps them)`);
}
