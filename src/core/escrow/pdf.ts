/**
 * Escrow PDFs (docs/escrow.md), Korean and/or English, in the layout of the other certificates
 * (export/pdf-layout.ts): the certificate of deposit (임치증서), from a deposit whose receipt
 * and statement check out, and the agent's verification statement (검증임치 확인서).
 */
import { entryLines, holderBlock, kst, openPdf, provenTimeBlock, utc, type CertificateLang, type Pdf } from '../export/pdf-layout.js';
import { displaySafe } from '../display.js';
import type { Check } from '../verify/checks.js';
import type { ReceiptVerification } from '../verify/receipt.js';
import type { DepositStatement } from './statements.js';
import type { RecipientSummary } from './recipients.js';

const T = {
  titleDeposit: ['기술자료 임치증서', 'Certificate of Deposit (Technology Escrow)'],
  titleVerification: ['검증임치 확인서', 'Escrow Verification Statement'],
  issued: ['발급', 'Issued'],
  depositor: ['임치인 (등록자)', 'Depositor (holder of the registration)'],
  agent: ['임치기관', 'Escrow agent'],
  beneficiary: ['수혜기업 (사용권자)', 'Beneficiary (licensee)'],
  recipient: ['수신자', 'Recipient'],
  provenTime: ['증명 시각 (등록)', 'Proven time (of the registration)'],
  deposit: ['임치물', 'Deposit'],
  file: ['파일', 'File'],
  id: ['임치 ID', 'Deposit id'],
  created: ['봉인 시각 (임치인 시계)', "Sealed (depositor's clock)"],
  size: ['크기', 'Size'],
  sha256: ['SHA-256 (임치물 파일 전체)', 'SHA-256 (the whole deposit file)'],
  encryption: ['암호화', 'Encryption'],
  previous: ['이전 임치물 (갱신)', 'Previous deposit (this one updates it)'],
  registration: ['등록', 'Registration'],
  receipt: ['영수증', 'Receipt'],
  root: ['머클 루트', 'Merkle root'],
  files: ['임치 파일', 'Deposited files'],
  verdict: ['결과', 'Result'],
  verified: ['검증 완료: 임치물에는 등록된 파일이 정확히 들어 있습니다', 'VERIFIED: the deposit contains exactly the registered files'],
  verifiedBy: ['검증한 임치기관', 'Verified by the escrow agent'],
  verifiedAt: ['검증 시각 (임치기관 시계)', "Verified at (the agent's clock)"],
  statementFile: ['확인서 원본 (서명·타임스탬프)', 'Statement (signed and timestamped)'],
  checks: ['검증 항목', 'Checks'],
  how: ['독립 확인 방법', 'How to check independently'],
  matches: ['일치', 'matches'],
  pass: ['통과', 'pass'],
  warn: ['경고', 'warning'],
  fail: ['실패', 'FAIL'],
  skip: ['생략', 'skipped'],
  noteDeposit: [
    '임치물은 위 수신자만 열 수 있도록 암호화되어 있습니다 (위 암호화 항목). 이 증서는 임치물과 그 안의 등록 영수증을 요약한 것이며, 임치물 파일의 SHA-256으로 같은 임치물인지 확인할 수 있습니다. 내용 확인은 임치기관이 tsproof escrow verify로 합니다.',
    'The deposit is encrypted so that only the recipients above can open it (see Encryption above). This certificate summarises the deposit and the registration receipt it carries; the SHA-256 identifies the deposit file. The escrow agent checks the content with tsproof escrow verify.',
  ],
  noteVerification: [
    '이 확인서는 임치기관이 임치물을 복호화하여 모든 파일을 등록 영수증과 대조한 결과입니다. 확인서 원본(JSON)은 임치기관의 서명과 타임스탬프로 등록되어 있습니다.',
    "This statement is the escrow agent's result of decrypting the deposit and comparing every file with the registration receipt. The statement itself (JSON) is registered with the agent's signature and a timestamp.",
  ],
} as const;

export interface DepositCertificateInput {
  lang: CertificateLang;
  issuedAt: Date;
  tool: string;
  depositFile: string;
  sha256: string;
  bytes: number;
  statement?: DepositStatement;
  recipients: readonly RecipientSummary[];
  verification: ReceiptVerification;
  entries: readonly { name: string; size: number; digest: string }[];
  /** How the content is encrypted: as tsproof writes it (--cipher), or plain EnvelopedData (OpenSSL's). */
  encryption: DepositEncryption;
}

export type DepositEncryption = 'aes-256-gcm' | 'aes-256-cbc+gmac' | 'cbc';

const ENCRYPTION: Record<DepositEncryption, string> = {
  'aes-256-gcm': 'CMS AuthEnvelopedData (RFC 5083), AES-256-GCM',
  'aes-256-cbc+gmac': 'CMS EnvelopedData (RFC 5652), AES-256-CBC, AES-256-GMAC',
  cbc: 'CMS EnvelopedData (RFC 5652), CBC',
};

function holderSection(pdf: Pdf, v: ReceiptVerification, titleKey: 'depositor'): void {
  pdf.heading(pdf.say(titleKey));
  if (v.holder) holderBlock(pdf, v.holder);
}

function timeSection(pdf: Pdf, v: ReceiptVerification): void {
  pdf.heading(pdf.say('provenTime'));
  provenTimeBlock(pdf, v.time, v.timestamps);
}

function filesSection(pdf: Pdf, algorithm: string, entries: DepositCertificateInput['entries'], status?: string): void {
  pdf.heading(pdf.say('files'));
  entryLines(pdf, entries, algorithm, status);
}

/** 임치증서: who deposited what, for whom, when it is proven to have existed, and which file the deposit is. */
export async function renderDepositCertificate(c: DepositCertificateInput): Promise<Buffer> {
  const v = c.verification;
  const reference = c.statement?.id ?? v.id;
  const pdf = await openPdf({ table: T, titleKey: 'titleDeposit', lang: c.lang, author: v.holder?.subject ?? '', issuedAt: c.issuedAt, tool: c.tool, issuedKey: 'issued', ...(reference ? { reference } : {}) });
  const { doc, heading, field, say, langs } = pdf;
  holderSection(pdf, v, 'depositor');

  // Recipients: the statement says who is the agent and who a beneficiary; the envelope names them by issuer and serial.
  const named = c.statement?.recipients ?? [];
  for (const r of c.recipients) {
    const s = named.find((n) => n.issuer === r.issuer && n.serial === r.serial);
    heading(say(s ? s.role : 'recipient'));
    doc.text(displaySafe(s ? s.subject : `${r.issuer ?? r.keyId ?? ''}`));
    doc
      .fontSize(7)
      .text(`${r.scheme}${r.serial ? ` · serial ${r.serial}` : ''}${s ? ` · SHA-256 ${s.certificateSha256}` : ''}`)
      .fontSize(9);
  }
  timeSection(pdf, v);

  heading(say('deposit'));
  field(say('file'), displaySafe(c.depositFile));
  if (c.statement) {
    field(say('id'), c.statement.id);
    field(say('created'), `${utc(c.statement.created)} (${kst(c.statement.created)})`);
  }
  field(say('size'), pdf.size(c.bytes));
  field(say('sha256'), c.sha256);
  field(say('encryption'), ENCRYPTION[c.encryption]);
  if (c.statement?.previous) field(say('previous'), `${c.statement.previous.id} — SHA-256 ${c.statement.previous.sha256}`);

  heading(say('registration'));
  field(say('receipt'), v.id ?? '');
  if (v.manifest)
    doc
      .fontSize(7)
      .text(`${say('root')} (${v.manifest.merkle.algorithm}, ${v.manifest.merkle.count}): ${v.manifest.merkle.root}`)
      .fontSize(9);
  filesSection(pdf, v.manifest?.merkle.algorithm ?? 'sha256', c.entries);

  heading(say('how'));
  doc.fontSize(8).text(`sha256sum ${displaySafe(c.depositFile)}`);
  doc.text(`tsproof escrow inspect ${displaySafe(c.depositFile)}`);
  doc.text(`openssl cms -decrypt -binary -inform DER -in ${displaySafe(c.depositFile)} -inkey <key> -recip <certificate> | tar -tv`);
  doc.moveDown(0.6).fontSize(8).fillColor('#555555');
  for (const i of langs) doc.text(T.noteDeposit[i]!);
  return pdf.end();
}

export interface VerificationStatementPdfInput {
  lang: CertificateLang;
  issuedAt: Date;
  tool: string;
  statementFile: string;
  depositFile: string;
  sha256: string;
  bytes: number;
  statement?: DepositStatement;
  agent: { subject: string; certificateSha256: string };
  verification: ReceiptVerification;
  entries: readonly { name: string; size: number; digest: string }[];
  checks: readonly Check[];
}

/** 검증임치 확인서: the agent's verdict, every file, every check. */
export async function renderVerificationStatementPdf(c: VerificationStatementPdfInput): Promise<Buffer> {
  const v = c.verification;
  const reference = c.statement?.id ?? v.id;
  const pdf = await openPdf({ table: T, titleKey: 'titleVerification', lang: c.lang, author: c.agent.subject, issuedAt: c.issuedAt, tool: c.tool, issuedKey: 'issued', ...(reference ? { reference } : {}) });
  const { doc, heading, field, say, detail, langs } = pdf;
  heading(say('verdict'));
  doc.fontSize(11).fillColor('#116611').text(say('verified')).fillColor('black').fontSize(9);
  heading(say('verifiedBy'));
  doc.text(displaySafe(c.agent.subject));
  doc.fontSize(7).text(`SHA-256 ${c.agent.certificateSha256}`).fontSize(9);
  field(say('verifiedAt'), `${utc(c.issuedAt.toISOString())} (${kst(c.issuedAt.toISOString())})`);
  holderSection(pdf, v, 'depositor');
  timeSection(pdf, v);
  heading(say('deposit'));
  field(say('file'), displaySafe(c.depositFile));
  if (c.statement) field(say('id'), c.statement.id);
  field(say('size'), pdf.size(c.bytes));
  field(say('sha256'), c.sha256);
  if (c.statement?.previous) field(say('previous'), `${c.statement.previous.id} — SHA-256 ${c.statement.previous.sha256}`);
  field(say('statementFile'), `${displaySafe(c.statementFile)} (+ ${displaySafe(c.statementFile)}.tsproof.json)`);
  filesSection(pdf, v.manifest?.merkle.algorithm ?? 'sha256', c.entries, say('matches'));
  heading(say('checks'));
  for (const k of c.checks) {
    doc
      .fontSize(7)
      .fillColor(k.status === 'fail' ? '#aa1111' : k.status === 'warn' ? '#996600' : 'black')
      .text(`${say(k.status)}  ${k.subject ? `${displaySafe(k.subject)} ` : ''}${k.id} — ${detail(k.detail)}`)
      .fillColor('black');
  }
  heading(say('how'));
  doc.fontSize(8).text(`tsproof verify ${displaySafe(c.statementFile)}`);
  doc.moveDown(0.6).fontSize(8).fillColor('#555555');
  for (const i of langs) doc.text(T.noteVerification[i]!);
  return pdf.end();
}
