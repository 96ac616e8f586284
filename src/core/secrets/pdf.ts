/**
 * The PDF of a secret's report (비밀관리 기록 보고서), Korean and/or English, in the layout of the
 * other tsproof PDFs (export/pdf-layout.ts): the same facts as `secret report`, with every event's
 * proof status. Strings from the records go through displaySafe.
 */
import { entryLines, kst, openPdf, utc, type CertificateLang } from '../export/pdf-layout.js';
import { displaySafe } from '../display.js';
import type { SecretReport } from './report.js';
import type { Person } from './model.js';

const T = {
  title: ['영업비밀 관리 기록 보고서', 'Trade Secret Management Record Report'],
  issued: ['발행', 'Issued'],
  secret: ['영업비밀', 'Secret'],
  id: ['ID', 'Id'],
  titleField: ['명칭', 'Title'],
  description: ['설명', 'Description'],
  level: ['등급', 'Classification'],
  department: ['관리 부서', 'Department'],
  custodian: ['관리책임자', 'Custodian'],
  review: ['검토 예정일', 'Review due'],
  retired: ['관리 종료', 'Retired'],
  verdict: ['기록 검증 결과', 'Verification of the records'],
  allOk: ['모든 기록이 기록자의 서명과 타임스탬프로 확인되며 해시 체인이 온전합니다', 'Every record is signed by its recorder, timestamped, and the hash chain is intact'],
  notOk: ['기록이 검증되지 않습니다 — 아래 문제를 보십시오', 'The records do NOT verify — see the problems below'],
  versions: ['버전 (파일 등록)', 'Versions (registrations of its files)'],
  classification: ['등급 이력', 'Classification history'],
  access: ['접근 권한', 'Access'],
  pledges: ['보안서약서', 'Security pledges'],
  handling: ['취급 이력', 'Handling history'],
  events: ['기록 (이벤트) 및 증명 상태', 'Records (events) and their proof'],
  none: ['없음', 'none'],
  proven: ['증명 시각', 'proven'],
  holder: ['등록자', 'holder'],
  files: ['파일 수', 'files'],
  root: ['머클 루트', 'Merkle root'],
  receipt: ['영수증 SHA-256', 'receipt SHA-256'],
  from: ['시작', 'from'],
  until: ['종료 예정', 'until'],
  revoked: ['회수', 'revoked'],
  left: ['퇴사', 'left'],
  grantedBy: ['부여자', 'granted by'],
  joining: ['입사 서약', 'joining pledge'],
  project: ['참여 서약', 'project pledge'],
  leaving: ['퇴사 서약', 'leaving pledge'],
  signedBy: ['본인 서명', 'signed by'],
  paper: ['서면 서약 (스캔 등록)', 'paper pledge (scan registered)'],
  verified: ['서명 검증됨', 'signature verified'],
  failed: ['검증 실패', 'does NOT verify'],
  unchecked: ['미검증', 'not checked'],
  document: ['서약서 문서', 'pledge document'],
  recorded: ['기록 시각', 'recorded'],
  ok: ['확인', 'ok'],
  bad: ['실패', 'FAIL'],
  by: ['기록자', 'by'],
  partner: ['상대방', 'partner'],
  nda: ['비밀유지계약 SHA-256', 'NDA SHA-256'],
  note: [
    '이 보고서의 각 기록은 기록한 사람의 인증서로 서명되고 RFC 3161 타임스탬프로 시각이 증명되며, 영업비밀별 해시 체인으로 연결되어 있습니다. 파일 내용, 명칭과 사람의 이름은 이 컴퓨터 밖으로 나가지 않았고 시점확인 기관에는 다이제스트만 전송되었습니다. 기록은 누가 언제 무엇을 기록했는지를 증명하며, 기록된 사실 자체가 참인지는 증명하지 않습니다. 제3자는 tsproof secret report --evidence로 만든 증거 패키지를 OpenSSL만으로 확인할 수 있습니다.',
    "Each record in this report is signed with its recorder's certificate, its time proven by an RFC 3161 timestamp, and chained per secret by hashes. No file content, title or name left this computer; only digests went to the time-stamping authority. The records prove who recorded what and when — not that what was recorded is true. A third party checks the evidence pack made by tsproof secret report --evidence with OpenSSL alone.",
  ],
  action_viewed: ['열람', 'viewed'],
  action_copied: ['복사', 'copied'],
  'action_taken-out': ['반출', 'taken out'],
  action_lent: ['대여', 'lent'],
  action_returned: ['반환', 'returned'],
  action_destroyed: ['파기', 'destroyed'],
  type_created: ['등록', 'created'],
  type_edited: ['변경', 'edited'],
  type_attached: ['버전 추가', 'version attached'],
  type_granted: ['권한 부여', 'access granted'],
  type_revoked: ['권한 회수', 'access revoked'],
  type_pledged: ['서약', 'pledge'],
  type_handled: ['취급', 'handling'],
  type_retired: ['관리 종료', 'retired'],
} as const;

const x = displaySafe;
const who = (p: Person) => x(p.employeeId ? `${p.name} (${p.employeeId})` : p.name);

export async function renderSecretReportPdf(r: SecretReport, o: { lang: CertificateLang; tool: string; issuedAt: Date }): Promise<Buffer> {
  // At the foot of every page: the secret, and the last record of its chain (which the report covers).
  const last = r.events.at(-1);
  const reference = last ? `${r.secret.id} · #${last.seq} SHA-256 ${last.sha256.slice(0, 16)}…` : r.secret.id;
  const pdf = await openPdf({ table: T, titleKey: 'title', lang: o.lang, author: r.secret.custodian ?? r.secret.id, issuedAt: o.issuedAt, tool: o.tool, issuedKey: 'issued', reference });
  const { doc, say, detail, heading, field, langs } = pdf;
  const when = (iso: string | undefined) => (iso ? (langs.includes(0) ? kst(iso) : utc(iso)) : '—');
  const mark = (ok: boolean) => (ok ? `[${say('ok')}]` : `[${say('bad')}]`);
  const level = r.secret.levelNames ? langs.map((i) => (i === 0 ? r.secret.levelNames!.ko : r.secret.levelNames!.en)).join(' / ') : x(r.secret.level);

  heading(say('secret'));
  field(say('id'), x(r.secret.id));
  field(say('titleField'), x(r.secret.title));
  if (r.secret.description) field(say('description'), x(r.secret.description));
  field(say('level'), level);
  if (r.secret.department) field(say('department'), x(r.secret.department));
  if (r.secret.custodian) field(say('custodian'), x(r.secret.custodian));
  if (r.secret.review) field(say('review'), r.secret.review);
  if (r.retired) field(say('retired'), `${x(r.retired.reason)} (${when(r.retired.time)})`);

  heading(say('verdict'));
  doc
    .fillColor(r.ok ? '#1b6b1b' : '#b00020')
    .text(r.ok ? say('allOk') : say('notOk'))
    .fillColor('black');
  for (const p of r.problems) doc.text(`✘ ${detail(p)}`, { indent: 12 });

  heading(say('versions'));
  if (!r.versions.length) doc.text(say('none'));
  for (const v of r.versions) {
    doc.text(`${mark(v.recordOk)} ${x(v.registration)} — ${say('proven')} ${when(v.provenTime)}; ${say('holder')} ${x(v.holder)}; ${say('files')} ${v.files}`);
    doc.text(`${say('root')} ${v.merkleRoot}`, { indent: 12 }).text(`${say('receipt')} ${v.receiptSha256}`, { indent: 12 });
    entryLines(pdf, v.entries.slice(0, 30));
    if (v.entries.length > 30) doc.text(`… ${v.entries.length - 30}`, { indent: 12 });
  }

  heading(say('classification'));
  for (const c of r.classification) {
    const l = c.names ? langs.map((i) => (i === 0 ? c.names!.ko : c.names!.en)).join(' / ') : x(c.level);
    doc.text(`${mark(c.recordOk)} ${when(c.time)}  ${l}${c.reason ? ` — ${x(c.reason)}` : ''}`);
  }

  heading(say('access'));
  if (!r.access.length) doc.text(say('none'));
  for (const a of r.access) {
    const parts = [`${say('from')} ${a.since}`];
    if (a.until) parts.push(`${say('until')} ${a.until}`);
    if (a.revoked) parts.push(`${say('revoked')} ${a.revoked.date}${a.revoked.left ? ` (${say('left')})` : ''}${a.revoked.reason ? ` — ${x(a.revoked.reason)}` : ''}`);
    doc.text(`${mark(a.recordOk)} ${who(a.person)}${a.role ? ` (${x(a.role)})` : ''}: ${parts.join('; ')}; ${say('grantedBy')} ${x(a.grantedBy)}`);
  }

  heading(say('pledges'));
  if (!r.pledges.length) doc.text(say('none'));
  for (const p of r.pledges) {
    const how = p.form === 'paper' ? say('paper') : `${say('signedBy')} ${x(p.signer?.subject ?? '?')}`;
    const status = p.status === 'paper' ? '' : ` — ${say(p.status === 'verified' ? 'verified' : p.status === 'failed' ? 'failed' : 'unchecked')}`;
    doc.text(`${mark(p.recordOk && p.status !== 'failed')} ${who(p.person)}: ${say(p.kind)} ${p.date} — ${how}${status}`);
    doc.text(`${say('document')}: ${x(p.document.name)}, SHA-256 ${p.document.sha256}`, { indent: 12 });
    for (const q of p.problems) doc.text(`✘ ${detail(q)}`, { indent: 12 });
  }

  heading(say('handling'));
  if (!r.handling.length) doc.text(say('none'));
  for (const h of r.handling) {
    const extra = [h.partner ? `${say('partner')} ${x(h.partner)}` : '', h.nda ? `${say('nda')} ${h.nda.sha256}` : '', h.note ? x(h.note) : ''].filter(Boolean).join('; ');
    doc.text(`${mark(h.recordOk)} ${h.date}  ${say(`action_${h.action}`)} — ${who(h.person)}${extra ? `; ${extra}` : ''}`);
  }

  heading(say('events'));
  for (const e of r.events) {
    doc.text(`${mark(e.ok)} #${e.seq} ${say(`type_${e.type}`)} — ${say('recorded')} ${when(e.time)}; ${say('by')} ${x(e.recorder ?? '?')}`);
    doc
      .fontSize(7)
      .fillColor('#555555')
      .text(`SHA-256 ${e.sha256} · ${x(e.registration)} · ${x(e.id)}`, { indent: 12 })
      .fillColor('black')
      .fontSize(9);
    for (const q of e.problems) doc.text(`✘ ${detail(q)}`, { indent: 12 });
  }

  doc.moveDown(1).fontSize(8).fillColor('#555555');
  for (const i of langs) doc.text(T.note[i]!);
  doc.fillColor('black');
  return pdf.end();
}
