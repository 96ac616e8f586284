/**
 * Mutations, described as data by fast-check arbitraries (so that a failing input shrinks to
 * fewer, smaller edits) and applied to the seed corpus: byte-level edits (flips, interesting
 * bytes, deletions, insertions, splices from other seeds, truncation) and DER-aware edits on the
 * lenient tree of der-tree.ts (tags, long-form and wrong lengths, indefinite lengths, dropped,
 * duplicated, swapped and replaced values, deep nesting), and edits of JSON and text lines.
 */
import fc from 'fast-check';
import { allNodes, cloneTree, encodeTree, parseTree, type TNode } from './der-tree.ts';

export interface Op {
  kind: number;
  a: number;
  b: number;
  c: number;
}

const INTERESTING_BYTES = [0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x0c, 0x13, 0x16, 0x17, 0x18, 0x1e, 0x1f, 0x30, 0x31, 0x3f, 0x7f, 0x80, 0x81, 0x82, 0x83, 0x84, 0x88, 0xa0, 0xa1, 0xa3, 0xbf, 0xff];
const LENGTHS: ((n: number) => Uint8Array)[] = [
  (n) => Uint8Array.of(0x81, n & 0xff), // non-minimal long form (or wrong when n > 255)
  (n) => Uint8Array.of(0x82, (n >> 8) & 0xff, n & 0xff),
  (n) => Uint8Array.of(0x84, 0, 0, (n >> 8) & 0xff, n & 0xff),
  (n) => Uint8Array.of(n + 1 < 0x80 ? n + 1 : 0x7f),
  (n) => Uint8Array.of(n > 0 && n < 0x80 ? n - 1 : 0),
  () => Uint8Array.of(0x84, 0xff, 0xff, 0xff, 0xff),
  () => Uint8Array.of(0x84, 0x7f, 0xff, 0xff, 0xff),
  () => Uint8Array.of(0x88, 0, 0, 0, 0, 0, 0, 0x10, 0),
  () => Uint8Array.of(0x89, 1, 0, 0, 0, 0, 0, 0, 0, 0),
  () => Uint8Array.of(0xff),
  () => Uint8Array.of(0x80),
  () => Uint8Array.of(0x8f, ...new Array(15).fill(0xff)),
];
const enc = (s: string) => new TextEncoder().encode(s);
const CONTENTS: Uint8Array[] = [
  new Uint8Array(0),
  Uint8Array.of(0),
  Uint8Array.of(0x80),
  Uint8Array.of(0xff),
  Uint8Array.of(0, 0),
  Uint8Array.of(0xff, 0x80),
  Uint8Array.of(0x7f, ...new Array(200).fill(0xff)),
  Uint8Array.of(0x80, ...new Array(64).fill(0)),
  Uint8Array.of(0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x10, 0x01, 0x04), // id-ct-TSTInfo
  Uint8Array.of(0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02), // id-signedData
  Uint8Array.of(0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01), // sha256
  Uint8Array.of(0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01),
  Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f),
  enc('99991231235959Z'),
  enc('20261204000000.000000000000000001Z'),
  enc('19500101000000Z'),
  enc('500101000000Z'),
  enc('491231235959Z'),
  enc('20261304256161Z'),
  enc('2026120400000-1Z'),
  enc('20261204000000+0900'),
  enc('20261204000000.Z'),
  enc('20261204000000,5Z'),
  Uint8Array.of(0xc0, 0x80, 0xed, 0xa0, 0x80),
  Uint8Array.of(0xd8, 0x00),
  enc('\u202e\u0000\u001b[31m'),
  new Uint8Array(70_000).fill(0x41),
];

/** One edit, as numbers that shrink toward 0. */
export const opArb: fc.Arbitrary<Op> = fc.record({ kind: fc.nat(31), a: fc.nat(), b: fc.nat(), c: fc.nat() });

export interface Plan {
  seed: number;
  ops: Op[];
}

export const planArb = (maxOps = 6): fc.Arbitrary<Plan> => fc.record({ seed: fc.nat(), ops: fc.array(opArb, { minLength: 1, maxLength: maxOps }) });

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Byte-level edit of `b` (any kind number). */
export function byteEdit(b: Uint8Array, op: Op, other: Uint8Array): Uint8Array {
  const n = b.length;
  const at = n === 0 ? 0 : op.a % n;
  switch (op.kind % 8) {
    case 0: {
      const out = b.slice();
      if (n) out[at] = out[at]! ^ (1 << (op.b % 8));
      return out;
    }
    case 1: {
      const out = b.slice();
      if (n) out[at] = INTERESTING_BYTES[op.b % INTERESTING_BYTES.length]!;
      return out;
    }
    case 2:
      return concat(b.subarray(0, at), b.subarray(Math.min(n, at + 1 + (op.b % 16))));
    case 3:
      return concat(b.subarray(0, at), b.subarray(at, Math.min(n, at + 1 + (op.b % 64))), b.subarray(at));
    case 4: {
      const from = other.length ? op.b % other.length : 0;
      return concat(b.subarray(0, at), other.subarray(from, from + 1 + (op.c % 256)), b.subarray(Math.min(n, at + (op.c % 8))));
    }
    case 5:
      return b.subarray(0, at);
    case 6: {
      const out = b.slice();
      const v = op.b % 65536;
      if (n > 1) {
        out[at] = v >> 8;
        out[(at + 1) % n] = v & 0xff;
      }
      return out;
    }
    default:
      return concat(b.subarray(0, at), Uint8Array.of(INTERESTING_BYTES[op.b % INTERESTING_BYTES.length]!), b.subarray(at));
  }
}

function deep(levels: number, inner: Uint8Array, indefinite: boolean): Uint8Array {
  if (indefinite) {
    const open = new Uint8Array(levels * 2);
    for (let i = 0; i < levels; i++) open.set([0x30, 0x80], i * 2);
    return concat(open, inner, new Uint8Array(levels * 2));
  }
  // Lengths from the inside out, then written from the outside in (one copy of `inner`).
  const lengths = [inner.length];
  for (let i = 0; i < levels; i++) lengths.push(1 + lengthOf(lengths[i]!).length + lengths[i]!);
  const out = new Uint8Array(lengths[levels]!);
  let p = 0;
  for (let i = levels - 1; i >= 0; i--) {
    out[p++] = 0x30;
    const l = lengthOf(lengths[i]!);
    out.set(l, p);
    p += l.length;
  }
  out.set(inner, p);
  return out;
}

function lengthOf(n: number): Uint8Array {
  if (n < 0x80) return Uint8Array.of(n);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Uint8Array.of(0x80 | bytes.length, ...bytes);
}

/** DER-aware edit of the tree (in place); false when it has no node to edit. */
function treeEdit(roots: TNode[], op: Op, other: () => TNode[] | undefined): boolean {
  const nodes = allNodes(roots);
  if (nodes.length === 0) return false;
  const pick = nodes[op.a % nodes.length]!;
  const { node, list, index } = pick;
  if (node.id.length === 0) return false;
  switch (op.kind % 12) {
    case 0: {
      // a different tag: another universal type, a context tag, constructed bit flipped
      const id = node.id.slice();
      const choice = op.b % 4;
      if (choice === 0) id[0] = (id[0]! & 0xe0) | (op.c % 31);
      else if (choice === 1) id[0] = 0xa0 | (op.c % 8);
      else if (choice === 2) id[0] = id[0]! ^ 0x20;
      else id[0] = INTERESTING_BYTES[op.c % INTERESTING_BYTES.length]!;
      node.id = id;
      return true;
    }
    case 1: {
      const body = encodeTree([{ ...node, lengthOverride: undefined, indefinite: false, id: new Uint8Array(0) }]).length;
      node.lengthOverride = LENGTHS[op.b % LENGTHS.length]!(body);
      return true;
    }
    case 2:
      node.indefinite = true;
      return true;
    case 3:
      list.splice(index, 1);
      return true;
    case 4:
      list.splice(index, 0, ...new Array(1 + (op.b % 3)).fill(0).map(() => cloneTree(node)));
      return true;
    case 5: {
      if (list.length < 2) return false;
      const j = op.b % list.length;
      [list[index], list[j]] = [list[j]!, list[index]!];
      return true;
    }
    case 6:
      node.kids = undefined;
      node.bitPrefix = undefined;
      node.content = CONTENTS[op.b % CONTENTS.length]!;
      return true;
    case 7: {
      // wrap in nesting: a few levels, or far beyond any sane depth
      const levels = op.b % 3 === 0 ? 1 + (op.c % 4) : 50 + (op.c % 2000);
      list[index] = { id: new Uint8Array(0), content: deep(levels, encodeTree([node]), op.b % 2 === 1) };
      return true;
    }
    case 8: {
      // a value from another seed in its place (a certificate where a name goes, …)
      const o = other();
      const donors = o ? allNodes(o) : nodes;
      const d = donors[op.b % donors.length]!.node;
      list[index] = cloneTree(d);
      return true;
    }
    case 9: {
      if (node.content) {
        const c = node.content.slice();
        if (c.length) c[op.b % c.length] = c[op.b % c.length]! ^ (1 << (op.c % 8));
        node.content = c;
      } else if (node.kids) node.kids.push({ id: Uint8Array.of(INTERESTING_BYTES[op.b % INTERESTING_BYTES.length]!), content: CONTENTS[op.c % CONTENTS.length]! });
      return true;
    }
    case 10: {
      // an INTEGER made huge, negative or non-minimal
      const forms = [Uint8Array.of(0xff), Uint8Array.of(0x80), Uint8Array.of(0, 0, 1), new Uint8Array(1 + (op.c % 3000)).fill(0x7f), Uint8Array.of(0x00, 0x80), new Uint8Array(0)];
      node.kids = undefined;
      node.content = forms[op.b % forms.length]!;
      return true;
    }
    default:
      if (node.kids && node.kids.length > 1) node.kids.reverse();
      else node.id = Uint8Array.of(node.id[0]! | 0x1f, 0x81, 0x80, 0x80, 0x80, 0x00);
      return true;
  }
}

/**
 * Applies a plan to a seed: DER-aware edits while the bytes still parse as a tree, byte edits
 * otherwise (and for kinds 24–31).
 */
export function applyPlan(plan: Plan, seeds: readonly Uint8Array[]): Uint8Array {
  let b = seeds[plan.seed % seeds.length]!;
  for (const op of plan.ops) {
    const other = seeds[(op.c + plan.seed) % seeds.length]!;
    if (op.kind >= 24) {
      b = byteEdit(b, op, other);
      continue;
    }
    const roots = parseTree(b);
    if (!roots) {
      b = byteEdit(b, op, other);
      continue;
    }
    if (treeEdit(roots, op, () => parseTree(other))) b = encodeTree(roots);
    else b = byteEdit(b, op, other);
  }
  return b;
}

/** Random DER values from nothing: the structure-aware generator (fast-check letrec). */
export const derValueArb: fc.Arbitrary<Uint8Array> = fc.letrec<{ v: Uint8Array }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc
      .tuple(fc.constantFrom(0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x0c, 0x13, 0x16, 0x17, 0x18, 0x1e, 0x80, 0x81, 0x82, 0x86, 0x88), fc.oneof(fc.uint8Array({ maxLength: 40 }), fc.constantFrom(...CONTENTS.slice(0, 26))))
      .map(([id, c]) => concat(Uint8Array.of(id), lengthOf(c.length), c)),
    fc.tuple(fc.constantFrom(0x30, 0x31, 0xa0, 0xa1, 0xa2, 0xa3, 0x24, 0x23), fc.array(tie('v'), { maxLength: 5 })).map(([id, kids]) => {
      const c = concat(...kids);
      return concat(Uint8Array.of(id), lengthOf(c.length), c);
    }),
  ),
})).v;

const LONG = 'x'.repeat(70_000);
const NEST = '\u0000tsproof-fuzz-nest\u0000';

/** A JSON document with one value changed, dropped, duplicated or retyped (path chosen by the numbers). */
export function jsonEdit(text: string, op: Op): string {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return text;
  }
  const slots: { parent: Record<string, unknown> | unknown[]; key: string | number }[] = [];
  const walk = (v: unknown) => {
    if (slots.length > 5000) return;
    if (Array.isArray(v)) v.forEach((x, i) => (slots.push({ parent: v, key: i }), walk(x)));
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) slots.push({ parent: v as Record<string, unknown>, key: k }), walk(x);
  };
  walk(doc);
  if (slots.length === 0) return text;
  const s = slots[op.a % slots.length]!;
  const cur = (s.parent as Record<string | number, unknown>)[s.key];
  const values: unknown[] = [
    null,
    true,
    0,
    -1,
    1.5,
    1e308,
    -0,
    2 ** 53 + 1,
    '',
    ' ',
    '..',
    '../../etc/passwd',
    '/abs',
    'a\u0000b',
    '\u202e',
    LONG,
    [],
    {},
    [cur, cur],
    { '': cur },
    { constructor: 1 },
    { __proto__: 1 },
    'AAAA',
    '!!!',
    'zz==',
    String(cur).slice(1),
    `${String(cur)}=`,
    typeof cur === 'string' ? cur.toUpperCase() : cur,
    typeof cur === 'number' ? cur + 1 : cur,
    typeof cur === 'string' ? `${cur}${cur}` : cur,
    '1970-01-01T00:00:00Z',
    '9999-12-31T23:59:59.999Z',
    'sha1',
    'md5',
    'sha256',
    'Z',
  ];
  const choice = op.b % 40;
  if (choice < values.length) (s.parent as Record<string | number, unknown>)[s.key] = values[choice];
  else if (choice === 36) {
    if (Array.isArray(s.parent)) s.parent.splice(Number(s.key), 1);
    else delete s.parent[s.key as string];
  } else if (choice === 37) {
    // Nesting written as text: thousands of levels built and stringified as values cost milliseconds.
    const depth = 50 + (op.c % 5000);
    (s.parent as Record<string | number, unknown>)[s.key] = NEST;
    return JSON.stringify(doc).replace(JSON.stringify(NEST), () => `${'['.repeat(depth)}${JSON.stringify(cur) ?? 'null'}${']'.repeat(depth)}`);
  } else if (choice === 38 && !Array.isArray(s.parent)) {
    // a duplicate member, which JSON.stringify cannot write: edit the text instead
    const out = JSON.stringify(doc);
    const key = JSON.stringify(s.key);
    const i = out.indexOf(`${key}:`);
    return i < 0 ? out : `${out.slice(0, i)}${key}:${JSON.stringify(values[op.c % values.length]) ?? 'null'},${out.slice(i)}`;
  } else if (typeof cur === 'string') (s.parent as Record<string | number, unknown>)[s.key] = Buffer.from(byteEdit(Buffer.from(cur, 'utf8'), { ...op, kind: op.c }, new Uint8Array(0))).toString('utf8');
  // Indented only when small and shallow: 5,000 levels of nesting indented would be a 50 MB input
  // (the square of the depth), so deep documents stay compact.
  const compact = JSON.stringify(doc);
  return compact.length < 100_000 && op.c % 2 && shallow(doc, 64) ? JSON.stringify(doc, null, 2) : compact;
}

/** True when `v` nests no deeper than `limit` levels. */
function shallow(v: unknown, limit: number): boolean {
  if (limit < 0) return false;
  if (Array.isArray(v)) return v.every((x) => shallow(x, limit - 1));
  if (v && typeof v === 'object') return Object.values(v).every((x) => shallow(x, limit - 1));
  return true;
}

/** A base64 field's DER mutated in place (for receipts: the manifest, signature, tokens, certificates). */
export function base64DerEdit(text: string, plan: Plan, seeds: readonly Uint8Array[]): string {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return text;
  }
  const slots: { parent: Record<string | number, unknown>; key: string | number; value: string }[] = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach((x, i) => (typeof x === 'string' && x.length > 40 ? slots.push({ parent: v as unknown as Record<number, unknown>, key: i, value: x }) : walk(x)));
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) typeof x === 'string' && x.length > 40 ? slots.push({ parent: v as Record<string, unknown>, key: k, value: x }) : walk(x);
  };
  walk(doc);
  if (slots.length === 0) return text;
  const s = slots[plan.seed % slots.length]!;
  const bytes = Buffer.from(s.value, 'base64');
  s.parent[s.key] = Buffer.from(applyPlan({ seed: 0, ops: plan.ops }, [bytes, ...seeds])).toString('base64');
  return JSON.stringify(doc, null, 2);
}

/** Line-level edits of a text file (.tsproofignore, PEM): lines dropped, repeated, swapped, or replaced by hostile ones. */
export function lineEdit(text: string, op: Op, hostile: readonly string[]): string {
  const lines = text.split('\n');
  const at = op.a % (lines.length + 1);
  switch (op.kind % 5) {
    case 0:
      lines.splice(at, 0, hostile[op.b % hostile.length]!);
      break;
    case 1:
      lines.splice(at, 1);
      break;
    case 2:
      lines.splice(at, 0, ...new Array(1 + (op.b % 50)).fill(lines[op.c % lines.length] ?? ''));
      break;
    case 3:
      lines[at] = (lines[at] ?? '') + hostile[op.b % hostile.length]!;
      break;
    default:
      return Buffer.from(byteEdit(Buffer.from(text, 'utf8'), { ...op, kind: op.b }, Buffer.from(hostile[op.c % hostile.length]!))).toString('utf8');
  }
  return lines.join('\n');
}
