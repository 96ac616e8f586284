/** Exit codes (README "Exit codes", `tsproof --help`). */
import { t } from '../core/text.js';
import { InputError, RegistryError, TsaError, TsproofError, VerificationError } from '../core/errors.js';

export const ExitCode = {
  OK: 0,
  /** Verification failed: a mismatch or an invalid proof. */
  VERIFY_FAILED: 1,
  /** Usage error or bad input (including a malformed TSA URL). */
  USAGE: 2,
  /** A TSA, network or registry service failed or answered badly. */
  SERVICE: 3,
  /** Unexpected internal error (a bug). */
  INTERNAL: 70,
} as const;

export class ExitError extends Error {
  constructor(readonly exitCode: number) {
    super(`exit ${exitCode}`);
  }
}

export function exitCodeOf(err: unknown): number {
  if (err instanceof ExitError) return err.exitCode;
  if (err instanceof VerificationError) return ExitCode.VERIFY_FAILED;
  if (err instanceof InputError) return ExitCode.USAGE;
  if (err instanceof TsaError || err instanceof RegistryError) return ExitCode.SERVICE;
  if (err instanceof TsproofError) return ExitCode.INTERNAL;
  return ExitCode.INTERNAL;
}

export const EXIT_CODE_HELP = t`
Exit codes:
  0   success; everything verified
  1   verification failed (a file differs, or a proof does not check out)
  2   usage error or bad input (unreadable file, malformed receipt, wrong passphrase, bad TSA URL)
  3   a TSA, network or registry service failed or answered badly
  70  unexpected internal error (please report it)`;
