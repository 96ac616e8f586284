/**
 * The organisation registry's PostgreSQL schema (docs/org-registry.md#schema), as numbered
 * migrations. `tsproof registry serve --migrate` applies the missing ones in one transaction under
 * an advisory lock (two servers starting together apply them once); a database whose schema is
 * newer than this tsproof knows is refused, never written.
 */
export const MIGRATIONS: readonly { version: number; sql: string }[] = [
  {
    version: 1,
    sql: `
CREATE TABLE tokens (
  id          text PRIMARY KEY,
  hash        bytea NOT NULL UNIQUE,
  name        text NOT NULL,
  role        text NOT NULL CHECK (role IN ('reader', 'registrar', 'admin')),
  project     text,
  created_at  timestamptz NOT NULL,
  created_by  text NOT NULL,
  revoked_at  timestamptz
);
CREATE TABLE audit (
  id        bigserial PRIMARY KEY,
  at        timestamptz NOT NULL,
  token_id  text,
  action    text NOT NULL,
  project   text,
  target    text,
  status    integer NOT NULL,
  detail    text
);
CREATE INDEX audit_at ON audit (at);
-- One row per accepted registration: the log's leaves, in order (seq = leaf index).
CREATE TABLE registrations (
  seq             bigint PRIMARY KEY CHECK (seq >= 0),
  id              text NOT NULL UNIQUE,
  project         text NOT NULL,
  pushed_at       timestamptz NOT NULL,
  pushed_by       text NOT NULL,
  redacted        boolean NOT NULL,
  document        bytea NOT NULL,
  document_sha256 text NOT NULL,
  holder          text NOT NULL,
  holder_sha256   text NOT NULL,
  proven_time     timestamptz,
  entry_count     integer NOT NULL
);
CREATE INDEX registrations_project ON registrations (project, seq);
CREATE TABLE entries (
  seq         bigint NOT NULL REFERENCES registrations (seq) ON DELETE CASCADE,
  idx         integer NOT NULL,
  name        text,
  name_sha256 text NOT NULL,
  size        bigint NOT NULL,
  sha256      text,
  sha384      text,
  sha512      text,
  PRIMARY KEY (seq, idx)
);
CREATE INDEX entries_sha256 ON entries (sha256);
CREATE INDEX entries_sha384 ON entries (sha384);
CREATE INDEX entries_sha512 ON entries (sha512);
CREATE INDEX entries_name ON entries (name);
CREATE INDEX entries_name_sha256 ON entries (name_sha256);
-- Tree heads timestamped by a TSA (RFC 3161 token over the signed tree head).
CREATE TABLE tree_heads (
  size        bigint PRIMARY KEY,
  root        text NOT NULL,
  timestamp   bigint NOT NULL,
  signature   text NOT NULL,
  tsa_token   bytea NOT NULL,
  stamped_at  timestamptz NOT NULL
);
-- Bumped by any UPDATE, DELETE or TRUNCATE of registrations: running servers then rebuild
-- their tree from the rows instead of serving a cached one (so that edits show at once).
CREATE TABLE log_generation (one boolean PRIMARY KEY DEFAULT true CHECK (one), generation bigint NOT NULL);
INSERT INTO log_generation VALUES (true, 0);
CREATE FUNCTION bump_log_generation() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN UPDATE log_generation SET generation = generation + 1; RETURN NULL; END $$;
CREATE TRIGGER registrations_changed AFTER UPDATE OR DELETE OR TRUNCATE ON registrations
  FOR EACH STATEMENT EXECUTE FUNCTION bump_log_generation();
`,
  },
];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;
