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
-- One append in one statement (one round trip, its own transaction): under the log's advisory
-- lock, refuse a known id, insert the registration and its entries as the next row, and return the
-- rows after the caller's last seen row (all rows when the change counter moved) so that the
-- caller's tree catches up. The lock is held until this statement's transaction commits.
CREATE FUNCTION tsproof_append(p_lock bigint, p_generation bigint, p_after bigint, p_id text, p_project text, p_pushed_at timestamptz,
    p_pushed_by text, p_redacted boolean, p_document bytea, p_document_sha256 text, p_holder text, p_holder_sha256 text,
    p_proven_time timestamptz, p_idx integer[], p_name text[], p_name_sha256 text[], p_size bigint[], p_sha256 text[],
    p_sha384 text[], p_sha512 text[])
  RETURNS TABLE (status text, seq bigint, generation bigint, rows json) LANGUAGE plpgsql AS $$
DECLARE
  g bigint;
  s bigint;
  after bigint := p_after;
BEGIN
  PERFORM pg_advisory_xact_lock(p_lock);
  IF EXISTS (SELECT 1 FROM registrations r WHERE r.id = p_id) THEN
    RETURN QUERY SELECT 'exists'::text, NULL::bigint, NULL::bigint,
      (SELECT json_agg(json_build_object('seq', r.seq, 'id', r.id, 'project', r.project, 'pushed_at', to_char(r.pushed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'redacted', r.redacted, 'document_sha256', r.document_sha256)) FROM registrations r WHERE r.id = p_id);
    RETURN;
  END IF;
  SELECT lg.generation INTO g FROM log_generation lg;
  IF g <> p_generation THEN after := -1; END IF;
  SELECT coalesce(max(r.seq) + 1, 0) INTO s FROM registrations r;
  INSERT INTO registrations (seq, id, project, pushed_at, pushed_by, redacted, document, document_sha256, holder, holder_sha256, proven_time, entry_count)
    VALUES (s, p_id, p_project, p_pushed_at, p_pushed_by, p_redacted, p_document, p_document_sha256, p_holder, p_holder_sha256, p_proven_time, cardinality(p_idx));
  INSERT INTO entries (seq, idx, name, name_sha256, size, sha256, sha384, sha512)
    SELECT s, * FROM unnest(p_idx, p_name, p_name_sha256, p_size, p_sha256, p_sha384, p_sha512);
  RETURN QUERY SELECT 'appended'::text, s, g,
    coalesce((SELECT json_agg(json_build_object('seq', r.seq, 'id', r.id, 'project', r.project, 'pushed_at', to_char(r.pushed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'redacted', r.redacted, 'document_sha256', r.document_sha256) ORDER BY r.seq)
       FROM registrations r WHERE r.seq > after AND r.seq < s), '[]'::json);
END $$;
`,
  },
];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;
