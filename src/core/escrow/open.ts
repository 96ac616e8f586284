/**
 * Reading a deposit without decrypting it: its envelope (envelope.ts), the recipients, the
 * receipt and the depositor's statement it carries; and judging those: the receipt verified as
 * `tsproof verify` would, the statement's signature, signer and binding to the receipt, the
 * recipients it names against those the envelope encrypts for, and the link to a previous deposit.
 */
import { createHash } from 'node:crypto';
import { open, stat } from 'node:fs/promises';
import { ESCROW_RECEIPT_ATTRIBUTE, ESCROW_STATEMENT_ATTRIBUTE } from '../asn1/oids.js';
import { octets } from '../asn1/der.js';
import { InputError } from '../errors.js';
import { hashFile } from '../hash/engine.js';
import { isFullReceipt, parseReceiptJson, type Receipt } from '../receipt/receipt.js';
import { CheckList, type Check } from '../verify/checks.js';
import { verifyReceipt, type ReceiptVerification, type VerifyContext } from '../verify/receipt.js';
import { toHex } from '../bytes.js';
import { readLayout, type EnvelopeLayout } from './envelope.js';
import { describeRecipientInfos, type RecipientSummary } from './recipients.js';
import { asDepositStatement, checkSignedDocument, type DepositStatement } from './statements.js';
import { malformed } from './ber-file.js';
import { t } from '../text.js';

export interface DepositFile {
  path: string;
  /** Name for messages. */
  what: string;
  size: number;
  layout: EnvelopeLayout;
  recipients: RecipientSummary[];
  /** The receipt attribute's bytes (the receipt JSON), when the deposit carries one. */
  receiptBytes?: Uint8Array;
  receipt?: Receipt;
  /** The deposit statement attribute (a ContentInfo SignedData), when present. */
  statementCms?: Uint8Array;
}

export async function readDeposit(file: string, what = file): Promise<DepositFile> {
  let size: number;
  try {
    const st = await stat(file);
    if (!st.isFile()) throw new Error('not a file');
    size = st.size;
  } catch {
    throw new InputError({ code: 'FILE_NOT_FOUND', message: t`${what}: no such deposit file` });
  }
  const fh = await open(file, 'r');
  try {
    const layout = await readLayout(fh, size, what);
    const d: DepositFile = { path: file, what, size, layout, recipients: describeRecipientInfos(layout.recipientInfos) };
    for (const a of layout.attributes) {
      if (a.values.length !== 1) throw malformed(t`${what}: attribute ${a.oid} has ${a.values.length} values, expected one`);
      if (a.oid === ESCROW_RECEIPT_ATTRIBUTE) {
        d.receiptBytes = octets(a.values[0], `${what}.receipt`);
        d.receipt = parseReceiptJson(Buffer.from(d.receiptBytes).toString('utf8'), `${what} (receipt)`);
      } else if (a.oid === ESCROW_STATEMENT_ATTRIBUTE) d.statementCms = a.values[0]!.raw;
    }
    return d;
  } finally {
    await fh.close();
  }
}

export interface DepositJudgement {
  ok: boolean;
  checks: Check[];
  receipt: Receipt;
  verification: ReceiptVerification;
  statement?: DepositStatement;
}

/**
 * Judges what a deposit carries, before any decryption. `receipt` replaces the carried one (a
 * deposit written by other tools carries none). `previous`: the file of the deposit this one says
 * it updates.
 */
export async function judgeDeposit(d: DepositFile, vctx: VerifyContext, o: { receipt?: Receipt; previous?: string } = {}): Promise<DepositJudgement> {
  const receipt = o.receipt ?? d.receipt;
  if (!receipt) throw new InputError({ code: 'RECEIPT_NOT_FOUND', message: t`${d.what} carries no receipt (it was not written by tsproof escrow deposit); give the registration's receipt with --receipt` });
  const verification = verifyReceipt(receipt, vctx);
  const checks = new CheckList();
  checks.items.push(...verification.checks);
  const m = verification.manifest;
  checks.expect('receipt.complete', !!m && isFullReceipt(receipt.entries, m), t`the receipt lists every file of its registration`, t`the receipt is a per-file receipt: it cannot say which files a deposit must hold`);

  let statement: DepositStatement | undefined;
  if (!d.statementCms) checks.skip('deposit.statement', t`the deposit carries no deposit statement (not written by tsproof)`);
  else {
    const s = checkSignedDocument(d.statementCms, 'deposit.statement');
    checks.items.push(...s.checks);
    statement = s.document ? asDepositStatement(s.document) : undefined;
    if (s.document && !statement) checks.fail('deposit.statement.format', t`the deposit statement is not a tsproof.escrow.deposit version 1 document`);
    if (statement && s.signer) {
      const holder = verification.holder;
      checks.expect(
        'deposit.statement.signer',
        !!holder && s.signer.sha256 === holder.certificateSha256,
        t`the deposit statement is signed by the registration's holder "${s.signer.subject}"`,
        t`the deposit statement is signed by "${s.signer.subject}", not by the registration's holder`,
      );
      // The statement binds the carried receipt by its SHA-256 (a receipt given instead is matched by id).
      const carried = !o.receipt && d.receiptBytes;
      const bound = statement.receipt.id === receipt.id && (!carried || toHex(createHash('sha256').update(carried).digest()) === statement.receipt.sha256);
      checks.expect('deposit.statement.receipt', bound, t`the statement names this receipt (${receipt.id})`, t`the statement names receipt ${statement.receipt.id} (SHA-256 ${statement.receipt.sha256}), not the one the deposit carries`);
      const sealed = d.layout.mac ?? d.layout.gmac?.mac;
      checks.expect(
        'deposit.statement.mac',
        !!sealed && toHex(sealed) === statement.encryption.mac,
        t`the statement names this deposit's ${d.layout.gmac ? 'GMAC' : 'GCM tag'}: it was signed for exactly this ciphertext`,
        t`the statement was signed for another ciphertext (its integrity value differs from the deposit's)`,
      );
      checkRecipients(checks, statement, d.recipients);
    }
  }
  if (o.previous) await checkPrevious(checks, statement, o.previous);
  return { ok: checks.ok, checks: checks.items, receipt, verification, ...(statement ? { statement } : {}) };
}

/** The recipients the statement names are the ones the envelope is encrypted for. */
function checkRecipients(checks: CheckList, s: DepositStatement, found: readonly RecipientSummary[]): void {
  const key = (x: { issuer?: string; serial?: string }) => `${x.issuer ?? ''}#${x.serial ?? ''}`;
  const named = new Set(s.recipients.map(key));
  const actual = new Set(found.map(key));
  const same = named.size === actual.size && [...named].every((k) => actual.has(k));
  checks.expect('deposit.recipients', same, t`the envelope is encrypted for exactly the ${s.recipients.length} recipient(s) the statement names`, t`the envelope's recipients differ from the ${s.recipients.length} the statement names`);
}

/** The previous deposit is the one the statement names: same id, same file SHA-256. */
async function checkPrevious(checks: CheckList, s: DepositStatement | undefined, file: string): Promise<void> {
  if (!s?.previous) {
    checks.fail('deposit.previous', t`the deposit does not name a previous deposit`);
    return;
  }
  const prev = await readDeposit(file);
  const sha256 = (await hashFile(file, ['sha256'])).digests.sha256!;
  const ps = prev.statementCms ? checkSignedDocument(prev.statementCms, 'previous') : undefined;
  const prevStatement = ps?.document ? asDepositStatement(ps.document) : undefined;
  const ok = sha256 === s.previous.sha256 && prevStatement?.id === s.previous.id && !!ps && ps.checks.every((c) => c.ok);
  checks.expect(
    'deposit.previous',
    ok,
    t`it updates deposit ${s.previous.id} (SHA-256 ${sha256})`,
    t`it names deposit ${s.previous.id} (SHA-256 ${s.previous.sha256}); ${file} is ${prevStatement?.id ?? 'another deposit'} (SHA-256 ${sha256})`,
  );
}
