/**
 * A server's view of the log: the Merkle tree of the stored log records, kept in memory and brought
 * up to date from the database before each answer. Rows appended by other servers are added (read
 * after the last row number seen, so a sync costs what is new, not the log's size); any edit or
 * deletion of rows (the database's change counter moved) rebuilds the tree from all rows, so that
 * the server signs what the database holds — and a client holding an older head sees the
 * difference in the consistency proof. (A row inserted by hand below the last row number is
 * not seen until the next rebuild or start; it then changes the tree the same way.)
 *
 * Updates are applied synchronously (no await between reading the tree's state and changing it),
 * so concurrent requests in one process never add a leaf twice.
 */
import { MerkleLog } from './log.js';
import { recordLeaf, type LogRecord, type OrgStore, type SeqRecord } from './records.js';

export class LogTree {
  private tree = new MerkleLog();
  private generation = -1;
  private lastSeq = -1;

  constructor(private readonly store: OrgStore) {}

  get log(): MerkleLog {
    return this.tree;
  }

  /** Applies rows read after row `afterSeq` under change counter `generation`; false when a full reload is needed. */
  private apply(generation: number, afterSeq: number, records: readonly SeqRecord[]): boolean {
    if (generation !== this.generation) {
      if (afterSeq !== -1) return false;
      const fresh = new MerkleLog();
      for (const r of records) fresh.append(recordLeaf(r));
      this.tree = fresh;
      this.generation = generation;
      this.lastSeq = records.length ? records[records.length - 1]!.seq : -1;
      return true;
    }
    if (afterSeq > this.lastSeq) return false;
    for (const r of records) {
      if (r.seq <= this.lastSeq) continue; // added meanwhile by a concurrent request
      this.tree.append(recordLeaf(r));
      this.lastSeq = r.seq;
    }
    return true;
  }

  /** Brings the tree up to date with the database. */
  async sync(): Promise<void> {
    const after = this.generation === -1 ? -1 : this.lastSeq;
    const r = await this.store.logRecords(after);
    if (this.apply(r.generation, after, r.records)) return;
    const all = await this.store.logRecords(-1);
    this.apply(all.generation, -1, all.records);
  }

  /** For appends, inside the store's lock: sync with the transaction's rows; returns the new leaf's index. */
  async syncLocked(o: { generation: number; records: (afterSeq: number) => Promise<SeqRecord[]> }): Promise<number> {
    const after = this.generation === o.generation ? this.lastSeq : -1;
    if (!this.apply(o.generation, after, await o.records(after))) this.apply(o.generation, -1, await o.records(-1));
    return this.tree.size;
  }

  /** After the append committed as row `seq`: its leaf at `index` (unless a concurrent sync already added it). */
  committed(index: number, seq: number, r: LogRecord): void {
    if (this.tree.size === index && seq > this.lastSeq) {
      this.tree.append(recordLeaf(r));
      this.lastSeq = seq;
    }
  }
}
