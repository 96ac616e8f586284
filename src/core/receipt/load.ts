/**
 * Reading a receipt within limits (docs/limits.md).
 *
 * Why not `JSON.parse` of the whole file: a receipt is untrusted, and JSON.parse builds every
 * value before anything can be checked — 64 MB of `[0,0,0,…]` became 32 million problems and a
 * V8 out-of-memory abort, and a legitimate 1,000,000-entry receipt needed its 220 MB of text as
 * one string beside its objects. Instead the file is read in chunks and scanned: the top-level
 * members are cut out and parsed one by one, each within its own size limit, and the elements
 * of the large arrays (`entries`, `timestamps`) are parsed in batches of about a megabyte and
 * checked as they come, so that a receipt beyond a limit is refused as soon as the limit is
 * passed and memory follows the entries kept, not the shape of the text.
 *
 * The scanner only finds where each value ends (strings, nesting); `JSON.parse` of each piece
 * judges the grammar, so what is accepted is exactly JSON — and strict JSON: no object, the
 * top level included, may name a key twice (./strict-json.ts).
 */
import type { Hash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { getHeapStatistics } from 'node:v8';
import { InputError, LimitError } from '../errors.js';
import { base64Length, formatBytes, LIMITS, type Limits } from '../limits.js';
import { isObject } from './manifest.js';
import { DuplicateKeyError, parseStrictJson } from './strict-json.js';
import { entryShapeProblems, revocationShapeProblems, RECEIPT_FIELDS, receiptHeadProblems, type Receipt } from './receipt.js';
import { joinTexts, t, verbatim, type Text } from '../text.js';

const CHUNK = 1 << 20;
/**
 * Heap a receipt's entries take per byte of their JSON text, with what verification adds
 * (measured: the objects of a 222 MB, 1,000,000-entry receipt take 1.34 bytes per byte, and
 * it verifies with a 384 MB heap, not with 320 MB).
 */
const HEAP_PER_BYTE = 1.7;
/** Every refusal here starts with the receipt's name. */
const NAMED = { named: true };
/** Elements parsed together (one JSON.parse per batch is far cheaper than one per element). */
const BATCH = 1 << 20;
const MAX_KEY = 256;

/** Problems kept for the message (all are counted); reading stops after MAX_PROBLEMS. */
const SHOWN_PROBLEMS = 5;
const MAX_PROBLEMS = 100;

interface ArraySpec {
  /** Largest element, as JSON text. */
  elementBytes: number;
  /** Most elements. */
  count: number;
  /** Checks one parsed element (limits throw; shape problems are returned). */
  check: (value: unknown, index: number, what: string) => readonly Text[];
}

/**
 * Members whose array elements are read one batch at a time, with their limits. A Map: a
 * member named "constructor" or "toString" must not find something inherited.
 */
function streamed(l: Limits): ReadonlyMap<string, ArraySpec> {
  return new Map([
    ['entries', { elementBytes: l.entryBytes, count: l.receiptEntries, check: (e: unknown, i: number, what: string) => checkEntry(e, i, what, l) }],
    [
      'timestamps',
      {
        elementBytes: base64Length(l.tokenBytes) + l.timestampCertificates * base64Length(l.certificateBytes) + 64 * 1024,
        count: l.timestamps,
        check: (ts: unknown, i: number, what: string) => checkTimestamp(ts, i, what, l),
      },
    ],
    [
      'renewals',
      {
        elementBytes: base64Length(l.tokenBytes) + l.timestampCertificates * base64Length(l.certificateBytes) + 64 * 1024,
        count: l.renewals,
        check: (ts: unknown, i: number, what: string) => checkTimestamp(ts, i, what, l),
      },
    ],
    ['revocation', { elementBytes: base64Length(l.revocationBytes) + 4 * 1024, count: l.revocationEntries, check: (r: unknown, i: number) => revocationShapeProblems(r, i) }],
  ]);
}

/** Largest JSON text of each other member (quotes included), and the limit as documented (before base64). */
function memberLimit(key: string, l: Limits, specs: ReadonlyMap<string, ArraySpec>): { bytes: number; shown: number } {
  if (key === 'manifest') return { bytes: base64Length(l.manifestBytes) + 2, shown: l.manifestBytes };
  if (key === 'signature') return { bytes: base64Length(l.signatureBytes) + 2, shown: l.signatureBytes };
  const bytes = specs.get(key)?.elementBytes ?? l.otherFieldBytes; // an array member given as something else
  return { bytes, shown: bytes };
}

function checkEntry(e: unknown, i: number, what: string, l: Limits): readonly Text[] {
  if (isObject(e)) {
    if (Array.isArray(e.proof) && e.proof.length > l.proofHashes) {
      throw new LimitError(t`${what}: entries[${i}].proof holds ${e.proof.length} hashes, beyond the limit of ${l.proofHashes}`, NAMED);
    }
  }
  return entryShapeProblems(e, i);
}

function checkTimestamp(ts: unknown, i: number, what: string, l: Limits): readonly Text[] {
  if (isObject(ts)) {
    if (typeof ts.token === 'string' && ts.token.length > base64Length(l.tokenBytes)) {
      throw new LimitError(t`${what}: timestamps[${i}].token is larger than the limit of ${formatBytes(l.tokenBytes)}`, NAMED);
    }
    const certs = ts.certificates;
    if (Array.isArray(certs)) {
      if (certs.length > l.timestampCertificates) throw new LimitError(t`${what}: timestamps[${i}] stores ${certs.length} certificates, beyond the limit of ${l.timestampCertificates}`, NAMED);
      if (certs.some((c) => typeof c === 'string' && c.length > base64Length(l.certificateBytes))) {
        throw new LimitError(t`${what}: timestamps[${i}] stores a certificate larger than the limit of ${formatBytes(l.certificateBytes)}`, NAMED);
      }
    }
  }
  return [];
}

const isWs = (b: number) => b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;

/** Index just after the string whose opening quote is at `i`, or -1 when the buffer ends first. */
function stringEnd(buf: Buffer, i: number): number {
  for (let j = i + 1; ; ) {
    const q = buf.indexOf(0x22, j);
    if (q < 0) return -1;
    let backslashes = 0;
    for (let k = q - 1; k > i && buf[k] === 0x5c; k--) backslashes++;
    if (backslashes % 2 === 0) return q + 1;
    j = q + 1;
  }
}

/**
 * Index just after the JSON value starting at `i` (assuming it is well-formed; JSON.parse
 * judges that), or -1 when the buffer ends first. Nesting deeper than `maxDepth` is refused.
 */
function valueEnd(buf: Buffer, i: number, final: boolean, what: string, maxDepth: number): number {
  const c = buf[i];
  if (c === 0x22) return stringEnd(buf, i);
  if (c === 0x7b || c === 0x5b) {
    let depth = 0;
    for (let j = i; j < buf.length; j++) {
      const b = buf[j]!;
      if (b === 0x22) {
        const e = stringEnd(buf, j);
        if (e < 0) return -1;
        j = e - 1;
      } else if (b === 0x7b || b === 0x5b) {
        if (++depth > maxDepth) throw new LimitError(t`${what}: JSON nested deeper than ${maxDepth} levels`, NAMED);
      } else if (b === 0x7d || b === 0x5d) {
        if (--depth === 0) return j + 1;
      }
    }
    return -1;
  }
  // A number, true, false or null: up to the next delimiter.
  for (let j = i; j < buf.length; j++) {
    const b = buf[j]!;
    if (b === 0x2c || b === 0x5d || b === 0x7d || isWs(b)) return j;
  }
  return final ? buf.length : -1;
}

type Phase = 'start' | 'first-key' | 'key' | 'colon' | 'value' | 'after-value' | 'first-element' | 'element' | 'after-element' | 'done';

/** The scanner's state between chunks. */
class ReceiptReader {
  private buf: Buffer = Buffer.alloc(0);
  private pos = 0;
  private phase: Phase = 'start';
  private key = '';
  private readonly doc: Record<string, unknown> = {};
  private readonly seen = new Set<string>();
  private problems: Text[] = [];
  private problemCount = 0;
  // The streamed array being read.
  private spec: ArraySpec | undefined;
  private items: unknown[] = [];
  private count = 0;
  private batchStart = -1;
  private batchEnd = -1;
  private batchFirst = 0;
  private readonly entryProblems: Text[] = [];
  private entryProblemCount = 0;

  private readonly specs: ReadonlyMap<string, ArraySpec>;

  /** JSON text of the elements kept so far (what the entries' objects grow with). */
  private kept = 0;

  constructor(
    private readonly what: string,
    private readonly limits: Limits,
    /** The JavaScript heap this process may use. */
    private readonly heapBytes: number,
  ) {
    this.specs = streamed(limits);
  }

  private total = 0;

  /** Refuses a receipt whose size is known to be over the limit, before reading it. */
  expectSize(size: number): void {
    if (size > this.limits.receiptBytes) throw this.tooLarge(size);
  }

  feed(chunk: Uint8Array): void {
    this.total += chunk.byteLength;
    this.expectSize(this.total);
    this.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength), false);
  }

  end(): Receipt {
    if (this.total === 0) throw new InputError({ code: 'MALFORMED_RECEIPT', message: t`${this.what}: not a receipt (not valid JSON; empty file)` });
    this.push(Buffer.alloc(0), true);
    return this.finish();
  }

  private tooLarge(size: number): LimitError {
    return new LimitError(t`${this.what}: a receipt of ${formatBytes(size)} is beyond the limit of ${formatBytes(this.limits.receiptBytes)}`, NAMED);
  }

  private push(chunk: Buffer, final: boolean): void {
    this.buf = this.pos < this.buf.length ? Buffer.concat([this.buf.subarray(this.pos), chunk]) : chunk;
    this.pos = 0;
    this.run(final);
  }

  private malformed(): InputError {
    return new InputError({ code: 'MALFORMED_RECEIPT', message: t`${this.what}: not a receipt (not valid JSON; truncated?)` });
  }

  private run(final: boolean): void {
    const buf = this.buf;
    for (;;) {
      while (this.pos < buf.length && isWs(buf[this.pos]!)) this.pos++;
      if (this.pos >= buf.length) {
        if (final && this.phase !== 'done') throw this.malformed();
        this.flushBatch();
        return;
      }
      const c = buf[this.pos]!;
      switch (this.phase) {
        case 'start':
          if (c !== 0x7b) return this.notAnObject(final);
          this.pos++;
          this.phase = 'first-key';
          break;
        case 'first-key':
        case 'key': {
          if (c === 0x7d && this.phase === 'first-key') {
            this.pos++;
            this.phase = 'done';
            break;
          }
          if (c !== 0x22) throw this.malformed();
          const end = stringEnd(buf, this.pos);
          if (end < 0 || end - this.pos > MAX_KEY) {
            if (buf.length - this.pos > MAX_KEY) throw this.malformed();
            if (final) throw this.malformed();
            return;
          }
          this.key = this.parseJson(this.pos, end) as string;
          if (this.seen.has(this.key)) throw this.duplicate(this.key);
          this.seen.add(this.key);
          // Unknown members are counted, not kept (a hostile file may hold millions of them;
          // reading stops at the 100th problem, so `seen` stays small).
          if (!RECEIPT_FIELDS.has(this.key)) this.problem(t`${this.key}: ${t`unexpected field`}`);
          if (this.problemCount + this.entryProblemCount >= MAX_PROBLEMS) this.fail(true);
          this.pos = end;
          this.phase = 'colon';
          break;
        }
        case 'colon':
          if (c !== 0x3a) throw this.malformed();
          this.pos++;
          this.phase = 'value';
          break;
        case 'value': {
          const spec = this.specs.get(this.key);
          if (spec && c === 0x5b) {
            this.pos++;
            this.startArray(spec);
            break;
          }
          const end = this.valueOrWait(memberLimit(this.key, this.limits, this.specs), final, verbatim(this.key));
          if (end < 0) return;
          const value = this.parseJson(this.pos, end);
          if (RECEIPT_FIELDS.has(this.key)) this.doc[this.key] = value;
          this.pos = end;
          this.phase = 'after-value';
          break;
        }
        case 'after-value':
          if (c === 0x2c) this.phase = 'key';
          else if (c === 0x7d) this.phase = 'done';
          else throw this.malformed();
          this.pos++;
          break;
        case 'first-element':
        case 'element': {
          if (c === 0x5d && this.phase === 'first-element') {
            this.pos++;
            this.endArray();
            break;
          }
          const spec = this.spec!;
          const end = this.valueOrWait({ bytes: spec.elementBytes, shown: spec.elementBytes }, final, verbatim(`${this.key}[${this.count}]`));
          if (end < 0) return;
          if (++this.count > spec.count) throw new LimitError(t`${this.what}: more than ${spec.count} ${this.key} (the limit)`, NAMED);
          if (this.batchStart < 0) this.batchStart = this.pos;
          this.batchEnd = end;
          this.pos = end;
          this.phase = 'after-element';
          if (this.batchEnd - this.batchStart >= BATCH) this.flushBatch();
          break;
        }
        case 'after-element':
          if (c === 0x2c) this.phase = 'element';
          else if (c === 0x5d) {
            this.flushBatch();
            this.endArray();
          } else throw this.malformed();
          this.pos++;
          break;
        case 'done':
          throw this.malformed();
      }
    }
  }

  /** End of the value at `pos`, or -1 to wait for more data; refuses a value over `limit.bytes` as soon as it is. */
  private valueOrWait(limit: { bytes: number; shown: number }, final: boolean, label: Text): number {
    const end = valueEnd(this.buf, this.pos, final, this.what, this.limits.jsonDepth);
    const size = (end < 0 ? this.buf.length : end) - this.pos;
    if (size > limit.bytes) throw new LimitError(t`${this.what}: ${label} is larger than the limit of ${formatBytes(limit.shown)}`, NAMED);
    if (end < 0) {
      if (final) throw this.malformed();
      this.flushBatch();
    }
    return end;
  }

  private startArray(spec: ArraySpec): void {
    this.spec = spec;
    this.items = [];
    this.count = 0;
    this.batchFirst = 0;
    this.doc[this.key] = this.items; // in its place among the members, as JSON.parse would put it
    this.phase = 'first-element';
  }

  private endArray(): void {
    this.spec = undefined;
    this.phase = 'after-value';
  }

  /** Parses the pending elements as one JSON array and checks each. */
  private flushBatch(): void {
    if (this.batchStart < 0) return;
    const batch = this.parseJson(this.batchStart, this.batchEnd, true) as unknown[];
    this.kept += this.batchEnd - this.batchStart;
    this.batchStart = -1;
    // A receipt within the limits may still need more memory than this process may use (a
    // small machine, or a small --max-old-space-size): refuse it before V8 aborts.
    if (this.kept * HEAP_PER_BYTE > this.heapBytes * 0.9) {
      const mb = (n: number) => Math.ceil(n / 2 ** 20);
      throw new LimitError(
        t`${this.what}: this receipt needs more memory than this process may use (over ${mb(this.kept * HEAP_PER_BYTE)} MB of ${mb(this.heapBytes)} MB); give Node more, e.g. NODE_OPTIONS=--max-old-space-size=${mb(this.limits.receiptBytes * HEAP_PER_BYTE) + 256}`,
        NAMED,
      );
    }
    const spec = this.spec!;
    for (let k = 0; k < batch.length; k++) {
      const index = this.batchFirst + k;
      const problems = spec.check(batch[k], index, this.what);
      for (const p of problems) {
        if (++this.entryProblemCount <= SHOWN_PROBLEMS) this.entryProblems.push(p);
      }
      this.items.push(batch[k]);
    }
    this.batchFirst += batch.length;
    if (this.entryProblemCount + this.problemCount >= MAX_PROBLEMS) this.fail(true);
  }

  /** A piece of the document, parsed strictly: an object naming a key twice has two readings (./strict-json.ts). */
  private parseJson(from: number, to: number, asArray = false): unknown {
    const text = this.buf.toString('utf8', from, to);
    try {
      return parseStrictJson(asArray ? `[${text}]` : text);
    } catch (err) {
      if (err instanceof DuplicateKeyError) throw this.duplicate(err.key);
      throw this.malformed();
    }
  }

  private duplicate(key: string): InputError {
    return new InputError({ code: 'MALFORMED_RECEIPT', message: t`${this.what}: not a receipt: an object names the key "${key}" twice, so the receipt has more than one reading` });
  }

  private problem(p: Text): void {
    if (++this.problemCount <= SHOWN_PROBLEMS) this.problems.push(p);
  }

  /** The top level is not an object: say what it is when that is cheap to know. */
  private notAnObject(final: boolean): void {
    const notObject = () => new InputError({ code: 'MALFORMED_RECEIPT', message: t`${this.what}: not a valid receipt: ${t`expected a JSON object`}` });
    // Invalid JSON or another JSON value: read a small document to the end to say which.
    if (this.buf.length - this.pos > this.limits.otherFieldBytes) throw notObject();
    if (!final) return;
    this.parseJson(this.pos, this.buf.length);
    throw notObject();
  }

  private fail(stopped: boolean): never {
    const all = [...this.problems, ...this.entryProblems];
    const total = this.problemCount + this.entryProblemCount;
    const shown = joinTexts(all.slice(0, SHOWN_PROBLEMS), '; ');
    const message = stopped
      ? t`${this.what}: not a valid receipt: ${shown} (+${total - SHOWN_PROBLEMS} more; reading stopped)`
      : total > SHOWN_PROBLEMS
        ? t`${this.what}: not a valid receipt: ${shown} (+${total - SHOWN_PROBLEMS} more)`
        : t`${this.what}: not a valid receipt: ${shown}`;
    throw new InputError({ code: 'MALFORMED_RECEIPT', message });
  }

  private finish(): Receipt {
    for (const p of receiptHeadProblems(this.doc)) this.problem(p);
    if (this.problemCount + this.entryProblemCount) this.fail(false);
    return this.doc as unknown as Receipt;
  }
}

export interface ReaderOptions {
  /** Smaller limits (tests). */
  limits?: Limits;
  /** The JavaScript heap the process may use; default V8's limit. */
  heapBytes?: number;
}

/** The heap still free for a receipt: V8's limit less what the process already uses. */
const heapLimit = () => {
  const h = getHeapStatistics();
  return h.heap_size_limit - h.used_heap_size;
};

/** Parses a receipt held in memory (the same reader as for files). */
export function parseReceiptBytes(bytes: Uint8Array, what: string, o: ReaderOptions = {}): Receipt {
  return parseReceiptChunks([bytes], what, o);
}

/** Parses a receipt given in pieces, as a file is read. */
export function parseReceiptChunks(chunks: Iterable<Uint8Array>, what: string, o: ReaderOptions = {}): Receipt {
  const r = new ReceiptReader(what, o.limits ?? LIMITS, o.heapBytes ?? heapLimit());
  for (const c of chunks) r.feed(c);
  return r.end();
}

/**
 * Reads and parses a receipt file a chunk at a time; a file over LIMITS.receiptBytes is refused before
 * reading. `digest`, when given, is fed the bytes read (the SHA-256 of what was examined).
 */
export async function loadReceiptFile(file: string, what = file, digest?: Hash): Promise<Receipt> {
  const cannotRead = () => new InputError({ code: 'RECEIPT_NOT_FOUND', message: t`${file}: cannot read receipt` });
  const fh = await open(file, 'r').catch(() => {
    throw cannotRead();
  });
  try {
    const r = new ReceiptReader(what, LIMITS, heapLimit());
    r.expectSize((await fh.stat()).size);
    for (;;) {
      const chunk = Buffer.allocUnsafe(CHUNK);
      const { bytesRead } = await fh.read(chunk, 0, CHUNK, null).catch(() => {
        throw cannotRead();
      });
      if (bytesRead === 0) return r.end();
      digest?.update(chunk.subarray(0, bytesRead));
      r.feed(chunk.subarray(0, bytesRead));
    }
  } finally {
    await fh.close();
  }
}
