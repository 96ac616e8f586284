/** The RFC 4998 EvidenceRecord of a receipt's renewals (docs/long-term.md): its data object is the receipt's signature (DER). */
import { decodeField, type Receipt } from '../receipt/receipt.js';
import { InputError } from '../errors.js';
import { encodeEvidenceRecord, parseArchiveTimeStamp } from './ers.js';
import { t } from '../text.js';

export function evidenceRecordOf(r: Receipt): Uint8Array {
  const chain = r.renewals.map((x, i) => {
    const d = decodeField(x.archiveTimeStamp);
    if (!d) throw new InputError({ code: 'MALFORMED_RECEIPT', message: t`renewals[${i}].archiveTimeStamp is not valid base64` });
    return d;
  });
  const alg = parseArchiveTimeStamp(chain[0]!, 'renewals[0]').algorithm!;
  return encodeEvidenceRecord(alg, chain);
}
