/**
 * Escrow events — deposits made, verifications done, releases — recorded where a registry can
 * keep them. Storage is behind `EscrowEventLog`: the registry's event chain (RegistryEscrowEventLog,
 * event kinds `escrow.deposit`, `escrow.verification`, `escrow.release`), and the JSON-lines file
 * of earlier versions (FileEscrowEventLog, still read). Each event carries the signed document
 * (CMS SignedData with the JSON encapsulated), so a log entry is evidence by itself, whatever
 * stores it (docs/escrow.md, "Events").
 */
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { toBase64 } from '../bytes.js';
import type { PartyRef } from './statements.js';
import { openExistingRegistry, openRegistry } from '../registry/open.js';

export type EscrowEventKind = 'deposit' | 'verification' | 'release';

export interface EscrowEvent {
  kind: EscrowEventKind;
  /** When it happened (the actor's clock; the signature's signing-time says the same). */
  time: string;
  /** The deposit: its id (from its statement, when it has one) and the SHA-256 of its file (when known). */
  deposit: { id?: string; sha256?: string; file?: string };
  /** The registration the deposit holds. */
  receiptId: string;
  /** Who signed the document: the depositor, the agent or the beneficiary. */
  actor: PartyRef;
  /** The signed document, base64 of a DER ContentInfo SignedData (deposit statements, release events) or of the statement's receipt JSON (verifications). */
  signed: string;
  /** verification: where the statement and its receipt were written. */
  files?: string[];
}

export interface EscrowEventLog {
  record(e: EscrowEvent): Promise<void>;
  list(): Promise<EscrowEvent[]>;
}

/** $TSPROOF_HOME/escrow/events.jsonl: one event per line, appended with one write (O_APPEND). */
export class FileEscrowEventLog implements EscrowEventLog {
  readonly file: string;
  constructor(home: string) {
    this.file = path.join(home, 'escrow', 'events.jsonl');
  }

  async record(e: EscrowEvent): Promise<void> {
    await mkdir(path.dirname(this.file), { recursive: true, mode: 0o700 });
    await appendFile(this.file, `${JSON.stringify(e)}\n`, { mode: 0o600 });
  }

  async list(): Promise<EscrowEvent[]> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch {
      return [];
    }
    const out: EscrowEvent[] = [];
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      try {
        out.push(JSON.parse(line) as EscrowEvent);
      } catch {
        // A torn last line (a crash mid-write) is skipped, as in the index.
      }
    }
    return out;
  }
}

const KINDS: readonly EscrowEventKind[] = ['deposit', 'verification', 'release'];

/**
 * Escrow events in the registry's hash chain ($TSPROOF_HOME/registry.db, docs/registry.md): one
 * `escrow.<kind>` event each, subject the receipt id, payload the whole event. Events of the
 * earlier escrow/events.jsonl, when there is one, are listed first.
 */
export class RegistryEscrowEventLog implements EscrowEventLog {
  constructor(
    readonly home: string,
    private readonly now: () => Date,
  ) {}

  async record(e: EscrowEvent): Promise<void> {
    const store = await openRegistry(this.home, { now: this.now });
    try {
      await store.append({ kind: `escrow.${e.kind}`, subject: e.receiptId, payload: { ...e } });
    } finally {
      store.close();
    }
  }

  async list(): Promise<EscrowEvent[]> {
    const out = await new FileEscrowEventLog(this.home).list();
    const store = await openExistingRegistry(this.home, { now: this.now });
    if (!store) return out;
    try {
      const events = (await Promise.all(KINDS.map((k) => store.events({ kind: `escrow.${k}` })))).flat().sort((a, b) => a.seq - b.seq);
      for (const e of events) out.push(JSON.parse(e.payload) as EscrowEvent);
    } finally {
      store.close();
    }
    return out;
  }
}

export function signedField(cms: Uint8Array): string {
  return toBase64(cms);
}
