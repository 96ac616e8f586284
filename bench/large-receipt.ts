/**
 * Builds a valid, signed and timestamped batch receipt of any number of entries without
 * hashing that many files: entries get random digests and salts, the holder is the fixture
 * holder (alice, under the fixture root CA) and the token comes from the bundled TSA code
 * in-process, with the fixture TSA key. Used by bench/receipts.ts; nothing is committed.
 */
import { createPrivateKey, randomBytes, randomUUID } from 'node:crypto';
import { createWriteStream, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { OID } from '../dist/core/asn1/oids.js';
import { toBase64, toHex } from '../dist/core/bytes.js';
import { attribute, assembleSignedData, prepareSignature } from '../dist/core/cms/build.js';
import { parseCertificates } from '../dist/core/pki/certificate.js';
import { encodeManifest } from '../dist/core/receipt/manifest.js';
import { writeLeafHash } from '../dist/core/receipt/leaf.js';
import { buildTree, treeRoot } from '../dist/core/receipt/merkle.js';
import { receiptChunks } from '../dist/core/receipt/receipt.js';
import { LocalTimestampAuthority } from '../dist/core/tsa/authority.js';
import { encodeTimeStampReq, parseTimeStampResp } from '../dist/core/tsp/messages.js';
import { hash } from '../dist/core/crypto/algorithms.js';

export const PKI = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'pki');

/**
 * Writes a full receipt of `n` entries to `file`; the last entry is `sample` (a real file's
 * name and content, so that `tsproof verify <sample>` succeeds). Returns the receipt's size.
 */
export async function writeLargeReceipt(file: string, n: number, sample: { name: string; data: Uint8Array }, when = new Date()): Promise<{ bytes: number }> {
  const receipt = buildLargeReceipt(n, sample, when);
  const out = createWriteStream(file);
  for (const chunk of receiptChunks(receipt)) if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  return { bytes: out.bytesWritten };
}

let material: { chain: ReturnType<typeof parseCertificates>; holderKey: ReturnType<typeof createPrivateKey>; tsaCert: ReturnType<typeof parseCertificates>[number]; tsaKey: ReturnType<typeof createPrivateKey> } | undefined;

/** The receipt itself (in memory): `n` entries, the last one `sample`. */
export function buildLargeReceipt(n: number, sample: { name: string; data: Uint8Array }, when = new Date()) {
  material ??= {
    chain: parseCertificates(readFileSync(path.join(PKI, 'holder-alice-chain.pem')), 'alice'),
    holderKey: createPrivateKey(readFileSync(path.join(PKI, 'holder-alice.key'))),
    tsaCert: parseCertificates(readFileSync(path.join(PKI, 'tsa-ec.pem')), 'tsa')[0]!,
    tsaKey: createPrivateKey(readFileSync(path.join(PKI, 'tsa-ec.key'))),
  };
  const { chain, holderKey, tsaCert, tsaKey } = material;

  const digests = randomBytes(32 * n).toString('hex');
  const salts = randomBytes(32 * n).toString('hex');
  // Names sort as registration sorts them (index order = name order).
  const width = String(n - 1).length;
  const entry = (i: number) => ({
    index: i,
    name: `d${String(i % 1000).padStart(3, '0')}/f${String(i).padStart(width, '0')}.bin`,
    size: 1024 + (i % 4096),
    digests: { sha256: digests.slice(i * 64, i * 64 + 64) },
    salt: salts.slice(i * 64, i * 64 + 64),
  });
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => (entry(a).name < entry(b).name ? -1 : 1));
  const entries = order.map((i, index) => ({ ...entry(i), index }));
  // Names sort after the generated ones ("d…/f….bin"), so the sample takes the last index.
  entries[n - 1] = { index: n - 1, name: sample.name, size: sample.data.byteLength, digests: { sha256: toHex(hash('sha256', sample.data)) }, salt: entries[n - 1]!.salt };
  const leaves = Buffer.allocUnsafe(32 * n);
  entries.forEach((e, i) => writeLeafHash('sha256', e, leaves, i * 32));
  const manifest = {
    format: 'tsproof.manifest' as const,
    version: 1 as const,
    id: randomUUID(),
    created: when.toISOString(),
    tsas: ['http://127.0.0.1:3161/'],
    algorithms: ['sha256' as const],
    merkle: { algorithm: 'sha256' as const, count: n, root: toHex(treeRoot(buildTree('sha256', leaves))) },
  };
  const manifestBytes = encodeManifest(manifest);
  const prepared = prepareSignature({
    key: holderKey,
    certificate: chain[0]!,
    certificates: chain,
    eContentType: OID.data,
    content: manifestBytes,
    encapsulate: false,
    signingTime: when,
    ess: 'v2',
    essChain: chain.slice(1),
  });
  const tsa = new LocalTimestampAuthority({ key: tsaKey, certificate: tsaCert, chain: [], policy: '1.2.3.4.77', clock: () => when, serials: () => BigInt(Date.now()) });
  const resp = parseTimeStampResp(tsa.respond(encodeTimeStampReq({ digestAlgorithm: 'sha256', digest: hash('sha256', prepared.signature), nonce: 1n, certReq: true })));
  const token = resp.token!;
  const cms = assembleSignedData(prepared, [attribute(OID.signatureTimeStampToken, token)]);
  const receipt = {
    format: 'tsproof.receipt' as const,
    version: 1 as const,
    id: manifest.id,
    manifest: toBase64(manifestBytes),
    signature: toBase64(cms),
    timestamps: [{ tsa: manifest.tsas[0]!, token: toBase64(token), certificates: [] }],
    entries,
    revocation: [] as [],
    renewals: [] as [],
  };
  return receipt;
}
