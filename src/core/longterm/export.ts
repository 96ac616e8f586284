/**
 * RFC 4998 EvidenceRecords of a receipt's renewals (docs/long-term.md): the receipt's, whose data
 * object is its signature (DER), and one file's, whose data object is that file — possible once
 * a renewal covered the files (`renewals[].files`).
 */
import { decodeField, type Receipt, type ReceiptEntry } from '../receipt/receipt.js';
import { InputError } from '../errors.js';
import type { AnyDigest } from '../crypto/algorithms.js';
import { encodeEvidenceRecord, parseArchiveTimeStamp, type ArchiveTimeStamp } from './ers.js';
import { byIndex, RenewalChains } from './files.js';
import { t } from '../text.js';

function parsed(r: Receipt): ArchiveTimeStamp[] {
  return r.renewals.map((x, i) => {
    const d = decodeField(x.archiveTimeStamp);
    if (!d) throw new InputError({ code: 'MALFORMED_RECEIPT', message: t`renewals[${i}].archiveTimeStamp is not valid base64` });
    return parseArchiveTimeStamp(d, `renewals[${i}]`);
  });
}

/** The receipt's chains replayed: the archive timestamps as stored, and the files' tree of each renewal over the files. */
export function replayRenewals(r: Receipt): { state: RenewalChains; algorithms: AnyDigest[] } {
  const state = new RenewalChains();
  const algorithms: AnyDigest[] = [];
  parsed(r).forEach((ats, i) => {
    const files = r.renewals[i]!.files === true;
    const layer = files ? state.layer(r, i, ats) : undefined;
    if (files && !layer) throw new InputError({ code: 'MALFORMED_RECEIPT', message: t`renewals[${i}] covers the files, but an entry has no ${ats.algorithm!.toUpperCase()} digest (renewed) for it` });
    state.add(i, ats.der, layer, files);
    if (!algorithms.includes(ats.algorithm!)) algorithms.push(ats.algorithm!);
  });
  return { state, algorithms };
}

/** The receipt's EvidenceRecord: its data object is the receipt's signature. */
export function evidenceRecordOf(r: Receipt): Uint8Array {
  const { state, algorithms } = replayRenewals(r);
  return encodeEvidenceRecord(
    algorithms,
    state.chains.map((c) => c.ats),
  );
}

/**
 * The EvidenceRecord of one file: its data object is the file. Chains before the first renewal
 * over the files cover the receipt's signature (which binds the file through the manifest and
 * the Merkle tree, which RFC 4998 cannot express); the chain a renewal over the files begins
 * covers the file itself.
 */
export function fileEvidenceRecordOf(r: Receipt, entry: ReceiptEntry, receiptName: string): Uint8Array {
  if (!r.renewals.some((x) => x.files)) {
    throw new InputError({
      code: 'BAD_ARGUMENT',
      message: t`${receiptName} has no renewal over its files yet, so no evidence record can have one file as its data object: renew it with tsproof renew ${receiptName} --files <folder> (docs/long-term.md)`,
    });
  }
  if (r.entries.some((e) => e.proof !== undefined)) {
    throw new InputError({ code: 'BAD_ARGUMENT', message: t`${receiptName} is a per-file receipt: a file's evidence record is built from the full receipt` });
  }
  const { state, algorithms } = replayRenewals(r);
  const e = byIndex(r.entries).findIndex((x) => x.index === entry.index);
  return encodeEvidenceRecord(algorithms, state.entryChains(e));
}
