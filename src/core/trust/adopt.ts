/**
 * Adopting a root from a proof (`tsproof trust add --from <receipt> --sha256 <fingerprint>`): a
 * fresh machine's verdict names the root a proof rests on and its fingerprint; whoever compared
 * that fingerprint with the one its operator publishes can trust the root straight from the
 * receipt — only that certificate, and only when the fingerprints are equal. The proof's say-so
 * never trusts anything.
 */
import { OID } from '../asn1/oids.js';
import { attr, parseSignedData } from '../cms/signed-data.js';
import { InputError } from '../errors.js';
import { Certificate } from '../pki/certificate.js';
import { decodeField } from '../receipt/receipt.js';
import type { LoadedReceipt } from '../receipt/source.js';
import { t } from '../text.js';
import type { TrustPurpose } from '../trust.js';

/** Every certificate a receipt (or pack) carries, with whose path it came in: the holder's signature, or a timestamp. */
export function certificatesIn(loaded: LoadedReceipt): { certificate: Certificate; for: 'tsa' | 'holder' }[] {
  const out: { certificate: Certificate; for: 'tsa' | 'holder' }[] = [];
  const add = (certificate: Certificate, f: 'tsa' | 'holder') => out.push({ certificate, for: f });
  const signed = (bytes: Uint8Array | undefined) => {
    try {
      return bytes ? parseSignedData(bytes, 'signature') : undefined;
    } catch {
      return undefined;
    }
  };
  const sd = signed(decodeField(loaded.receipt.signature));
  for (const c of sd?.certificates ?? []) add(c, 'holder');
  const tokens = [...loaded.receipt.timestamps.map((ts) => decodeField(ts.token)), ...(sd?.signerInfos[0] ? attr(sd.signerInfos[0].unsignedAttrs, OID.signatureTimeStampToken).flatMap((a) => a.values.map((v) => v.raw)) : [])];
  for (const tok of tokens) for (const c of signed(tok)?.certificates ?? []) add(c, 'tsa');
  for (const ts of loaded.receipt.timestamps) {
    for (const b of ts.certificates) {
      try {
        add(Certificate.fromDER(decodeField(b) ?? new Uint8Array(0)), 'tsa');
      } catch {
        // not a certificate: nothing to adopt
      }
    }
  }
  loaded.certificates.forEach((c, i) => add(c, loaded.offeredFor[i] ?? 'tsa'));
  return out;
}

/** The certificate of `loaded` whose SHA-256 is `sha256`, and the purpose it came with (`any` when it came with both). */
export function adoptFrom(loaded: LoadedReceipt, sha256: string, shown: string): { certificate: Certificate; purpose: TrustPurpose } {
  const hits = certificatesIn(loaded).filter((c) => c.certificate.sha256 === sha256);
  if (hits.length === 0) {
    throw new InputError({ code: 'BAD_ARGUMENT', message: t`no certificate in ${shown} has SHA-256 ${sha256}; nothing was trusted (the fingerprint to compare is the one tsproof verify or show prints for the root)` });
  }
  const purposes = new Set(hits.map((h) => h.for));
  return { certificate: hits[0]!.certificate, purpose: purposes.size > 1 ? 'any' : hits[0]!.for };
}
