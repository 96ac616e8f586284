/**
 * A lenient DER/BER tree for structure-aware mutation — independent of src/core/asn1 on purpose:
 * the fuzzer must not share the parser's mistakes. Whatever does not parse as TLVs stays opaque
 * bytes; primitive OCTET STRINGs and BIT STRINGs whose content is itself one DER value are opened
 * (`encapsulated`), so that mutations reach a token's TSTInfo or a certificate's extension values.
 */

export interface TNode {
  /** Identifier octets, as found. */
  id: Uint8Array;
  /** Children, when the content parsed as a sequence of TLVs (constructed, or encapsulated in a primitive). */
  kids?: TNode[];
  /** A BIT STRING's unused-bits octet, when its content is encapsulated. */
  bitPrefix?: number;
  /** Content octets, when not opened. */
  content?: Uint8Array;
  /** A length encoding to write instead of the minimal one (mutations). */
  lengthOverride?: Uint8Array;
  /** Write with indefinite length and end-of-contents. */
  indefinite?: boolean;
}

const MAX_DEPTH = 64;

function readHeader(b: Uint8Array, pos: number, end: number): { id: Uint8Array; constructed: boolean; tag: number; cls: number; len: number; hdrEnd: number } | undefined {
  if (pos >= end) return undefined;
  const start = pos;
  const first = b[pos++]!;
  let tag = first & 0x1f;
  if (tag === 0x1f) {
    tag = 0;
    for (let i = 0; ; i++) {
      if (pos >= end || i > 4) return undefined;
      const c = b[pos++]!;
      tag = tag * 128 + (c & 0x7f);
      if (!(c & 0x80)) break;
    }
  }
  if (pos >= end) return undefined;
  const idEnd = pos;
  const l0 = b[pos++]!;
  let len: number;
  if (l0 < 0x80) len = l0;
  else if (l0 === 0x80)
    return undefined; // indefinite: kept opaque
  else {
    const n = l0 & 0x7f;
    if (n > 4 || pos + n > end) return undefined;
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + b[pos++]!;
  }
  if (pos + len > end) return undefined;
  return { id: b.subarray(start, idEnd), constructed: (first & 0x20) !== 0, tag, cls: first >> 6, len, hdrEnd: pos };
}

function parseSeq(b: Uint8Array, pos: number, end: number, depth: number): TNode[] | undefined {
  const out: TNode[] = [];
  while (pos < end) {
    const n = parseOne(b, pos, end, depth);
    if (!n) return undefined;
    out.push(n.node);
    pos = n.end;
  }
  return out;
}

function parseOne(b: Uint8Array, pos: number, end: number, depth: number): { node: TNode; end: number } | undefined {
  if (depth > MAX_DEPTH) return undefined;
  const h = readHeader(b, pos, end);
  if (!h) return undefined;
  const content = b.subarray(h.hdrEnd, h.hdrEnd + h.len);
  const node: TNode = { id: h.id };
  if (h.constructed) {
    node.kids = h.len === 0 ? [] : parseSeq(b, h.hdrEnd, h.hdrEnd + h.len, depth + 1);
    if (!node.kids) node.content = content;
  } else if (h.cls === 0 && h.tag === 4 && h.len >= 2) {
    const inner = parseOne(content, 0, content.length, depth + 1);
    if (inner && inner.end === content.length) node.kids = [inner.node];
    else node.content = content;
  } else if (h.cls === 0 && h.tag === 3 && h.len >= 3 && content[0] === 0) {
    const inner = parseOne(content, 1, content.length, depth + 1);
    if (inner && inner.end === content.length) {
      node.kids = [inner.node];
      node.bitPrefix = 0;
    } else node.content = content;
  } else node.content = content;
  return { node, end: h.hdrEnd + h.len };
}

/** The tree of `b` when it is one TLV (trailing bytes are kept as a second root). */
export function parseTree(b: Uint8Array): TNode[] | undefined {
  const r = parseOne(b, 0, b.length, 0);
  if (!r) return undefined;
  if (r.end === b.length) return [r.node];
  return [r.node, { id: new Uint8Array(0), content: b.subarray(r.end) }];
}

export function encodeLength(n: number): Uint8Array {
  if (n < 0x80) return Uint8Array.of(n);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Uint8Array.of(0x80 | bytes.length, ...bytes);
}

/** Content length of `n` as written (without its header). */
function bodySize(n: TNode, sizes: Map<TNode, number>): number {
  let b: number;
  if (n.kids) {
    b = n.bitPrefix !== undefined ? 1 : 0;
    for (const k of n.kids) b += fullSize(k, sizes);
  } else b = n.content?.length ?? 0;
  sizes.set(n, b);
  return b;
}

function fullSize(n: TNode, sizes: Map<TNode, number>): number {
  const b = bodySize(n, sizes);
  if (n.id.length === 0) return b;
  if (n.indefinite) return n.id.length + 1 + b + 2;
  return n.id.length + (n.lengthOverride ?? encodeLength(b)).length + b;
}

function write(n: TNode, out: Uint8Array, p: number, sizes: Map<TNode, number>): number {
  const b = sizes.get(n)!;
  if (n.id.length !== 0) {
    out.set(n.id, p);
    p += n.id.length;
    const len = n.indefinite ? Uint8Array.of(0x80) : (n.lengthOverride ?? encodeLength(b));
    out.set(len, p);
    p += len.length;
  }
  if (n.kids) {
    if (n.bitPrefix !== undefined) out[p++] = n.bitPrefix;
    for (const k of n.kids) p = write(k, out, p, sizes);
  } else if (n.content) {
    out.set(n.content, p);
    p += n.content.length;
  }
  if (n.id.length !== 0 && n.indefinite) p += 2;
  return p;
}

export function encodeTree(roots: TNode[]): Uint8Array {
  const sizes = new Map<TNode, number>();
  let total = 0;
  for (const r of roots) total += fullSize(r, sizes);
  const out = new Uint8Array(total);
  let p = 0;
  for (const r of roots) p = write(r, out, p, sizes);
  return out;
}

export function encodeNode(n: TNode): Uint8Array {
  return encodeTree([n]);
}

/** Every node with its parent's list and index, depth-first (the roots' list for top level). */
export function allNodes(roots: TNode[]): { node: TNode; list: TNode[]; index: number; depth: number }[] {
  const out: { node: TNode; list: TNode[]; index: number; depth: number }[] = [];
  const walk = (list: TNode[], depth: number) => {
    list.forEach((node, index) => {
      out.push({ node, list, index, depth });
      if (node.kids) walk(node.kids, depth + 1);
    });
  };
  walk(roots, 0);
  return out;
}

export function cloneTree(n: TNode): TNode {
  return { ...n, kids: n.kids?.map(cloneTree) };
}
