/** The DER/BER reader (src/core/asn1/der.ts) and every value accessor, on any bytes. */
import { bitString, boolean, flattenOctets, integer, oid, parse, paddingAfter, string, time, toDer, type Node } from '../../dist/core/asn1/der.js';
import { isTsproofError } from '../../dist/core/errors.js';
import { seeds } from '../lib/corpus.ts';
import { derInputs } from '../lib/inputs.ts';
import type { Target } from '../lib/target.ts';

/** Calls `f`, letting typed errors pass (each accessor refuses what is not its type). */
function tolerate(f: () => unknown): void {
  try {
    f();
  } catch (err) {
    if (!isTsproofError(err)) throw err;
  }
}

function visit(n: Node, budget: { left: number }): void {
  if (budget.left-- <= 0) return;
  void n.raw;
  void n.describe();
  if (n.constructed) {
    for (const k of n.children) visit(k, budget);
    tolerate(() => flattenOctets(n, 'fuzz'));
    return;
  }
  for (const f of [integer, oid, bitString, boolean, string, time]) tolerate(() => f(n, 'fuzz'));
  tolerate(() => toDer(n));
}

export const target: Target = {
  name: 'der',
  about: 'the DER/BER reader and its value accessors (INTEGER, OID, BIT STRING, BOOLEAN, strings, times, constructed OCTET STRINGs)',
  seeds: () => seeds('der'),
  inputs: derInputs,
  run(input) {
    tolerate(() => paddingAfter(input));
    let root: Node;
    try {
      root = parse(input, 'fuzz', { allowTrailing: true });
    } catch (err) {
      if (isTsproofError(err)) return;
      throw err;
    }
    visit(root, { left: 20_000 });
  },
};
