/**
 * What the organisation log holds (docs/org-registry.md#the-log). One leaf per accepted
 * registration: the canonical JSON of its log record — registration id, project, when it was
 * pushed, whether names were redacted, and the SHA-256 of the pushed document (the receipt, or its
 * redacted form) — so that any change to a stored row changes the tree.
 */
import { createHash } from 'node:crypto';
import type { HashAlgorithm } from '../crypto/algorithms.js';
import { canonicalJson } from '../receipt/manifest.js';
import { logLeafHash } from './log.js';

export const LOG_RECORD_FORMAT = 'tsproof.org-log-record';

export interface LogRecord {
  id: string;
  project: string;
  /** ISO 8601 with milliseconds, UTC. */
  pushedAt: string;
  redacted: boolean;
  /** SHA-256 (hex) of the pushed document's bytes. */
  documentSha256: string;
}

export function logRecordBytes(r: LogRecord): Buffer {
  return Buffer.from(canonicalJson({ format: LOG_RECORD_FORMAT, version: 1, id: r.id, project: r.project, pushedAt: r.pushedAt, redacted: r.redacted, documentSha256: r.documentSha256 }), 'utf8');
}

export function recordLeaf(r: LogRecord): Buffer {
  return logLeafHash(logRecordBytes(r));
}

export const sha256Hex = (b: Uint8Array | string) => createHash('sha256').update(b).digest('hex');

/** A log record with its row number. */
export interface SeqRecord extends LogRecord {
  seq: number;
}

/** A registration as the server stores and lists it. */
export interface StoredRegistration extends LogRecord {
  /** Row number (the leaf index while nobody tampered with the table). */
  seq: number;
  pushedBy: string;
  holder: string;
  holderSha256: string;
  provenTime: string | null;
  entryCount: number;
}

export interface StoredEntry {
  index: number;
  /** Absent when the registration was pushed with --redact-names. */
  name?: string;
  nameSha256: string;
  size: number;
  digests: Partial<Record<HashAlgorithm, string>>;
}

/** A registration to append (everything but its row number). */
export interface NewRegistration {
  record: LogRecord;
  pushedBy: string;
  holder: string;
  holderSha256: string;
  provenTime: string | null;
  document: Buffer;
  entries: StoredEntry[];
}

export type Role = 'reader' | 'registrar' | 'admin';
export const ROLES: readonly Role[] = ['reader', 'registrar', 'admin'];

export interface TokenInfo {
  id: string;
  name: string;
  role: Role;
  /** Only this project's registrations (null: every project). */
  project: string | null;
  createdAt: string;
  createdBy: string;
  revokedAt: string | null;
}

export interface AuditEntry {
  at: string;
  tokenId: string | null;
  action: string;
  project: string | null;
  target: string | null;
  status: number;
  detail: string | null;
}

export interface StampedHead {
  size: number;
  root: string;
  timestamp: number;
  signature: string;
  tsaToken: string;
}

export interface FindQuery {
  digest?: { algorithm: HashAlgorithm; hex: string };
  name?: string;
  nameSha256?: string;
  /** Only these projects (undefined: all). */
  project?: string;
  limit: number;
}

/** Storage of the organisation registry: PostgreSQL in production (pg-store.ts); an interface so that tests and other engines can stand in. */
export interface OrgStore {
  /** The schema version in the database (0 when empty). */
  schemaVersion(): Promise<number>;
  /** Applies missing migrations; refuses a database newer than this tsproof. */
  migrate(): Promise<{ from: number; to: number }>;
  /** The change counter (bumped by any edit or deletion of registrations) and the log records after row `afterSeq` (all: -1), in order. */
  logRecords(afterSeq: number): Promise<{ generation: number; records: SeqRecord[] }>;
  /**
   * Appends under the log's lock (one writer at a time across every server on the database), in
   * one statement. `after` is the caller's view (its change counter and last row); the answer
   * carries the rows the caller lacks before the new one — all rows when the counter moved — so
   * that it can place the new leaf. A registration whose id is already stored is not appended:
   * its record is returned.
   */
  append(r: NewRegistration, after: { generation: number; seq: number }): Promise<{ appended: true; seq: number; generation: number; before: SeqRecord[] } | { appended: false; existing: LogRecord }>;
  /** At most `limit` log records after row `afterSeq`, in order (for audits, page by page). */
  recordsAfter(afterSeq: number, limit: number): Promise<SeqRecord[]>;
  registration(id: string): Promise<{ registration: StoredRegistration; document: Buffer } | undefined>;
  find(q: FindQuery): Promise<{ registration: StoredRegistration; entries: StoredEntry[] }[]>;
  list(q: { project?: string; limit: number; before?: number }): Promise<StoredRegistration[]>;
  createToken(t: { id: string; hash: Buffer; name: string; role: Role; project: string | null; createdBy: string; at: Date }): Promise<void>;
  tokenByHash(hash: Buffer): Promise<TokenInfo | undefined>;
  listTokens(): Promise<TokenInfo[]>;
  revokeToken(id: string, at: Date): Promise<boolean>;
  audit(e: AuditEntry): Promise<void>;
  auditLog(limit: number): Promise<AuditEntry[]>;
  saveStampedHead(h: StampedHead, at: Date): Promise<void>;
  latestStampedHead(): Promise<(StampedHead & { stampedAt: string }) | undefined>;
  close(): Promise<void>;
}
