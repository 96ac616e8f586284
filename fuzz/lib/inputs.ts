/** The input generators targets share. */
import fc from 'fast-check';
import { applyPlan, base64DerEdit, derValueArb, jsonEdit, lineEdit, opArb, planArb } from './mutate.ts';

/** DER inputs: mostly mutated seeds (structure-aware and byte-level), some seeds as they are, some generated from nothing. */
export function derInputs(seeds: readonly Uint8Array[]): fc.Arbitrary<Uint8Array> {
  return fc.oneof({ weight: 12, arbitrary: planArb().map((p) => applyPlan(p, seeds)) }, { weight: 1, arbitrary: fc.constantFrom(...seeds) }, { weight: 2, arbitrary: derValueArb }, { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }) });
}

const enc = new TextEncoder();
const dec = (b: Uint8Array) => Buffer.from(b).toString('utf8');

/** JSON documents with base64 DER inside (receipts): JSON edits, DER edits inside a base64 field, and byte edits of the text. */
export function receiptInputs(seeds: readonly Uint8Array[], derSeeds: readonly Uint8Array[]): fc.Arbitrary<Uint8Array> {
  return fc.oneof(
    { weight: 5, arbitrary: fc.tuple(fc.nat(), fc.array(opArb, { minLength: 1, maxLength: 3 })).map(([s, ops]) => enc.encode(ops.reduce((t, op) => jsonEdit(t, op), dec(seeds[s % seeds.length]!)))) },
    { weight: 5, arbitrary: planArb(4).map((p) => enc.encode(base64DerEdit(dec(seeds[p.seed % seeds.length]!), { seed: Math.floor(p.seed / seeds.length), ops: p.ops }, derSeeds))) },
    { weight: 2, arbitrary: planArb(3).map((p) => applyPlan({ ...p, ops: p.ops.map((o) => ({ ...o, kind: 24 + (o.kind % 8) })) }, seeds)) },
    { weight: 1, arbitrary: fc.constantFrom(...seeds) },
  );
}

/** Text files edited line by line with hostile lines, and byte by byte. */
export function textInputs(seeds: readonly Uint8Array[], hostile: readonly string[]): fc.Arbitrary<Uint8Array> {
  return fc.oneof(
    {
      weight: 6,
      arbitrary: fc.tuple(fc.nat(), fc.array(opArb, { minLength: 1, maxLength: 5 })).map(([s, ops]) => enc.encode(ops.reduce((t, op) => lineEdit(t, op, hostile), dec(seeds[s % seeds.length]!)))),
    },
    {
      weight: 2,
      arbitrary: fc.array(fc.oneof(fc.constantFrom(...hostile), fc.string({ unit: 'grapheme', maxLength: 30 }), fc.stringMatching(/^[*?[\]!{}\\/a-c.#-]{0,40}$/)), { maxLength: 8 }).map((lines) => enc.encode(lines.join('\n'))),
    },
    { weight: 1, arbitrary: fc.constantFrom(...seeds) },
  );
}

/**
 * JSON files: JSON edits, byte edits of the text, and (rarely: each costs a megabyte) a seed padded
 * to just over or under the settings-file limit of `limit` bytes.
 */
export function jsonInputs(seeds: readonly Uint8Array[], limit?: number): fc.Arbitrary<Uint8Array> {
  const arbs = [
    { weight: 120, arbitrary: fc.tuple(fc.nat(), fc.array(opArb, { minLength: 1, maxLength: 4 })).map(([s, ops]) => enc.encode(ops.reduce((t, op) => jsonEdit(t, op), dec(seeds[s % seeds.length]!)))) },
    { weight: 40, arbitrary: planArb(3).map((p) => applyPlan({ ...p, ops: p.ops.map((o) => ({ ...o, kind: 24 + (o.kind % 8) })) }, seeds)) },
    { weight: 20, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((v) => enc.encode(JSON.stringify(v))) },
  ];
  if (limit !== undefined)
    arbs.push({
      weight: 1,
      arbitrary: fc.tuple(fc.nat(), fc.integer({ min: -2, max: 2 })).map(([s, d]) => {
        const seed = seeds[s % seeds.length]!;
        const out = new Uint8Array(limit + d).fill(0x20);
        out.set(seed.subarray(0, out.length));
        return out;
      }),
    });
  return fc.oneof(...arbs);
}
