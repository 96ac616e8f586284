/**
 * Secrecy-measure records (비밀관리 기록, docs/secrets.md): the record types, their canonical
 * encoding, and the classification scale. Every change to a secret is an event; the events one
 * command writes are registered together — each event's canonical JSON is an entry of one
 * registration (one signature by the recorder, one timestamp per TSA) — so a record is proven the
 * way a file is. Events of one secret form a chain: each names the SHA-256 of the previous one.
 */
import { createHash } from 'node:crypto';
import { InputError } from '../errors.js';
import { canonicalJson, isObject } from '../receipt/manifest.js';
import { t } from '../text.js';

export const EVENT_FORMAT = 'tsproof.secret.event';
export const PLEDGE_FORMAT = 'tsproof.secret.pledge';

export type EventType = 'created' | 'edited' | 'attached' | 'granted' | 'revoked' | 'pledged' | 'handled' | 'retired';
export const EVENT_TYPES: readonly EventType[] = ['created', 'edited', 'attached', 'granted', 'revoked', 'pledged', 'handled', 'retired'];

export type HandlingAction = 'viewed' | 'copied' | 'taken-out' | 'lent' | 'returned' | 'destroyed';
export const HANDLING_ACTIONS: readonly HandlingAction[] = ['viewed', 'copied', 'taken-out', 'lent', 'returned', 'destroyed'];

export type PledgeKind = 'joining' | 'project' | 'leaving';
export const PLEDGE_KINDS: readonly PledgeKind[] = ['joining', 'project', 'leaving'];

/** A person as the records name them: by employee id when one is given, else by name. */
export interface Person {
  name: string;
  employeeId?: string;
}

/** A file fingerprinted into a record (a pledge form, its scan, an NDA): never its content. */
export interface FileFingerprint {
  name: string;
  size: number;
  sha256: string;
}

/**
 * A registration a secret covers, as verified when it was recorded: its id, the SHA-256 of the
 * receipt file, the proven time, the holder, the Merkle root, and the covered entries' digests.
 */
export interface Coverage {
  registration: string;
  receiptSha256: string;
  provenTime: string;
  holder: { subject: string; certificateSha256: string };
  algorithm: string;
  merkleRoot: string;
  /** How many files the registration holds. */
  files: number;
  /** The covered entries (all of them when none were chosen and there are at most 1,000). */
  entries: { name: string; size: number; digest: string }[];
}

export interface SecretFields {
  title: string;
  description?: string;
  /** A level id of the scale (e.g. `top-secret`). */
  level: string;
  department?: string;
  custodian?: string;
  /** Next review date, YYYY-MM-DD. */
  review?: string;
}

export const EDITABLE_FIELDS = ['title', 'description', 'level', 'department', 'custodian', 'review'] as const;
export type EditableField = (typeof EDITABLE_FIELDS)[number];

/** The pledge statement a person signs (CMS SignedData, the canonical JSON encapsulated). */
export interface PledgeStatement {
  format: typeof PLEDGE_FORMAT;
  version: 1;
  person: Person;
  kind: PledgeKind;
  /** YYYY-MM-DD */
  date: string;
  document: FileFingerprint;
  secrets: string[];
  statement: string;
}

export type EventData =
  | { type: 'created'; secret: SecretFields; covers: Coverage[] }
  | { type: 'edited'; changes: Partial<Record<EditableField, { from: string | null; to: string | null }>>; reason?: string }
  | { type: 'attached'; coverage: Coverage; note?: string }
  | { type: 'granted'; grant: string; person: Person; role?: string; since: string; until?: string; certificateSha256?: string; certificateSubject?: string }
  | { type: 'revoked'; grants: string[]; person: Person; date: string; reason?: string; left?: boolean }
  | {
      type: 'pledged';
      pledge: string;
      person: Person;
      kind: PledgeKind;
      date: string;
      document: FileFingerprint;
      /** `signed`: the person's CMS acknowledgement is here; `paper`: a signed paper pledge, registered by its scan. */
      form: 'signed' | 'paper';
      acknowledgement?: string;
      signer?: { subject: string; certificateSha256: string };
      scan?: FileFingerprint;
    }
  | { type: 'handled'; action: HandlingAction; person: Person; date: string; note?: string; partner?: string; nda?: FileFingerprint }
  | { type: 'retired'; reason: string };

export interface SecretEvent {
  format: typeof EVENT_FORMAT;
  version: 1;
  id: string;
  secret: string;
  /** 1-based position in the secret's chain. */
  seq: number;
  /** SHA-256 (hex) of the previous event of this secret, null for the first. */
  prev: string | null;
  /** The recorder's clock (the registration's timestamp is the proven time). */
  time: string;
  data: EventData;
}

/** The bytes that are registered: the canonical JSON of the event, UTF-8. */
export function eventBytes(e: SecretEvent): Buffer {
  return Buffer.from(canonicalJson(e), 'utf8');
}

export function eventHash(e: SecretEvent): string {
  return createHash('sha256').update(eventBytes(e)).digest('hex');
}

/** The entry name of an event in its registration: `<secret>/<seq>-<type>.json`. */
export function entryName(e: Pick<SecretEvent, 'secret' | 'seq' | 'data'>): string {
  return `${e.secret}/${String(e.seq).padStart(6, '0')}-${e.data.type}.json`;
}

export function sha256Hex(b: Uint8Array | string): string {
  return createHash('sha256').update(b).digest('hex');
}

/** A secret id: letters, digits, dot, dash, underscore; 1 to 64 characters, not starting with a dot. */
export function checkSecretId(id: string): string {
  if (!/^[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}$/.test(id)) throw new InputError({ code: 'BAD_ARGUMENT', message: t`secret id "${id}": use 1 to 64 letters, digits, ".", "-" or "_"` });
  return id;
}

/** YYYY-MM-DD, a real date. */
export function checkDate(value: string, flag: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const d = m ? new Date(`${value}T00:00:00Z`) : undefined;
  if (!m || !d || Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== value) throw new InputError({ code: 'BAD_ARGUMENT', message: t`${flag} ${value}: expected a date as YYYY-MM-DD` });
  return value;
}

export const today = (now: Date) => now.toISOString().slice(0, 10);

/** Same person: by employee id when both have one, else by name. */
export function samePerson(a: Person, b: Person): boolean {
  if (a.employeeId && b.employeeId) return a.employeeId === b.employeeId;
  return a.name === b.name;
}

export function personKey(p: Person): string {
  return p.employeeId ? `id:${p.employeeId}` : `name:${p.name}`;
}

/** A level of the classification scale: an id and its Korean and English names. */
export interface Level {
  id: string;
  ko: string;
  en: string;
}

/** The default scale: 극비 / 대외비 / 사내한정 (top secret / confidential / internal), highest first. */
export const DEFAULT_LEVELS: readonly Level[] = [
  { id: 'top-secret', ko: '극비', en: 'Top secret' },
  { id: 'confidential', ko: '대외비', en: 'Confidential' },
  { id: 'internal', ko: '사내한정', en: 'Internal' },
];

/** The scale from config.json `secrets.levels` (an array of {id, ko, en}), else the default. */
export function levelsFromConfig(config: unknown, file: string): Level[] {
  const s = isObject(config) ? config.secrets : undefined;
  if (s === undefined) return [...DEFAULT_LEVELS];
  const levels = isObject(s) ? s.levels : undefined;
  if (levels === undefined) return [...DEFAULT_LEVELS];
  const ok =
    Array.isArray(levels) &&
    levels.length > 0 &&
    levels.every((l) => isObject(l) && typeof l.id === 'string' && /^[A-Za-z0-9_-]{1,32}$/.test(l.id) && typeof l.ko === 'string' && typeof l.en === 'string') &&
    new Set(levels.map((l) => (l as Level).id)).size === levels.length;
  if (!ok) throw new InputError({ code: 'BAD_CONFIG', message: t`${file}: secrets.levels: expected an array of {"id", "ko", "en"} with distinct ids` });
  return (levels as Level[]).map((l) => ({ id: l.id, ko: l.ko, en: l.en }));
}

/** A level given by id or by its Korean or English name (case-insensitive). */
export function resolveLevel(levels: readonly Level[], given: string): Level {
  const g = given.trim().toLowerCase();
  const l = levels.find((x) => x.id.toLowerCase() === g || x.ko === given.trim() || x.en.toLowerCase() === g);
  if (!l) throw new InputError({ code: 'BAD_ARGUMENT', message: t`--level ${given}: expected one of ${levels.map((x) => `${x.id} (${x.ko})`).join(', ')}` });
  return l;
}
