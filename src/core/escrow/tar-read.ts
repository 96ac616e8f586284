/**
 * A streaming tar reader: bytes are pushed in as they are decrypted, members come out as
 * events, content as sub-arrays of the pushed chunks (never copied, never buffered whole).
 *
 * Reads what the deposit writer writes (ustar + pax) and what GNU tar, bsdtar and busybox write
 * by default: ustar with its name prefix, pax extended headers ('x'; 'g' is skipped), GNU long
 * names ('L', 'K') and GNU base-256 numbers. Every header's checksum is checked. Names are
 * reported as found; judging them (escaping names, links) is the caller's business.
 */
import { BLOCK, padding } from './tar-write.ts';
import { t, type Text } from '../text.js';

export type MemberKind = 'file' | 'directory' | 'symlink' | 'hardlink' | 'other';

export interface TarMember {
  kind: MemberKind;
  /** The name as stored (pax path, GNU long name, or ustar prefix/name), UTF-8 decoded. */
  name: string;
  size: number;
  mode: number;
  mtime: number;
  /** The type flag character, for messages about other kinds. */
  type: string;
}

export interface TarSink {
  begin(m: TarMember): void | Promise<void>;
  data(chunk: Buffer): void | Promise<void>;
  end(m: TarMember): void | Promise<void>;
}

export class TarError extends Error {
  constructor(readonly text: Text) {
    super(text.render());
  }
}

/** Extended headers (pax, GNU long names) larger than this are refused. */
const MAX_EXTENDED = 1 << 20;

type State = { at: 'header' } | { at: 'content'; member: TarMember; left: number; pad: number } | { at: 'extended'; type: string; left: number; pad: number; parts: Buffer[] } | { at: 'skip'; left: number } | { at: 'end' };

export class TarReader {
  private state: State = { at: 'header' };
  private readonly header = Buffer.alloc(BLOCK);
  private headerFill = 0;
  private zeroBlocks = 0;
  /** Overrides for the next member, from pax or GNU extended headers. */
  private pax: Record<string, string> = {};
  private longName: string | undefined;
  private offset = 0;

  constructor(private readonly sink: TarSink) {}

  /** True once the end-of-archive marker was read. */
  get ended(): boolean {
    return this.state.at === 'end';
  }

  async push(chunk: Buffer): Promise<void> {
    let p = 0;
    while (p < chunk.length) {
      const s = this.state;
      switch (s.at) {
        case 'end': {
          // After the end marker only zero padding may follow (tar pads to its record size).
          for (; p < chunk.length; p++) if (chunk[p] !== 0) throw new TarError(t`data after the end of the archive (at byte ${this.offset + p})`);
          break;
        }
        case 'header': {
          const n = Math.min(BLOCK - this.headerFill, chunk.length - p);
          chunk.copy(this.header, this.headerFill, p, p + n);
          this.headerFill += n;
          p += n;
          if (this.headerFill === BLOCK) {
            this.headerFill = 0;
            await this.onHeader();
          }
          break;
        }
        case 'content': {
          const n = Math.min(s.left, chunk.length - p);
          if (n > 0) {
            await this.sink.data(chunk.subarray(p, p + n));
            s.left -= n;
            p += n;
          }
          if (s.left === 0) {
            await this.sink.end(s.member);
            this.state = s.pad ? { at: 'skip', left: s.pad } : { at: 'header' };
          }
          break;
        }
        case 'extended': {
          const n = Math.min(s.left, chunk.length - p);
          s.parts.push(Buffer.from(chunk.subarray(p, p + n)));
          s.left -= n;
          p += n;
          if (s.left === 0) {
            this.onExtended(s.type, Buffer.concat(s.parts));
            this.state = s.pad ? { at: 'skip', left: s.pad } : { at: 'header' };
          }
          break;
        }
        case 'skip': {
          const n = Math.min(s.left, chunk.length - p);
          s.left -= n;
          p += n;
          if (s.left === 0) this.state = { at: 'header' };
          break;
        }
      }
    }
    this.offset += chunk.length;
  }

  /** The archive must have ended cleanly (its end marker, or at least a member boundary). */
  finish(): void {
    const s = this.state;
    if (s.at === 'end') return;
    // One zero block, or none, at a member boundary: some writers omit the second (or both).
    if (s.at === 'header' && this.headerFill === 0) return;
    throw new TarError(t`the archive is truncated (it ends inside ${s.at === 'content' ? `"${s.member.name}"` : 'a header'})`);
  }

  private async onHeader(): Promise<void> {
    const h = this.header;
    if (h.every((b) => b === 0)) {
      if (++this.zeroBlocks === 2) this.state = { at: 'end' };
      return;
    }
    if (this.zeroBlocks) throw new TarError(t`a lone zero block inside the archive (at byte ${this.offset})`);
    if (!checksumOk(h)) throw new TarError(t`a tar header's checksum does not match (at byte ${this.offset}): not a tar archive, or a damaged one`);
    const type = String.fromCharCode(h[156]!);
    const size = number(h, 124, 12, 'size');
    if (type === 'x' || type === 'g' || type === 'L' || type === 'K') {
      if (size > MAX_EXTENDED) throw new TarError(t`an extended tar header of ${size} bytes (the limit is ${MAX_EXTENDED})`);
      // A global pax header ('g') sets defaults we do not need; its content is skipped.
      if (type === 'g') this.state = size ? { at: 'skip', left: size + padding(size) } : { at: 'header' };
      else if (size === 0) this.onExtended(type, Buffer.alloc(0));
      else this.state = { at: 'extended', type, left: size, pad: padding(size), parts: [] };
      return;
    }
    const magic = h.toString('latin1', 257, 263);
    let name = this.longName ?? this.pax.path ?? '';
    if (!name) {
      name = text(h, 0, 100);
      // POSIX ustar has a name prefix; GNU's "ustar  " format keeps other fields there.
      const prefix = magic === 'ustar\u0000' ? text(h, 345, 155) : '';
      if (prefix) name = `${prefix}/${name}`;
    }
    const realSize = this.pax.size !== undefined ? paxNumber(this.pax.size) : size;
    const kind: MemberKind = type === '0' || type === '\u0000' || type === '7' ? 'file' : type === '5' ? 'directory' : type === '2' ? 'symlink' : type === '1' ? 'hardlink' : 'other';
    const member: TarMember = { kind, name, size: kind === 'file' ? realSize : 0, mode: number(h, 100, 8, 'mode'), mtime: this.pax.mtime !== undefined ? Math.floor(Number(this.pax.mtime)) || 0 : number(h, 136, 12, 'mtime'), type };
    this.pax = {};
    this.longName = undefined;
    await this.sink.begin(member);
    // Only regular files carry content here; anything else with a size is refused by the sink's begin.
    const left = kind === 'file' ? realSize : 0;
    if (left === 0) {
      await this.sink.end(member);
      this.state = { at: 'header' };
    } else this.state = { at: 'content', member, left, pad: padding(left) };
  }

  private onExtended(type: string, body: Buffer): void {
    if (type === 'L') this.longName = cString(body);
    else if (type === 'K')
      return; // a long link name: the link itself is refused by the caller
    else this.pax = { ...this.pax, ...parsePax(body) };
  }
}

function checksumOk(h: Buffer): boolean {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : h[i]!;
  const stored = h
    .toString('latin1', 148, 156)
    .replace(/[\0 ]+$/, '')
    .trim();
  return /^[0-7]+$/.test(stored) && parseInt(stored, 8) === sum;
}

/** A numeric field: octal digits (space/NUL terminated), or GNU base-256 (high bit set). */
function number(h: Buffer, at: number, width: number, what: string): number {
  if (h[at]! & 0x80) {
    if (h[at] === 0xff) throw new TarError(t`a negative ${what} in a tar header`);
    let v = h[at]! & 0x7f;
    for (let i = 1; i < width; i++) v = v * 256 + h[at + i]!;
    if (!Number.isSafeInteger(v)) throw new TarError(t`the ${what} in a tar header is too large`);
    return v;
  }
  const s = h
    .toString('latin1', at, at + width)
    .replace(/[\0 ]+$/, '')
    .trim();
  if (s === '') return 0;
  if (!/^[0-7]+$/.test(s)) throw new TarError(t`the ${what} field of a tar header is not a number`);
  return parseInt(s, 8);
}

function paxNumber(s: string): number {
  if (!/^\d{1,15}$/.test(s)) throw new TarError(t`a pax size "${s}" is not a number`);
  return Number(s);
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function decode(b: Buffer): string {
  try {
    return utf8.decode(b);
  } catch {
    // Not UTF-8 (an old archive in a legacy encoding): shown as Latin-1, never matching a registered name.
    return b.toString('latin1');
  }
}

function cString(b: Buffer): string {
  const z = b.indexOf(0);
  return decode(z < 0 ? b : b.subarray(0, z));
}

function text(h: Buffer, at: number, width: number): string {
  return cString(h.subarray(at, at + width));
}

/** pax records "<len> <key>=<value>\n"; only path, size and mtime matter here. */
function parsePax(body: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  let p = 0;
  while (p < body.length) {
    const sp = body.indexOf(0x20, p);
    if (sp < 0) throw new TarError(t`a malformed pax extended header`);
    const len = Number(body.toString('latin1', p, sp));
    if (!Number.isSafeInteger(len) || len <= sp - p + 1 || p + len > body.length || body[p + len - 1] !== 0x0a) throw new TarError(t`a malformed pax extended header`);
    const rec = decode(body.subarray(sp + 1, p + len - 1));
    const eq = rec.indexOf('=');
    if (eq < 0) throw new TarError(t`a malformed pax extended header`);
    const key = rec.slice(0, eq);
    if (key === 'path' || key === 'size' || key === 'mtime') out[key] = rec.slice(eq + 1);
    p += len;
  }
  return out;
}

/**
 * The name as a path relative to the extraction folder, or undefined when it would escape it:
 * absolute, or with a `..` component. Leading `./`, empty and `.` components are dropped (GNU
 * tar writes `./name` for `tar cf x.tar .`); a trailing slash (directories) likewise.
 */
export function safeRelativeName(name: string): string | undefined {
  if (name.startsWith('/') || name.includes('\u0000')) return undefined;
  const parts = name.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.length === 0 || parts.includes('..')) return undefined;
  return parts.join('/');
}
