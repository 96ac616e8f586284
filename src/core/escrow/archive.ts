/**
 * The decrypted archive judged against the receipt as it streams: each member is matched by name
 * to a registered entry and hashed with the registration's algorithms while it passes; `verify`
 * keeps nothing, `release` also writes the member into a folder it created. A missing, changed
 * or extra file, a name that would escape the folder, a link or a device is a finding naming it.
 */
import { createHash, type Hash } from 'node:crypto';
import { chmod, mkdir, open, utimes, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { safeRelativeName, type TarMember, type TarSink } from './tar-read.js';
import type { ReceiptEntry } from '../receipt/receipt.js';
import type { HashAlgorithm } from '../crypto/algorithms.js';
import { t, type Text } from '../text.js';

export type FileStatus = 'matched' | 'modified' | 'missing' | 'extra' | 'refused';

export interface FileResult {
  /** The registered name, or the archive member's name as stored. */
  name: string;
  status: FileStatus;
  size?: number;
  detail?: Text;
}

interface Current {
  member: TarMember;
  name: string;
  entry: ReceiptEntry;
  hashes: Hash[];
  size: number;
  out?: FileHandle;
  outPath?: string;
}

/**
 * A TarSink that checks members against the registered entries. With `extractTo` (a new, empty
 * folder the caller created), it also writes every registered member there.
 */
export class ArchiveCheck implements TarSink {
  readonly results: FileResult[] = [];
  private readonly entries = new Map<string, ReceiptEntry>();
  private readonly seen = new Set<string>();
  private current: Current | undefined;
  /** Bytes of registered content that passed. */
  bytes = 0;

  constructor(
    entries: readonly ReceiptEntry[],
    private readonly algorithms: readonly HashAlgorithm[],
    private readonly extractTo?: string,
  ) {
    for (const e of entries) this.entries.set(e.name, e);
  }

  /** True when no problem was found so far. */
  get clean(): boolean {
    return this.results.every((r) => r.status === 'matched');
  }

  get firstProblem(): FileResult | undefined {
    return this.results.find((r) => r.status !== 'matched');
  }

  async begin(m: TarMember): Promise<void> {
    const safe = safeRelativeName(m.name);
    if (safe === undefined) return this.refuse(m, t`the name would escape the folder (absolute or with "..")`);
    const name = safe.normalize('NFC');
    if (m.kind === 'directory') return; // folders are made as the files need them
    if (m.kind === 'symlink' || m.kind === 'hardlink') return this.refuse(m, t`a link (links are never extracted)`);
    if (m.kind !== 'file') return this.refuse(m, t`not a regular file (tar type "${m.type}")`);
    const entry = this.entries.get(name);
    if (!entry) return void this.results.push({ name, status: 'extra', size: m.size, detail: t`in the archive but not registered` });
    if (this.seen.has(name)) return void this.results.push({ name, status: 'extra', size: m.size, detail: t`in the archive twice` });
    this.seen.add(name);
    const c: Current = { member: m, name, entry, hashes: this.algorithms.map((a) => createHash(a)), size: 0 };
    // Extraction stops writing at the first problem: nothing after it is kept anyway.
    if (this.extractTo && this.clean) {
      c.outPath = path.join(this.extractTo, ...name.split('/'));
      await mkdir(path.dirname(c.outPath), { recursive: true, mode: 0o700 });
      c.out = await open(c.outPath, 'wx', 0o600);
    }
    this.current = c;
  }

  async data(chunk: Buffer): Promise<void> {
    const c = this.current;
    if (!c) return;
    for (const h of c.hashes) h.update(chunk);
    c.size += chunk.length;
    if (c.out) {
      for (let off = 0; off < chunk.length; ) off += (await c.out.write(chunk, off, chunk.length - off)).bytesWritten;
    }
  }

  async end(m: TarMember): Promise<void> {
    const c = this.current;
    if (!c || c.member !== m) return;
    this.current = undefined;
    if (c.out) {
      await c.out.close();
      await chmod(c.outPath!, m.mode & 0o111 ? 0o755 : 0o644);
      await utimes(c.outPath!, m.mtime, m.mtime);
    }
    const wrong = this.algorithms.find((a, i) => c.entry.digests[a] !== c.hashes[i]!.digest('hex'));
    if (c.size !== c.entry.size) this.results.push({ name: c.name, status: 'modified', size: c.size, detail: t`${c.size} bytes, registered ${c.entry.size}` });
    else if (wrong) this.results.push({ name: c.name, status: 'modified', size: c.size, detail: t`its ${wrong.toUpperCase()} differs from the registered one` });
    else {
      this.results.push({ name: c.name, status: 'matched', size: c.size });
      this.bytes += c.size;
    }
  }

  /** Closes a file left open by an archive that ended inside it. */
  async abort(): Promise<void> {
    await this.current?.out?.close();
    this.current = undefined;
  }

  /** After the archive ended: every registered file not seen is missing. */
  finish(): void {
    for (const name of this.entries.keys()) if (!this.seen.has(name)) this.results.push({ name, status: 'missing', detail: t`registered but not in the archive` });
  }

  private refuse(m: TarMember, why: Text): void {
    this.results.push({ name: m.name, status: 'refused', detail: why });
  }
}
