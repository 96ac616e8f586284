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

  /** The view an append starts from (taken synchronously, with the tree's size it belongs to). */
  view(): { generation: number; seq: number; size: number } {
    return { generation: this.generation, seq: this.generation === -1 ? -1 : this.lastSeq, size: this.generation === -1 ? 0 : this.tree.size };
  }

  /**
   * After an append committed as row `seq`: catch up with the rows before it, then add its leaf.
   * Returns the leaf's index. Answers may be handled out of commit order; rows already in the tree
   * are skipped by row number.
   */
  appended(view: { generation: number; seq: number; size: number }, a: { seq: number; generation: number; before: readonly SeqRecord[] }, r: LogRecord): number {
    const full = a.generation !== view.generation;
    const index = (full ? 0 : view.size) + a.before.length;
    if (full) {
      if (a.generation !== this.generation) this.apply(a.generation, -1, a.before);
    } else this.apply(a.generation, view.seq, a.before);
    if (this.generation === a.generation && this.tree.size === index && a.seq > this.lastSeq) {
      this.tree.append(recordLeaf(r));
      this.lastSeq = a.seq;
    }
    return index;
  }
}
