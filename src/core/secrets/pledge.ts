/**
 * Pledges (서약서): the statement a person signs with their own identity — the pledge document's
 * digest, the secrets it covers, the date — as CMS SignedData with the canonical JSON
 * encapsulated (the format escrow's statements use, so `openssl cms -verify` reads it), and the
 * check of such an acknowledgement against what a record says.
 */
import type { KeyObject } from 'node:crypto';
import { fromBase64Strict } from '../bytes.js';
import { checkSignedDocument, signDocument } from '../escrow/statements.js';
import { canonicalJson, isObject } from '../receipt/manifest.js';
import { t, type Text } from '../text.js';
import type { Certificate } from '../pki/certificate.js';
import { PLEDGE_FORMAT, type FileFingerprint, type Person, type PledgeKind, type PledgeStatement } from './model.js';

/** The sentence of the statement, in both languages (part of what is signed). */
export const PLEDGE_SENTENCE: Record<PledgeKind, string> = {
  joining:
    'I have read the security pledge identified by its SHA-256 below, made on joining, and undertake to keep the listed trade secrets confidential. / 본인은 아래 SHA-256으로 특정되는 입사 보안서약서를 읽었으며, 열거된 영업비밀을 비밀로 유지할 것을 서약합니다.',
  project:
    'I have read the security pledge identified by its SHA-256 below, made on joining the project, and undertake to keep the listed trade secrets confidential. / 본인은 아래 SHA-256으로 특정되는 프로젝트 참여 보안서약서를 읽었으며, 열거된 영업비밀을 비밀로 유지할 것을 서약합니다.',
  leaving:
    'I have read the security pledge identified by its SHA-256 below, made on leaving, and undertake to keep the listed trade secrets confidential and to have returned every copy. / 본인은 아래 SHA-256으로 특정되는 퇴사 보안서약서를 읽었으며, 열거된 영업비밀을 계속 비밀로 유지하고 모든 사본을 반환하였음을 서약합니다.',
};

export function pledgeStatement(o: { person: Person; kind: PledgeKind; date: string; document: FileFingerprint; secrets: readonly string[] }): PledgeStatement {
  return { format: PLEDGE_FORMAT, version: 1, person: o.person, kind: o.kind, date: o.date, document: o.document, secrets: [...o.secrets].sort(), statement: PLEDGE_SENTENCE[o.kind] };
}

/** The person's acknowledgement: their signature over the statement, at `at`. */
export function signPledge(s: PledgeStatement, signer: { key: KeyObject; chain: readonly Certificate[] }, at: Date): Uint8Array {
  return signDocument(s, signer, at);
}

export interface PledgeCheck {
  ok: boolean;
  problems: Text[];
  signer?: Certificate;
  statement?: PledgeStatement;
}

/**
 * An acknowledgement judged: one signer whose signature over the encapsulated statement verifies,
 * a statement in the pledge format, and — when `expected` is given — the same statement.
 */
export function checkAcknowledgement(cms: Uint8Array, expected?: PledgeStatement): PledgeCheck {
  const s = checkSignedDocument(cms, 'pledge');
  const failed = s.checks.filter((c) => c.status === 'fail');
  if (failed.length || !s.document || !s.signer) return { ok: false, problems: failed.length ? failed.map((c) => t`${c.id}: ${c.detail}`) : [t`the acknowledgement is not a signed statement`] };
  const d = s.document;
  if (d.format !== PLEDGE_FORMAT || d.version !== 1 || !isObject(d.person) || !isObject(d.document) || !Array.isArray(d.secrets)) return { ok: false, problems: [t`the signed content is not a tsproof pledge statement`], signer: s.signer };
  const statement = d as unknown as PledgeStatement;
  if (expected && canonicalJson(statement) !== canonicalJson(expected)) return { ok: false, problems: [t`the signed statement is not the pledge recorded (person, kind, date, document or secrets differ)`], signer: s.signer, statement };
  return { ok: true, problems: [], signer: s.signer, statement };
}

export function acknowledgementBytes(b64: string): Uint8Array {
  return fromBase64Strict(b64) ?? new Uint8Array(0);
}
