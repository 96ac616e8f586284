/**
 * A server's view of the log: the Merkle tree of the stored log records, kept in memory and brought
 * up to date from the database before each answer. Rows appended by other servers are added; any
 * edit or deletion of rows (the database's change counter moved) rebuilds the tree from the rows,
 * so that the server signs what the database holds — and a client holding an older head sees the
 * difference in the consistency proof.
 *
 * Updates are applied synchronously (no await between reading the tree's size and changing it),
 * so concurrent requests in one process never add a leaf twice.
 */
import { MerkleLog } from './log.js';
import { recordLeaf, type LogRecord, type OrgStore } from './records.js';

export class LogTree {
  private tree = new MerkleLog();
  private generation = -1;

  constructor(private readonly store: OrgStore) {}

  get log(): MerkleLog {
    return this.tree;
  }

  /** Applies rows read from position `from` under change counter `generation`; false when a full reload is needed. */
  apply(generation: number, from: number, records: readonly LogRecord[]): boolean {
    if (generation !== this.generation) {
      if (from !== 0) return false;
      const fresh = new MerkleLog();
      for (const r of records) fresh.append(recordLeaf(r));
      this.tree = fresh;
      this.generation = generation;
      return true;
    }
    if (from > this.tree.size) return false;
    for (let i = this.tree.size - from; i < records.length; i++) this.tree.append(recordLeaf(records[i]!));
    return true;
  }

  /** Brings the tree up to date with the database. */
  async sync(): Promise<void> {
    const from = this.tree.size;
    const r = await this.store.logRecords(this.generation === -1 ? 0 : from);
    if (this.apply(r.generation, this.generation === -1 ? 0 : from, r.records)) return;
    const all = await this.store.logRecords(0);
    this.apply(all.generation, 0, all.records);
  }

  /** For appends, inside the store's lock: sync with the transaction's rows; returns the new leaf's index. */
  async syncLocked(o: { generation: number; records: (from: number) => Promise<LogRecord[]> }): Promise<number> {
    const from = this.tree.size;
    if (!this.apply(o.generation, from, await o.records(from))) this.apply(o.generation, 0, await o.records(0));
    return this.tree.size;
  }

  /** After the append committed: the leaf at `index` (unless a concurrent sync already added it). */
  committed(index: number, r: LogRecord): void {
    if (this.tree.size === index) this.tree.append(recordLeaf(r));
  }
}
