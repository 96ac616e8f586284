/**
 * The standard DER objects inside a receipt, for independent tools (OpenSSL): the
 * manifest bytes, the CMS signature, each token and the signature value it covers.
 */
import { OID } from '../asn1/oids.js';
import { attr, parseSignedData } from '../cms/signed-data.js';
import { InputError } from '../errors.js';
import { Certificate } from '../pki/certificate.js';
import { decodeField, treeOfEntries, type Receipt, type ReceiptEntry } from './receipt.js';
import { decodeManifest } from './manifest.js';
import { inclusionProof } from './merkle.js';
import { bytesEqual, toHex } from '../bytes.js';
import { t } from '../text.js';

export interface ReceiptPieces {
  manifest: Uint8Array;
  /** CMS ContentInfo(SignedData), DER, detached. */
  signature: Uint8Array;
  /** The SignerInfo signature value: the data each token's imprint covers. */
  signatureValue: Uint8Array;
  /** Certificates embedded in the signature (the holder's chain). */
  holderCertificates: Certificate[];
  /**
   * The timestamp tokens in the order the signature holds them (a DER SET, sorted by encoding),
   * each with the receipt's listing of it (`listed`: its index in `receipt.timestamps`, -1 when
   * the receipt does not list that token). Tools that read the signature see this order.
   */
  tokens: { tsa: string; token: Uint8Array; certificates: Certificate[]; listed: number }[];
}

export function extractPieces(r: Receipt): ReceiptPieces {
  const manifest = decodeField(r.manifest);
  const signature = decodeField(r.signature);
  if (!manifest || !signature) throw new InputError({ code: 'MALFORMED_RECEIPT', message: t`receipt manifest or signature is not base64` });
  let sd;
  try {
    sd = parseSignedData(signature, 'signature');
  } catch (err) {
    throw new InputError({ code: 'MALFORMED_RECEIPT', message: t`receipt signature: ${(err as Error).message}` });
  }
  const si = sd.signerInfos[0];
  if (!si) throw new InputError({ code: 'MALFORMED_RECEIPT', message: t`receipt signature has no signer` });
  const embedded = attr(si.unsignedAttrs, OID.signatureTimeStampToken).flatMap((a) => a.values.map((v) => v.raw));
  return {
    manifest,
    signature,
    signatureValue: si.signature,
    holderCertificates: sd.certificates,
    tokens: embedded.map((token) => {
      const listed = r.timestamps.findIndex((t) => {
        const d = decodeField(t.token);
        return !!d && bytesEqual(d, token);
      });
      const t = r.timestamps[listed];
      return { tsa: t?.tsa ?? '', token, certificates: (t?.certificates ?? []).map((c) => Certificate.fromDER(decodeField(c) ?? new Uint8Array(0))), listed };
    }),
  };
}

/**
 * A per-file receipt: the same manifest, signature and timestamps, but only the chosen
 * entry, with its inclusion proof (log2 N sibling hashes). Salted leaves mean the proof
 * reveals nothing about the other files' names, sizes or digests.
 */
export function extractEntry(r: Receipt, entry: ReceiptEntry): Receipt {
  const manifestBytes = decodeField(r.manifest);
  const m = manifestBytes && decodeManifest(manifestBytes).manifest;
  if (!m) throw new InputError({ code: 'MALFORMED_RECEIPT', message: t`the receipt has no readable manifest` });
  let proof = entry.proof;
  if (!proof) {
    if (r.entries.length !== m.merkle.count) throw new InputError({ code: 'BAD_ARGUMENT', message: t`this receipt does not hold every entry of its batch, so no proof can be built; extract from the full receipt` });
    proof = inclusionProof(treeOfEntries(r.entries, m), entry.index).map(toHex);
  }
  const { proof: _old, ...bare } = entry;
  return { ...r, entries: [{ ...bare, proof }] };
}
