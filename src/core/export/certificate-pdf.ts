/**
 * PDF certificates (docs/evidence.md): of registration (from a verified receipt) and of
 * verification (every check and its result). Korean and English, set in the vendored Noto Sans KR
 * (SIL OFL), which pdfkit embeds as a subset of the glyphs used. A certificate
 * is a readable summary; the receipt remains the evidence, and the certificate says how to
 * check it independently.
 *
 * Every string from the receipt, its certificates and tokens (names, subjects, URLs, policies,
 * check details) is set through displaySafe: a PDF shows the same escapes as the terminal.
 */
import { kst, openPdf, utc, type CertificateLang } from './pdf-layout.js';
import type { Check } from '../verify/checks.js';
import type { FileStatus, HolderInfo } from '../verify/receipt.js';
import type { TimestampInfo } from '../tsp/verify.js';
import type { Manifest } from '../receipt/manifest.js';
import { displaySafe } from '../display.js';

export type { CertificateLang };

export interface CertificateEntry {
  name: string;
  size: number;
  algorithm: string;
  digest: string;
  /** Verification certificates: what verification found for the local file (verify/receipt.ts fileStatus). */
  status?: FileStatus;
}

export interface CertificateInput {
  kind: 'registration' | 'verification';
  lang: CertificateLang;
  receiptFile: string;
  /** What was proven: a receipt's verification, or a file verification (no manifest). */
  verification: { id?: string; holder?: HolderInfo; time?: string; timestamps: readonly TimestampInfo[]; manifest?: Manifest };
  entries: CertificateEntry[];
  /** Entries registered but not shown (a batch's other files). */
  omitted: number;
  /** Verification certificates: the checks, the verdict, when it was done. */
  checks?: readonly Check[];
  ok?: boolean;
  issuedAt: Date;
  tool: string;
}

const T = {
  titleRegistration: ['원본 등록 증명서', 'Certificate of Registration'],
  titleVerification: ['원본 검증 증명서', 'Certificate of Verification'],
  holder: ['보유자', 'Holder'],
  identity: ['신원', 'Identity'],
  provenTime: ['증명 시각', 'Proven time'],
  tsa: ['시점확인 기관 (TSA)', 'Timestamp authority (TSA)'],
  receipt: ['영수증', 'Receipt'],
  root: ['머클 루트', 'Merkle root'],
  files: ['파일', 'Files'],
  checks: ['검증 항목', 'Checks'],
  verdict: ['결과', 'Result'],
  verified: ['검증 성공: 파일과 영수증이 일치하며 모든 서명과 타임스탬프가 유효합니다', 'VERIFIED: the files match the receipt and every signature and timestamp is valid'],
  failed: ['검증 실패', 'VERIFICATION FAILED'],
  omitted: ['이 등록의 다른 파일 {n}개는 공개되지 않았습니다', '{n} other file(s) of this registration are not disclosed'],
  how: ['독립 검증 방법', 'How to verify independently'],
  issued: ['발급', 'Issued'],
  note: [
    '이 증명서는 영수증의 요약입니다. 증거는 영수증 자체이며, 누구나 파일과 영수증만으로 오프라인 검증할 수 있습니다.',
    'This certificate summarises the receipt. The receipt is the evidence; anyone can verify it offline with the file and the receipt.',
  ],
  accuracy: ['정확도', 'accuracy'],
  serial: ['일련번호', 'serial'],
  policy: ['정책', 'policy'],
  bytes: ['바이트', 'bytes'],
  'ca-verified': ['인증기관 확인', 'certified by a trusted CA'],
  'self-asserted': ['자기 주장 (인증기관 보증 없음)', 'self-asserted (no CA vouches for the name)'],
  unverified: ['확인되지 않음', 'not verified'],
  matches: ['일치', 'matches'],
  modified: ['변경됨', 'MODIFIED'],
  missing: ['없음', 'MISSING'],
  'not registered': ['등록되지 않음', 'NOT REGISTERED'],
  'not checked': ['확인 안 함', 'not checked'],
  pass: ['통과', 'pass'],
  warn: ['경고', 'warning'],
  fail: ['실패', 'FAIL'],
  skip: ['생략', 'skipped'],
} as const;

export async function renderCertificatePdf(c: CertificateInput): Promise<Buffer> {
  const pdf = await openPdf({ table: T, titleKey: c.kind === 'registration' ? 'titleRegistration' : 'titleVerification', lang: c.lang, author: c.verification.holder?.subject ?? '', issuedAt: c.issuedAt, tool: c.tool, issuedKey: 'issued' });
  const { doc, langs, heading, field, detail } = pdf;
  const s = displaySafe;
  const say = (k: keyof typeof T, n?: number) => pdf.say(k, n);
  const v = c.verification;

  if (c.kind === 'verification') {
    heading(say('verdict'));
    doc.fontSize(11).fillColor(c.ok ? '#116611' : '#aa1111').text(c.ok ? say('verified') : say('failed')).fillColor('black').fontSize(9);
  }
  heading(say('holder'));
  if (v.holder) {
    doc.text(s(v.holder.subject));
    field(say('identity'), `${say(v.holder.identity)} — ${v.holder.chain.map(s).join(' ← ')}`);
    doc.fontSize(7).text(`SHA-256 ${v.holder.certificateSha256}`);
  }
  heading(say('provenTime'));
  if (v.time) doc.fontSize(11).text(utc(v.time)).text(kst(v.time)).fontSize(9);
  for (const t of v.timestamps) field(say('tsa'), `${s(t.tsa)} — ${say('serial')} ${s(t.serial)}${t.accuracyMicros ? `, ${say('accuracy')} ±${t.accuracyMicros / 1e6} s` : ''}, ${say('policy')} ${s(t.policy)}`);
  heading(say('receipt'));
  doc.text(`${s(c.receiptFile)} — ${s(v.id ?? '')}`);
  if (v.manifest) doc.fontSize(7).text(`${say('root')} (${v.manifest.merkle.algorithm}, ${v.manifest.merkle.count}): ${v.manifest.merkle.root}`).fontSize(9);

  heading(say('files'));
  for (const e of c.entries) {
    doc.fontSize(9).text(`${s(e.name)}${e.status ? `  [${say(e.status)}]` : ''}`);
    doc.fontSize(7).fillColor('#333333').text(`${e.size} ${say('bytes')} · ${e.algorithm} ${s(e.digest)}`, { indent: 12 }).fillColor('black');
  }
  if (c.omitted > 0) doc.fontSize(8).text(say('omitted', c.omitted));

  if (c.checks) {
    heading(say('checks'));
    for (const k of c.checks) {
      doc.fontSize(7).fillColor(k.status === 'fail' ? '#aa1111' : k.status === 'warn' ? '#996600' : 'black').text(`${say(k.status)}  ${k.subject ? `${s(k.subject)} ` : ''}${k.id} — ${detail(k.detail)}`).fillColor('black');
    }
  }

  heading(say('how'));
  doc.fontSize(8).text('tsproof verify <file> --receipt <receipt>');
  doc.text('tsproof export <receipt> --format evidence --out pack && bash pack/verify.sh <file>   (OpenSSL only)');
  doc.moveDown(0.6).fontSize(8).fillColor('#555555');
  for (const i of langs) doc.text(T.note[i]!);
  return pdf.end();
}
