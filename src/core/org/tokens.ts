/**
 * Bearer tokens of the organisation registry: `tsp_<id>_<secret>`, 16 hex characters of id and 43
 * of base64url secret (32 random bytes). Only SHA-256 of the whole token is stored — a token is
 * random, so a fast hash suffices; the id names it in lists, revocations and the audit log.
 */
import { createHash } from 'node:crypto';
import { InputError } from '../errors.js';
import { t } from '../text.js';
import { ROLES, type Role } from './records.js';

const TOKEN = /^tsp_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

export function newToken(random: (n: number) => Uint8Array): { id: string; token: string; hash: Buffer } {
  const id = Buffer.from(random(8)).toString('hex');
  const token = `tsp_${id}_${Buffer.from(random(32)).toString('base64url')}`;
  return { id, token, hash: tokenHash(token) };
}

export function tokenHash(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

export function isTokenShaped(token: string): boolean {
  return TOKEN.test(token);
}

export function roleOption(v: string): Role {
  if (!(ROLES as readonly string[]).includes(v)) throw new InputError({ code: 'BAD_ARGUMENT', message: t`--role ${v}: expected reader, registrar or admin` });
  return v as Role;
}

/** Project names: 1–64 characters, no control characters, no leading or trailing space (the same names as register --project). */
export function checkProject(p: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
  if ([...p].length > 64 || p.length === 0 || p.trim() !== p || /[\u0000-\u001f\u007f-\u009f]/.test(p))
    throw new InputError({ code: 'BAD_ARGUMENT', message: t`project "${p}": use 1 to 64 characters, without control characters or surrounding spaces` });
  return p;
}

/** What each role may do. */
export function allows(role: Role, need: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(need);
}
