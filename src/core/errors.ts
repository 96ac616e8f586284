/**
 * Typed errors. Every error the core raises carries a string code; the CLI maps the
 * error family to an exit code and prints the message on one line. Messages never
 * contain secrets (keys, passphrases) — callers must not interpolate them.
 */
import { t, verbatim, type Text } from './text.js';

export class TsproofError<C extends string = string> extends Error {
  readonly code: C;
  /** The message as translatable text (`message` is its English rendering). */
  readonly text: Text;
  constructor({ code, message, cause }: { code: C; message: Text; cause?: unknown }) {
    super(message.render(), cause === undefined ? undefined : { cause });
    this.code = code;
    this.text = message;
    this.name = new.target.name;
  }
}

/** Bad input from the user: unreadable files, malformed receipts or keys, wrong passphrase, bad flags. Exit 2. */
export type InputErrorCode =
  | 'FILE_NOT_FOUND'
  | 'FILE_UNREADABLE'
  | 'FILE_CHANGED'
  | 'UNSAFE_PERMISSIONS'
  | 'NO_FILES'
  | 'MALFORMED_ASN1'
  | 'MALFORMED_RECEIPT'
  | 'MALFORMED_CERTIFICATE'
  | 'MALFORMED_KEY'
  | 'MALFORMED_TOKEN'
  | 'UNSUPPORTED_ALGORITHM'
  /** An input beyond a documented limit (docs/limits.md): a file asking for more work or memory than tsproof allows (key-derivation iterations, scrypt memory), or a receipt, token or TSA answer beyond its sizes. */
  | 'LIMIT_EXCEEDED'
  | 'WRONG_PASSPHRASE'
  | 'NO_PASSPHRASE'
  | 'KEY_MISMATCH'
  | 'IDENTITY_NOT_FOUND'
  | 'IDENTITY_EXISTS'
  | 'NO_TSA_CONFIGURED'
  | 'BAD_TSA_URL'
  | 'BAD_CONFIG'
  | 'RECEIPT_NOT_FOUND'
  | 'MALFORMED_DEPOSIT'
  | 'NOT_A_RECIPIENT'
  /** The registry database cannot be read as a tsproof registry (docs/registry.md): rebuild it from the receipts. */
  | 'REGISTRY_CORRUPT'
  /** The registry was written by a newer tsproof (a schema version this one does not know). */
  | 'REGISTRY_TOO_NEW'
  | 'REGISTRATION_NOT_FOUND'
  /** The key agent stopped answering in the middle of a registration. */
  | 'AGENT_FAILED'
  /** The holder's certificate (or a CA above it) was revoked before the proven time (docs/long-term.md). */
  | 'CERTIFICATE_REVOKED'
  /** The organisation registry's database schema is newer than this tsproof, or not yet migrated. */
  | 'SCHEMA_MISMATCH'
  /** The organisation registry refused a request (HTTP 4xx): bad token, role or project, bad input. */
  | 'REGISTRY_REFUSED'
  | 'BAD_ARGUMENT';
export class InputError extends TsproofError<InputErrorCode> {}

/**
 * Input beyond a documented limit (src/core/limits.ts, docs/limits.md), refused before the work
 * it would cost. Exit 2. Code that turns malformed content into a failed check lets it through
 * ({@link rethrowLimit}): a hostile size is bad input, not evidence that failed a check.
 */
export class LimitError extends InputError {
  /** The message already names the file the input came from. */
  readonly named: boolean;
  constructor(message: Text, o: { named?: boolean } = {}) {
    super({ code: 'LIMIT_EXCEEDED', message });
    this.named = o.named ?? false;
  }
}

/** For catch blocks that turn errors into findings: a LimitError goes on up. */
export function rethrowLimit(err: unknown): void {
  if (err instanceof LimitError) throw err;
}

/** Runs `f` (sync or async); a LimitError from it is rethrown with `source` (the file it came from) in front. */
export function withSource<T>(source: string, f: () => T): T {
  const named = (err: unknown): never => {
    if (err instanceof LimitError && !err.named) throw new LimitError(t`${source}: ${err.text}`, { named: true });
    throw err;
  };
  try {
    const r = f();
    return (r instanceof Promise ? r.catch(named) : r) as T;
  } catch (err) {
    return named(err);
  }
}

/** A TSA, network or service failed or answered badly. Exit 3. */
export type TsaErrorCode =
  | 'TSA_UNREACHABLE'
  | 'TSA_TIMEOUT'
  | 'TSA_HTTP_ERROR'
  | 'TSA_BAD_CONTENT_TYPE'
  | 'TSA_RESPONSE_TOO_LARGE'
  | 'TSA_MALFORMED_RESPONSE'
  | 'TSA_REJECTED'
  | 'TSA_INVALID_TOKEN'
  /** A TSA certificate (or a CA above it) was revoked before its token's genTime. */
  | 'TSA_CERTIFICATE_REVOKED'
  /** Fewer distinct TSA operators answered validly than the timestamp policy requires (docs/long-term.md). */
  | 'TSA_POLICY_UNMET'
  /** --require-revocation: no usable OCSP response or CRL for a certificate of the proof. */
  | 'REVOCATION_UNAVAILABLE'
  /** The organisation registry (or its database) could not be reached or failed (HTTP 5xx, bad answer). */
  | 'REGISTRY_UNAVAILABLE';
export class TsaError extends TsproofError<TsaErrorCode> {
  /** Worth trying again (network errors, HTTP 5xx and 429). */
  readonly retriable: boolean;
  constructor(o: { code: TsaErrorCode; message: Text; cause?: unknown; retriable?: boolean }) {
    super(o);
    this.retriable = o.retriable ?? false;
  }
}

/** The registry's storage failed (locked beyond the busy timeout, a disk error). Exit 3. */
export class RegistryError extends TsproofError<'REGISTRY_BUSY' | 'REGISTRY_FAILED'> {}

/** Evidence that does not check out, where a command needed it to (export, certificate). Exit 1. */
export class VerificationError extends TsproofError<'VERIFICATION_FAILED' | 'LOG_INCONSISTENT'> {}

/** Something that should not happen: a bug. Exit 70 with a hint to report it. */
export class InternalError extends TsproofError<'INTERNAL'> {}

export function isTsproofError(err: unknown): err is TsproofError {
  return err instanceof TsproofError;
}

/** The message of any thrown value, for wrapping causes into one-line errors (translatable when it is ours). */
export function messageOf(err: unknown): Text {
  if (err instanceof TsproofError) return err.text;
  if (err instanceof Error) return verbatim(err.message);
  return verbatim(String(err));
}
