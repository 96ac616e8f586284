/** Pieces several commands share: picking and unlocking an identity, loading trust. */
import { InputError } from '../core/errors.js';
import { loadConfig, loadTrust } from '../core/home.js';
import { IdentityStore, type IdentityRecord, type UnlockedIdentity } from '../core/identity/store.js';
import type { KeyObject } from 'node:crypto';
import type { TrustAnchor } from '../core/trust.js';
import type { Certificate } from '../core/pki/certificate.js';
import { policyNamed, type VerificationPolicy } from '../core/verify/policy.js';
import { getPassphrase } from './passphrase.js';
import type { CliContext } from './context.js';

export async function chooseIdentityName(ctx: CliContext, requested?: string): Promise<string> {
  if (requested) return requested;
  const config = await loadConfig(ctx.home);
  if (config.defaultIdentity) return config.defaultIdentity;
  const all = await new IdentityStore(ctx.home).list();
  if (all.length === 1) return all[0]!.name;
  if (all.length === 0) {
    throw new InputError({ code: 'IDENTITY_NOT_FOUND', message: 'no identity yet: create one with "tsproof identity new --name <your name>" or import one with "tsproof identity import <file>"' });
  }
  throw new InputError({ code: 'BAD_ARGUMENT', message: `several identities exist (${all.map((i) => i.name).join(', ')}); choose one with --identity` });
}

export async function unlockIdentity(ctx: CliContext, name: string | undefined, passphraseFile?: string): Promise<UnlockedIdentity> {
  const { record, chain, key } = await beginUnlock(ctx, name, passphraseFile);
  return { record, chain, key: await key };
}

/**
 * Asks for the passphrase now and starts deriving the key (scrypt, on the libuv pool) in the
 * background, so that it overlaps the hashing of large batches.
 */
export async function beginUnlock(ctx: CliContext, name: string | undefined, passphraseFile?: string): Promise<{ record: IdentityRecord; chain: Certificate[]; key: Promise<KeyObject> }> {
  const chosen = await chooseIdentityName(ctx, name);
  const store = new IdentityStore(ctx.home);
  const record = await store.record(chosen); // fail fast on an unknown name, before asking for a passphrase
  const chain = await store.chain(chosen);
  const passphrase = await getPassphrase(ctx, { env: 'TSPROOF_PASSPHRASE', ...(passphraseFile ? { file: passphraseFile } : {}), prompt: `Passphrase for identity "${chosen}": ` });
  const key = store.unlock(chosen, passphrase).then((u) => u.key);
  key.catch(() => undefined); // observed by the caller; avoid an unhandled-rejection warning meanwhile
  return { record, chain, key };
}

export async function trustAnchors(ctx: CliContext, files: readonly string[] = []): Promise<TrustAnchor[]> {
  return loadTrust(ctx.home, files, ctx.cwd);
}

/** --policy strict|compatible */
export function policyOption(name: string | undefined): VerificationPolicy {
  const p = policyNamed(name ?? 'strict');
  if (!p) throw new InputError({ code: 'BAD_ARGUMENT', message: `--policy ${name}: expected strict or compatible` });
  return p;
}

/** --at <time>: an ISO 8601 time (a date alone means midnight UTC). */
export function atOption(value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const d = new Date(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(d.getTime())) throw new InputError({ code: 'BAD_ARGUMENT', message: `--at ${value}: expected an ISO 8601 time, e.g. 2026-03-01T12:00:00Z` });
  return d;
}
