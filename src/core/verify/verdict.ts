/**
 * The verdict in one word, for programs (`reason` in `--json`, docs/json-output.md) and for the
 * plain-language explanations of people's output and reports. Derived from the failed checks
 * alone, in this order — the first that applies:
 *
 *   no-receipt        no receipt was given, found beside the file, or found for its content
 *   invalid-proof     the proof itself does not check out (signature, token, Merkle tree, …)
 *   not-covered       the receipt is valid but does not cover this file
 *   modified          the receipt registers a file of this name, with other content
 *   missing           (verify --dir) a registered file is not in the folder
 *   pin-mismatch      the proof is valid but not made by whom the pins expect
 *   untrusted-anchor  everything checks out except a trust decision this computer has not made
 *   verified          nothing failed
 */
import type { Check } from './checks.js';

export type Reason = 'verified' | 'no-receipt' | 'invalid-proof' | 'not-covered' | 'modified' | 'missing' | 'pin-mismatch' | 'untrusted-anchor';

const FILE_MODIFIED = new Set(['file.digest', 'file.size']);

export function reasonOf(checks: readonly Check[]): Reason {
  const failed = checks.filter((c) => !c.ok);
  if (failed.length === 0) return 'verified';
  if (failed.some((c) => c.id === 'receipt.located')) return 'no-receipt';
  const anchor = (c: Check) => c.cause === 'untrusted-anchor';
  // `file.entry` fails only when the receipt has no proven entries: the proof is at fault.
  if (failed.some((c) => (!c.id.startsWith('file.') || c.id === 'file.entry') && !c.id.startsWith('pin.') && !anchor(c))) return 'invalid-proof';
  if (failed.some((c) => c.id === 'file.covered')) return 'not-covered';
  if (failed.some((c) => FILE_MODIFIED.has(c.id))) return 'modified';
  if (failed.some((c) => c.id === 'file.present')) return 'missing';
  if (failed.some((c) => c.id.startsWith('pin.') && !anchor(c))) return 'pin-mismatch';
  return 'untrusted-anchor';
}
