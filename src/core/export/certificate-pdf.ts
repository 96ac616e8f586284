/**
 * PDF certificates (docs/evidence.md): of registration (from a verified receipt) and of
 * verification (report-pdf.ts). Korean and English, laid out by pdf-layout.ts. A certificate
 * is a readable summary; the receipt remains the evidence, and the certificate says how to
 * check it independently.
 *
 * Every string from the receipt, its certificates and tokens (names, subjects, URLs, policies,
 * check details) is set through displaySafe: a PDF shows the same escapes as the terminal.
 */
import { entryLines, holderBlock, openPdf, provenTimeBlock, type Bilingual, type CertificateLang, type Pdf } from './pdf-layout.js';
import type { HolderInfo } from '../verify/receipt.js';
import type { TimestampInfo } from '../tsp/verify.js';
import type { Manifest } from '../receipt/manifest.js';
import { displaySafe } from '../display.js';
import { shellQuote } from '../verify/explain.js';

export type { CertificateLang };
/** The blocks report-pdf.ts shares with this certificate (pdf-layout.ts). */
export { holderBlock, timestampLine } from './pdf-layout.js';

export interface CertificateEntry {
  name: string;
  size: number;
  algorithm: string;
  digest: string;
}

/** The certificate of registration: what a verified receipt proves. */
export interface CertificateInput {
  lang: CertificateLang;
  receiptFile: string;
  verification: { id?: string; holder?: HolderInfo; time?: string; timestamps: readonly TimestampInfo[]; manifest?: Manifest };
  entries: CertificateEntry[];
  /** Entries registered but not shown (a batch's other files). */
  omitted: number;
  issuedAt: Date;
  tool: string;
}

/** Labels both certificates use (report-pdf.ts adds its own). */
const LABELS = {
  titleRegistration: ['원본 등록 증명서', 'Certificate of Registration'],
  holder: ['보유자', 'Holder'],
  provenTime: ['증명 시각', 'Proven time'],
  receipt: ['영수증', 'Receipt'],
  root: ['머클 루트', 'Merkle root'],
  files: ['파일', 'Files'],
  omitted: ['이 등록의 다른 파일 {n}개는 공개되지 않았습니다', '{n} other file(s) of this registration are not disclosed'],
  how: ['독립 검증 방법', 'How to verify independently'],
  issued: ['발급', 'Issued'],
  note: [
    '이 증명서는 영수증의 요약입니다. 증거는 영수증 자체이며, 누구나 파일과 영수증만으로 오프라인 검증할 수 있습니다.',
    'This certificate summarises the receipt. The receipt is the evidence; anyone can verify it offline with the file and the receipt.',
  ],
  howOne: ['이 파일만의 영수증 (이 등록의 다른 파일은 공개하지 않음)', "a receipt for this file alone (it discloses none of the registration's other files)"],
} as const satisfies Bilingual;

/** A label of LABELS in the languages of `p`. */
function label(p: Pdf, k: keyof typeof LABELS, n?: number): string {
  return p.langs.map((i) => LABELS[k][i]!.replace('{n}', String(n ?? ''))).join(' / ');
}

const HOW_TO_VERIFY = ['tsproof verify <file> --receipt <receipt>', 'tsproof export <receipt> --format evidence --out pack && bash pack/verify.sh <file>   (OpenSSL only)'];

/**
 * The "how to verify independently" section and the closing note; ends the document. With
 * `perFile` (a certificate of one file of a batch), the commands start from that file's own
 * receipt (`receipt extract`), never from the full receipt, which names every other file.
 */
export function finish(p: Pdf, perFile?: { receipt: string; file: string }): Promise<Buffer> {
  p.heading(label(p, 'how'));
  p.doc.fontSize(8);
  if (perFile) {
    const own = `${perFile.file.split('/').pop()}.tsproof.json`;
    const q = shellQuote;
    p.doc.fillColor('#555555').text(label(p, 'howOne')).fillColor('black');
    p.doc.text(displaySafe(`tsproof receipt extract ${q(perFile.receipt)} --file ${q(perFile.file)} --out ${q(own)}`));
    p.doc.text(displaySafe(`tsproof verify ${q(perFile.file)} --receipt ${q(own)}`));
    p.doc.text(displaySafe(`tsproof export ${q(own)} --format evidence --out pack && bash pack/verify.sh ${q(perFile.file)}   (OpenSSL only)`));
  } else for (const line of HOW_TO_VERIFY) p.doc.text(line);
  p.doc.moveDown(0.6).fontSize(8).fillColor('#555555');
  for (const i of p.langs) p.doc.text(LABELS.note[i]!);
  return p.end();
}

export async function renderCertificatePdf(c: CertificateInput): Promise<Buffer> {
  const v = c.verification;
  const s = displaySafe;
  const p = await openPdf({ table: LABELS, titleKey: 'titleRegistration', lang: c.lang, author: v.holder?.subject ?? '', issuedAt: c.issuedAt, tool: c.tool, issuedKey: 'issued', ...(v.id ? { reference: v.id } : {}) });
  const { doc, heading } = p;
  heading(label(p, 'holder'));
  if (v.holder) holderBlock(p, v.holder);
  heading(label(p, 'provenTime'));
  provenTimeBlock(p, v.time, v.timestamps);
  heading(label(p, 'receipt'));
  doc.text(`${s(c.receiptFile)} — ${s(v.id ?? '')}`);
  if (v.manifest)
    doc
      .fontSize(7)
      .text(`${label(p, 'root')} (${v.manifest.merkle.algorithm}, ${v.manifest.merkle.count}): ${v.manifest.merkle.root}`)
      .fontSize(9);
  heading(label(p, 'files'));
  entryLines(p, c.entries);
  if (c.omitted > 0) doc.fontSize(8).text(label(p, 'omitted', c.omitted));
  const only = c.entries.length === 1 && c.omitted > 0 ? c.entries[0]! : undefined;
  return finish(p, only ? { receipt: c.receiptFile, file: only.name } : undefined);
}
