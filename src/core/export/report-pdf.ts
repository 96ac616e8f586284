/**
 * The certificate of verification (`verify --report`, docs/evidence.md): a report a court can
 * read — each file's status as verification found it (matches, modified with both digests, not
 * covered), the examined receipts with their SHA-256, the holder with issuer, the CA that vouched
 * and whether revocation was checked, the proven (or merely claimed) time, the trust anchors
 * relied on with their SHA-256, failures explained in plain words; the commands that help in an
 * appendix, and every check after it. One report covers files of several receipts.
 *
 * Every string from receipts, certificates, tokens and file names is set through displaySafe.
 */
import { displaySafe } from '../display.js';
import { t, type Text } from '../text.js';
import type { Check } from '../verify/checks.js';
import { explain, remedies, type Explained } from '../verify/explain.js';
import type { FileStatus, HolderInfo, UntrustedAnchor } from '../verify/receipt.js';
import type { Reason } from '../verify/verdict.js';
import type { TimestampInfo } from '../tsp/verify.js';
import type { ReceiptKind } from '../receipt/source.js';
import type { Entry } from '../receipt/manifest.js';
import type { HashAlgorithm } from '../crypto/algorithms.js';
import { finish, holderBlock, timestampLine } from './certificate-pdf.js';
import { kst, openPdf, utc, type Bilingual, type CertificateLang, type Pdf } from './pdf-layout.js';

export interface ReportReceipt {
  /** As the user gave it. */
  file: string;
  kind?: ReceiptKind;
  sha256?: string;
  id?: string;
  ok: boolean;
  reason: Reason;
  holder?: HolderInfo;
  time?: string;
  claimedTime?: string;
  timestamps: readonly TimestampInfo[];
  untrusted?: readonly UntrustedAnchor[];
  /** The receipt's own checks (the files' are with each file). */
  checks: readonly Check[];
}

export interface ReportFile {
  file: string;
  /** Index into `receipts`; absent when no receipt was found. */
  receipt?: number;
  status: FileStatus | 'no receipt';
  reason: Reason;
  entry?: Entry;
  actual?: { size: number; digests: Partial<Record<HashAlgorithm, string>> };
  /** Every check of the file (the receipt's and its own). */
  checks: readonly Check[];
}

export interface ReportInput {
  lang: CertificateLang;
  receipts: readonly ReportReceipt[];
  files: readonly ReportFile[];
  ok: boolean;
  issuedAt: Date;
  tool: string;
}

const R = {
  title: ['원본 검증 증명서', 'Certificate of Verification'],
  verdict: ['결과', 'Result'],
  verified: ['검증 성공: 모든 파일이 영수증과 일치하며 모든 서명과 타임스탬프가 유효합니다', 'VERIFIED: every file matches its receipt and every signature and timestamp is valid'],
  failed: ['검증 실패', 'VERIFICATION FAILED'],
  files: ['파일', 'Files'],
  receipt: ['영수증', 'Receipt'],
  registeredAs: ['등록 이름', 'Registered as'],
  registered: ['등록된 값', 'Registered'],
  thisFile: ['이 파일', 'This file'],
  notInReceipt: ['이 영수증에 없음', 'not in this receipt'],
  examined: ['검사한 영수증의 SHA-256', 'SHA-256 of the receipt examined'],
  examinedZip: ['검사한 증거 패키지(zip)의 SHA-256', 'SHA-256 of the evidence pack (zip) examined'],
  examinedFolder: ['검사한 증거 패키지 폴더의 signature.p7s SHA-256', 'SHA-256 of signature.p7s of the evidence pack folder examined'],
  id: ['등록 ID', 'Registration id'],
  holder: ['보유자', 'Holder'],
  provenTime: ['증명 시각', 'Proven time'],
  claimedTime: ['주장된 시각 (증명되지 않음: 이 컴퓨터가 TSA 루트를 신뢰하지 않음)', 'Claimed time (NOT proven: this computer does not trust the TSA root)'],
  noTime: ['증명된 시각 없음', 'No proven time'],
  anchors: ['의존한 신뢰 기준', 'Trust anchors relied on'],
  anchorHolder: ['보유자', 'holder'],
  anchorTsa: ['타임스탬프', 'timestamp'],
  untrusted: ['신뢰하지 않는 루트', 'Roots not trusted here'],
  noAnchors: ['없음', 'none'],
  why: ['실패 이유', 'Why it failed'],
  appendixA: ['부록 A — 할 수 있는 일', 'Appendix A — What can be done'],
  appendixB: ['부록 B — 모든 검증 항목', 'Appendix B — Every check'],
  noReceipt: ['영수증 없음', 'no receipt'],
  matches: ['일치', 'matches'],
  modified: ['변경됨', 'MODIFIED'],
  missing: ['없음', 'MISSING'],
  'not covered': ['이 영수증의 파일이 아님', 'NOT COVERED by this receipt'],
  'not checked': ['확인 안 함', 'not checked'],
  'no receipt': ['영수증 없음', 'NO RECEIPT'],
  pass: ['통과', 'pass'],
  warn: ['경고', 'warning'],
  fail: ['실패', 'FAIL'],
  skip: ['생략', 'skipped'],
  bytes: ['바이트', 'bytes'],
  issued: ['발급', 'Issued'],
} as const satisfies Bilingual;

/** "3 file(s): 1 matches, 1 modified, 1 not covered" */
function summary(files: readonly ReportFile[]): Text {
  const n = (s: ReportFile['status']) => files.filter((f) => f.status === s).length;
  return t`${files.length} file(s): ${n('matches')} match, ${n('modified')} modified, ${n('not covered')} not covered, ${n('not checked') + n('no receipt')} not checked`;
}

export async function renderReportPdf(c: ReportInput): Promise<Buffer> {
  const s = displaySafe;
  const ids = c.receipts.flatMap((r) => (r.id ? [r.id] : []));
  const p = await openPdf({
    table: R,
    titleKey: 'title',
    lang: c.lang,
    author: c.receipts.find((r) => r.holder)?.holder?.subject ?? '',
    issuedAt: c.issuedAt,
    tool: c.tool,
    issuedKey: 'issued',
    ...(ids.length ? { reference: ids.length === 1 ? ids[0]! : `${ids[0]!} +${ids.length - 1}` } : {}),
  });
  const { doc, detail, heading, field } = p;
  const say = (k: keyof typeof R) => p.say(k);
  const red = '#aa1111';

  heading(say('verdict'));
  doc
    .fontSize(11)
    .fillColor(c.ok ? '#116611' : red)
    .text(c.ok ? say('verified') : say('failed'))
    .fillColor('black')
    .fontSize(9);
  doc.text(detail(summary(c.files)));

  // Each file as verification found it: status, registered name, both fingerprints, why it failed.
  heading(say('files'));
  for (const f of c.files) {
    const bad = f.status !== 'matches';
    doc
      .fontSize(9)
      .fillColor(bad ? red : 'black')
      .text(`${s(f.file)}  [${say(f.status)}]`)
      .fillColor('black');
    const where = f.receipt !== undefined ? `${say('receipt')} ${f.receipt + 1}` : say('noReceipt');
    doc.fontSize(8).text(f.entry ? `${say('registeredAs')}: "${s(f.entry.name)}" — ${where}` : `${say('registeredAs')}: — (${say('notInReceipt')}) — ${where}`, { indent: 12 });
    const alg = (f.entry && (Object.keys(f.entry.digests)[0] as HashAlgorithm)) || (f.actual && (Object.keys(f.actual.digests)[0] as HashAlgorithm)) || 'sha256';
    doc.fontSize(7).fillColor('#333333');
    if (f.entry) doc.text(`${say('registered')}: ${p.size(f.entry.size)} · ${alg} ${s(f.entry.digests[alg] ?? '—')}`, { indent: 12 });
    if (f.actual) doc.text(`${say('thisFile')}: ${p.size(f.actual.size)} · ${alg} ${s(f.actual.digests[alg] ?? '—')}`, { indent: 12 });
    doc.fillColor('black');
    const receipt = f.receipt !== undefined ? c.receipts[f.receipt] : undefined;
    for (const line of explain(explained(f, receipt)))
      doc
        .fontSize(8)
        .fillColor(bad ? red : 'black')
        .text(detail(line), { indent: 12 })
        .fillColor('black');
    doc.moveDown(0.2);
  }

  // Each receipt examined: what it is, who, when, under which anchors.
  c.receipts.forEach((r, i) => {
    heading(`${say('receipt')} ${i + 1}: ${s(r.file)}`);
    if (r.sha256) field(say(r.kind === 'pack-zip' ? 'examinedZip' : r.kind === 'pack-folder' ? 'examinedFolder' : 'examined'), r.sha256);
    if (r.id) field(say('id'), s(r.id));
    if (!r.ok)
      for (const line of explain({ reason: r.reason, checks: r.checks, ...(r.holder ? { holder: r.holder } : {}), ...(r.untrusted ? { untrusted: r.untrusted } : {}), ...(r.claimedTime ? { claimedTime: r.claimedTime } : {}) }))
        doc.fontSize(8).fillColor(red).text(detail(line)).fillColor('black');
    doc.fontSize(9).fillColor('#555555').text(say('holder')).fillColor('black');
    if (r.holder) holderBlock(p, r.holder);
    if (r.time) field(say('provenTime'), `${utc(r.time)} · ${kst(r.time)}`);
    else if (r.claimedTime) field(say('claimedTime'), `${utc(r.claimedTime)} · ${kst(r.claimedTime)}`);
    else field(say('provenTime'), say('noTime'));
    for (const ts of r.timestamps) timestampLine(p, ts);
    const anchors = [
      ...(r.holder?.anchor ? [`${say('anchorHolder')}: "${s(r.holder.anchor.subject)}" SHA-256 ${r.holder.anchor.sha256}`] : []),
      ...r.timestamps.flatMap((ts, k) => (ts.anchor ? [`${say('anchorTsa')} ${k + 1}: "${s(ts.anchor.subject)}" SHA-256 ${ts.anchor.sha256}`] : [])),
    ];
    field(say('anchors'), anchors.length ? anchors.join('\n') : say('noAnchors'));
    if (r.untrusted?.length) field(say('untrusted'), r.untrusted.map((u) => `${u.for === 'holder' ? say('anchorHolder') : say('anchorTsa')}: "${s(u.subject)}" SHA-256 ${u.sha256}`).join('\n'));
  });

  // What can be done: the commands, kept out of the findings above.
  const steps = c.files.flatMap((f) => {
    const receipt = f.receipt !== undefined ? c.receipts[f.receipt] : undefined;
    return remedies(explained(f, receipt), { file: f.file, ...(receipt ? { receipt: receipt.file } : {}) }).map((r) => ({ file: f.file, ...r }));
  });
  if (steps.length) {
    heading(say('appendixA'));
    const seen = new Set<string>();
    for (const st of steps) {
      const key = `${detail(st.text)}|${st.command ?? ''}`;
      if (seen.has(key)) continue;
      seen.add(key);
      doc.fontSize(8).text(detail(st.text));
      if (st.command) doc.fontSize(8).fillColor('#333333').text(s(st.command), { indent: 12 }).fillColor('black');
    }
  }

  heading(say('appendixB'));
  c.receipts.forEach((r, i) => {
    doc
      .fontSize(8)
      .fillColor('#555555')
      .text(`${say('receipt')} ${i + 1}: ${s(r.file)}`)
      .fillColor('black');
    checkLines(p, r.checks);
  });
  for (const f of c.files) {
    const own = f.checks.filter((k) => k.id.startsWith('file.') || k.id === 'receipt.located');
    if (!own.length) continue;
    doc.fontSize(8).fillColor('#555555').text(s(f.file)).fillColor('black');
    checkLines(p, own);
  }
  return finish(p);
}

function explained(f: ReportFile, r: ReportReceipt | undefined): Explained {
  return {
    reason: f.reason,
    checks: f.checks,
    ...(f.entry ? { entry: f.entry } : {}),
    ...(f.actual ? { actual: f.actual } : {}),
    ...(r?.holder ? { holder: r.holder } : {}),
    ...(r?.untrusted ? { untrusted: r.untrusted } : {}),
    ...(r?.claimedTime ? { claimedTime: r.claimedTime } : {}),
  };
}

function checkLines(p: Pdf, checks: readonly Check[]): void {
  for (const k of checks) {
    p.doc
      .fontSize(7)
      .fillColor(k.status === 'fail' ? '#aa1111' : k.status === 'warn' ? '#996600' : 'black')
      .text(`${p.say(k.status)}  ${k.subject ? `${displaySafe(k.subject)} ` : ''}${k.id} — ${p.detail(k.detail)}`, { indent: 6 })
      .fillColor('black');
  }
}
