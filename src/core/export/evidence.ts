/**
 * The evidence pack (docs/evidence.md): a receipt taken apart into the standard objects —
 * manifest bytes, CMS signature, RFC 3161 tokens, the signature value they cover,
 * certificates, each entry's leaf and inclusion proof — with a verify.sh that judges a file
 * against them using only bash, OpenSSL and a few POSIX tools. Nothing here needs tsproof to check.
 */
import { displaySafe } from '../display.js';
import { toHex } from '../bytes.js';
import type { FolderFile } from '../io/fs.js';
import type { HashAlgorithm } from '../crypto/algorithms.js';
import { Certificate } from '../pki/certificate.js';
import { anchorsFor } from '../trust.js';
import { extractPieces } from '../receipt/extract.js';
import { parseSignedData } from '../cms/signed-data.js';
import { entryJson } from '../receipt/leaf.js';
import { inclusionProof, proofSides } from '../receipt/merkle.js';
import { isFullReceipt, treeOfEntries, type Receipt } from '../receipt/receipt.js';
import { verifyReceipt, type ReceiptVerification, type VerifyContext } from '../verify/receipt.js';
import { evidenceReadme, verifyScript, type PackFacts } from './evidence-text.js';

/** A file of the pack; `path` is POSIX, inside the pack. */
export type PackFile = FolderFile;

export interface EvidencePack {
  verification: ReceiptVerification;
  /** Present only when the receipt verifies: a pack of a failing receipt would prove nothing. */
  files?: PackFile[];
}

export interface AnchorChoice {
  certificates: Certificate[];
  /** Why these: a trusted CA, or the holder's own certificate when no CA vouches for it. */
  basis: string;
}

export function buildEvidencePack(receipt: Receipt, ctx: VerifyContext & { tool: string }): EvidencePack {
  const verification = verifyReceipt(receipt, ctx);
  const m = verification.manifest;
  if (!verification.ok || !m || !verification.holder || !verification.time) return { verification };
  const pieces = extractPieces(receipt);
  const at = new Date(verification.time);
  const alg = m.merkle.algorithm;

  // Trust anchors for OpenSSL: the ones our own verification ended at (never the receipt's say-so).
  const pick = (pool: readonly Certificate[], subject: string | undefined) => dedupe(pool.filter((c) => c.subject === subject));
  const holderCert = pieces.holderCertificates.find((c) => c.sha256 === verification.holder!.certificateSha256)!;
  const holderAnchor: AnchorChoice =
    verification.holder.identity === 'ca-verified'
      ? { certificates: pick([...ctx.anchors, ...anchorsFor(ctx.trust ?? [], 'holder', at)], verification.holder.chain.at(-1)), basis: 'a CA you trust / 신뢰하는 인증기관' }
      : { certificates: [holderCert], basis: `the holder's own certificate (${verification.holder.identity}: no CA vouches for the name) / 보유자 자신의 인증서 (이름을 보증하는 인증기관 없음)` };
  // The tokens go in the order the signature carries them (a sorted SET; the receipt lists them in
  // the order the TSAs were asked): verify.sh reads them from signature.p7s and checks the loose
  // copies against them. A verified receipt lists every embedded token once.
  const stamps = pieces.tokens.map((p) => verification.timestamps[p.listed]!);
  // Each TSA's anchor as our verification chose it: at that token's own genTime.
  const tsaAnchors = stamps.map((t) => pick([...ctx.anchors, ...anchorsFor(ctx.trust ?? [], 'tsa', new Date(t.genTime))], t.chain.at(-1)));

  const files: PackFile[] = [
    { path: 'manifest.json', data: pieces.manifest },
    { path: 'signature.p7s', data: pieces.signature },
    { path: 'signature-value.bin', data: pieces.signatureValue },
    { path: 'certs/holder-ca.pem', data: pem(holderAnchor.certificates) },
  ];
  pieces.tokens.forEach((t, i) => {
    // The TSA URL each token was asked (the receipt's, which `tsproof verify --receipt <pack>` reads back).
    files.push({ path: `timestamps/${i + 1}.tst`, data: t.token }, { path: `timestamps/${i + 1}.url`, data: `${t.tsa}\n` }, { path: `certs/tsa-${i + 1}-ca.pem`, data: pem(tsaAnchors[i]!) });
    if (t.certificates.length) files.push({ path: `certs/tsa-${i + 1}-untrusted.pem`, data: pem(t.certificates) });
  });

  // Revocation data captured at registration: each OCSP response or CRL with the certificate it is
  // about and that certificate's issuer, so that OpenSSL can check it (openssl ocsp -respin, openssl crl).
  const held = dedupe([...pieces.holderCertificates, ...pieces.tokens.flatMap((t) => [...tokenCertificates(t.token), ...t.certificates]), ...ctx.anchors, ...(ctx.trust ?? []).map((a) => a.certificate)]);
  let n = 0;
  for (const e of receipt.revocation) {
    const cert = held.find((c) => c.sha256 === e.certificate);
    const issuer = cert && held.find((c) => c.subject === cert.issuer && !c.equals(cert) && cert.isSignedBy(c));
    if (!cert || !issuer) continue;
    n++;
    files.push(
      { path: `revocation/${n}.${e.type}`, data: Buffer.from(e.data, 'base64') },
      { path: `revocation/${n}.cert.pem`, data: pem([cert]) },
      { path: `revocation/${n}.issuer.pem`, data: pem([issuer]) },
      { path: `revocation/${n}.url`, data: `${e.source}\n` },
    );
  }

  // Each renewal (RFC 4998 archive timestamp): the ArchiveTimeStamp as stored, the TSA asked,
  // the anchor our verification ended at (at its own genTime) and the certificates the token lacks.
  const renewals = verification.renewals ?? [];
  receipt.renewals.forEach((r, i) => {
    const info = renewals[i];
    const anchors = info ? pick([...ctx.anchors, ...anchorsFor(ctx.trust ?? [], 'tsa', new Date(info.genTime))], info.chain.at(-1)) : [];
    files.push({ path: `renewals/${i + 1}.ats`, data: Buffer.from(r.archiveTimeStamp, 'base64') }, { path: `renewals/${i + 1}.url`, data: `${r.tsa}\n` }, { path: `certs/renewal-${i + 1}-ca.pem`, data: pem(anchors) });
    // A renewal over the files (docs/long-term.md): marked, so that verify.sh follows a hash-tree renewal's new chain and tsproof reads the mark back.
    if (r.files) files.push({ path: `renewals/${i + 1}.files`, data: i > 0 ? 'hash-tree renewal (RFC 4998 §5.3)\n' : 'renewal over the files\n' });
    if (r.certificates.length) files.push({ path: `certs/renewal-${i + 1}-untrusted.pem`, data: pem(r.certificates.map((c) => Certificate.fromDER(Buffer.from(c, 'base64')))) });
  });

  // Each entry: its leaf bytes and its proof with the side of every sibling, so a shell can fold it.
  const entries = [...receipt.entries].sort((a, b) => a.index - b.index);
  const tree = isFullReceipt(entries, m) ? treeOfEntries(entries, m) : undefined;
  const index: string[] = [];
  for (const e of entries) {
    const proof = e.proof ?? inclusionProof(tree!, e.index).map(toHex);
    const sides = proofSides(e.index, m.merkle.count, proof.length)!;
    const id = String(e.index).padStart(6, '0');
    files.push({ path: `entries/${id}.json`, data: entryJson(e) }, { path: `entries/${id}.proof`, data: proof.map((h, k) => `${sides[k] === 'left' ? 'L' : 'R'} ${h}\n`).join('') });
    index.push(`${id}\t${e.digests[alg]}\t${e.size}\t${tsvName(e.name)}\n`);
  }
  files.push({ path: 'entries.tsv', data: index.join('') });

  const facts: PackFacts = {
    tool: ctx.tool,
    id: verification.id ?? receipt.id,
    algorithm: alg,
    root: m.merkle.root,
    count: m.merkle.count,
    disclosed: entries.length,
    time: verification.time,
    holder: verification.holder,
    holderAnchor: { basis: holderAnchor.basis, fingerprints: holderAnchor.certificates.map(describe) },
    timestamps: stamps.map((t, i) => ({ ...t, url: pieces.tokens[i]!.tsa, anchors: tsaAnchors[i]!.map(describe) })),
    entries: entries.slice(0, 20).map((e) => ({ name: e.name, size: e.size, digest: e.digests[alg as HashAlgorithm]! })),
  };
  files.push({ path: 'verify.sh', data: verifyScript(), executable: true }, { path: 'README.md', data: evidenceReadme(facts) });
  return { verification, files };
}

/** The certificates a token carries (none when it does not parse: the verification already judged it). */
function tokenCertificates(token: Uint8Array): Certificate[] {
  try {
    return parseSignedData(token, 'TimeStampToken').certificates;
  } catch {
    return [];
  }
}

function pem(certs: readonly Certificate[]): string {
  return certs.map((c) => c.toPEM()).join('');
}

function dedupe(certs: readonly Certificate[]): Certificate[] {
  return certs.filter((c, i) => certs.findIndex((d) => d.equals(c)) === i);
}

function describe(c: Certificate): { subject: string; sha256: string } {
  return { subject: c.subject, sha256: c.sha256 };
}

/**
 * entries.tsv is tab-separated text a person may print: a backslash in a name is doubled, then
 * tabs, newlines and everything else displaySafe escapes are written as `\xHH` / `\uHHHH`.
 */
function tsvName(name: string): string {
  return displaySafe(name.replace(/\\/g, '\\\\'));
}
