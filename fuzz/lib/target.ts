/**
 * What a fuzz target is, and the contract every input is judged by: the parser either returns or
 * throws one of tsproof's typed errors (exit 2 or 3 material, a one-line message) — never a
 * TypeError, RangeError, an InternalError (exit 70) or anything else; and verification targets
 * never accept a mutation of signed or hashed bytes (they throw {@link Accepted}).
 */
import type fc from 'fast-check';
import { displaySafe } from '../../dist/core/display.js';
import { InternalError, TsproofError } from '../../dist/core/errors.js';

export interface Target {
  name: string;
  /** What it parses, for docs/testing.md. */
  about: string;
  /** The seed corpus (fuzz/corpus/<name>/, made by fuzz/make-corpus.ts). */
  seeds(): Uint8Array[];
  /** How inputs are made from the seeds: structure-aware mutation plans and generators. */
  inputs(seeds: readonly Uint8Array[]): fc.Arbitrary<Uint8Array>;
  /** Runs one input. Returns normally or throws a typed error; anything else is a finding. */
  run(input: Uint8Array): void | Promise<void>;
  /** Per-input time limit (default 2,000 ms). */
  timeLimitMs?: number;
  /** Set up shared state once (trust anchors, a temporary folder). */
  setup?(): void | Promise<void>;
}

/** A verification target accepted what it must refuse. */
export class Accepted extends Error {
  override name = 'Accepted';
}

/** Undefined when `err` is within the contract; else what is wrong with it. */
export function contractBreach(err: unknown): string | undefined {
  if (err instanceof InternalError) return `InternalError (exit 70) on bad input: ${err.message}`;
  if (err instanceof TsproofError) {
    if (err.message.length === 0) return `${err.name} ${err.code} with an empty message`;
    // As the CLI prints it: every argument through displaySafe (src/cli/output.ts tr()).
    const shown = err.text.render(undefined, displaySafe);
    if (/[\r\n]/.test(shown)) return `${err.name} ${err.code}: message is not one line as printed: ${JSON.stringify(shown.slice(0, 300))}`;
    return undefined;
  }
  if (err instanceof Error) return err.stack || `${err.name}: ${err.message}`;
  return `non-Error thrown: ${String(err)}`;
}

/** The code of a typed error, for the campaign's statistics. */
export function codeOf(err: unknown): string {
  return err instanceof TsproofError ? err.code : 'other';
}

/** Runs `f`, letting the contract's typed errors pass (for targets that try one input several ways). */
export async function tolerate(f: () => unknown): Promise<void> {
  try {
    await f();
  } catch (err) {
    if (contractBreach(err) !== undefined) throw err;
  }
}
