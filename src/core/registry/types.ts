/**
 * The registry's records and the storage interface (docs/registry.md). The embedded store
 * (./sqlite.ts, node:sqlite) implements {@link RegistryStore}; an organisation store (PostgreSQL)
 * implements the same records. Everything that changes the registry is also an event in an
 * append-only hash chain (./chain.ts): registrations, retirements, destructions, receipt moves,
 * imports, seals — and event kinds of other capabilities (secret records, escrow events), which
 * append their own kinds with a JSON payload and an optional signature.
 */
import type { HashAlgorithm } from '../crypto/algorithms.js';

export type RegistrationStatus = 'active' | 'retired' | 'destroyed';

/** Free metadata a registration carries in its signed manifest (register --title/--project/--tag/--classification). */
export interface RegistrationMeta {
  title?: string;
  project?: string;
  tags?: Record<string, string>;
  classification?: string;
}

export interface RegistrationRecord extends RegistrationMeta {
  /** The receipt's (= manifest's) id. */
  id: string;
  /** The proven time: earliest genTime among the valid timestamps (ISO 8601). */
  time: string;
  /** Each timestamp's genTime, in the receipt's order. */
  times: string[];
  /** The manifest's creation time (the holder's clock). */
  created: string;
  holder: string;
  holderSha256: string;
  tsas: string[];
  algorithms: HashAlgorithm[];
  /** Where the receipt was written or found (absolute path) and the SHA-256 of its bytes. */
  receipt: string;
  receiptSha256: string;
  /** How many entries the registration has (also after it was destroyed). */
  count: number;
  status: RegistrationStatus;
  /** The reason given to retire or destroy it. */
  reason?: string;
}

/** One registered file (names and digests are removed when the registration is destroyed). */
export interface EntryRecord {
  index: number;
  name: string;
  size: number;
  digests: Partial<Record<HashAlgorithm, string>>;
}

/**
 * A registration's entries column by column, for one bulk insert (SqliteRegistry.putEntriesAhead):
 * entry i is the i-th of each column, its index i.
 */
export interface EntryColumns {
  count: number;
  /** JSON array of the names. */
  names: string;
  /** Each size as 16 decimal digits (ASCII), end to end. */
  sizes: Uint8Array;
  /** Per algorithm recorded, every entry's digest (raw bytes) end to end; absent: not recorded. */
  digests: Partial<Record<HashAlgorithm, Uint8Array>>;
}

/** A registration that covers a digest or name, with the entry that does. */
export interface Coverage {
  registration: RegistrationRecord;
  entry: EntryRecord;
}

export interface RegistryEvent {
  /** 1, 2, 3 … in the order appended. */
  seq: number;
  /** When it was appended (ISO 8601, the appender's clock). */
  time: string;
  /** What happened: `registration`, `retire`, `destroy`, `move`, `import`, `seal`, `migrate`, or another capability's kind (`secret.*`, `escrow.*`). */
  kind: string;
  /** The record it is about (a registration id), when there is one. */
  subject?: string;
  /** The event's content, as stored: canonical JSON text. */
  payload: string;
  /** A signature over the payload (base64 of a CMS SignedData), when the actor signed it. */
  signature?: string;
  /** Hex SHA-256 of the previous event's record (64 zeros for the first). */
  prev: string;
  /** Hex SHA-256 of this event's record (./chain.ts). */
  hash: string;
}

export interface NewEvent {
  kind: string;
  subject?: string;
  payload: Record<string, unknown>;
  signature?: string;
}

export interface RegistrationFilter {
  since?: string;
  until?: string;
  /** Substring of the holder's subject, or the certificate's SHA-256. */
  holder?: string;
  /** Glob (* ? [..]) over entry names: registrations with at least one matching entry. */
  name?: string;
  project?: string;
  /** k=v (or k: the tag is present). */
  tags?: string[];
  status?: RegistrationStatus;
  limit?: number;
}

/**
 * The storage behind the registry. Every method that changes records appends its event in the
 * same transaction, so records and chain never disagree, also after a crash.
 */
export interface RegistryStore {
  readonly location: string;
  /** Records a registration, its entries and its `registration` (or `import`) event; nothing (undefined) when its id is on record already. */
  addRegistration(rec: RegistrationRecord, entries: Iterable<EntryRecord>, event: NewEvent): Promise<RegistryEvent | undefined>;
  registration(id: string): Promise<RegistrationRecord | undefined>;
  /** Registrations whose id starts with `prefix` (at most `limit`). */
  registrationsByPrefix(prefix: string, limit: number): Promise<RegistrationRecord[]>;
  registrations(filter?: RegistrationFilter): Promise<RegistrationRecord[]>;
  entries(id: string): Promise<EntryRecord[]>;
  /** Registrations covering a digest, earliest proven time first. */
  findByDigest(alg: HashAlgorithm, hex: string): Promise<Coverage[]>;
  /** For each digest (hex), the ids (with proven times and status) of the registrations covering it, earliest first: the lean, batched form of findByDigest, for many files. */
  idsByDigests(alg: HashAlgorithm, hexes: readonly string[]): Promise<(readonly { id: string; time: string; status: RegistrationStatus }[])[]>;
  /** For each name, the registrations with an entry of that exact name, as idsByDigests. */
  idsByNames(names: readonly string[]): Promise<(readonly { id: string; time: string; status: RegistrationStatus }[])[]>;
  /** Registrations with an entry of this exact name, earliest first (the versions of one file). */
  findByName(name: string): Promise<Coverage[]>;
  /** Which algorithms any registration recorded. */
  algorithms(): Promise<HashAlgorithm[]>;
  /** The sets of algorithms registrations recorded, each set once. */
  algorithmSets(): Promise<HashAlgorithm[][]>;
  /** Digests ("alg:hex") registered by a holder certificate, for register --changed-only. */
  holderDigests(holderSha256: string): Promise<Set<string>>;
  /** Sets status/reason, moves the receipt or removes entries, with the event, in one transaction. */
  update(id: string, change: { status?: RegistrationStatus; reason?: string; receipt?: string; receiptSha256?: string; dropEntries?: boolean }, event: NewEvent): Promise<RegistryEvent>;
  /** Appends an event of any kind (another capability's records). */
  append(event: NewEvent): Promise<RegistryEvent>;
  events(o?: { kind?: string; subject?: string; afterSeq?: number }): Promise<RegistryEvent[]>;
  head(): Promise<RegistryEvent | undefined>;
  close(): void;
}
