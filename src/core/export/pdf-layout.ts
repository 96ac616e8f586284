/**
 * What every tsproof PDF shares (certificates of registration and verification, escrow
 * certificates of deposit and verification statements, secrets reports): A4 pages set in the
 * vendored Noto Sans KR (SIL OFL, embedded as a subset of the glyphs used), a centred title with
 * the issue line, blue section headings, grey-labelled fields, "Page i of n" and the reference
 * (a receipt or record id) at the foot of every page, sizes for people beside exact bytes, texts
 * in Korean, English or both — and the blocks that say who signed, when it is proven and which
 * files (holder, timestamps, entries).
 */
import { fileURLToPath } from 'node:url';
import { KST_HOURS, wallClock } from '../time.js';
import { displaySafe } from '../display.js';
import { humanSize } from '../limits.js';
import type { Catalog, Text } from '../text.js';
import type { HolderInfo } from '../verify/receipt.js';
import type { TimestampInfo } from '../tsp/verify.js';
import { identityPhrase, revocationPhrase } from '../verify/explain.js';

export type CertificateLang = 'ko' | 'en' | 'both';

const FONT = fileURLToPath(new URL('../../../assets/fonts/NotoSansKR-Regular.ttf', import.meta.url));

/** `2026-11-22 11:08:22.506 KST (UTC+9)` */
export const kst = (iso: string) => `${wallClock(iso, KST_HOURS)} KST (UTC+9)`;
/** `2026-11-22 02:08:22.506 UTC` */
export const utc = (iso: string) => `${wallClock(iso)} UTC`;

/** A table of [Korean, English] texts; `{n}` is replaced by a number. */
export type Bilingual = Readonly<Record<string, readonly [string, string]>>;

export interface Pdf {
  doc: PDFKit.PDFDocument;
  /** The languages shown: 0 Korean, 1 English. */
  langs: readonly number[];
  /** A table entry in every language shown, joined by " / ". */
  say: (k: string, n?: number) => string;
  /** A message (Text) in every language shown (once when it has no translation), its arguments through displaySafe. */
  detail: (x: Text) => string;
  heading: (text: string) => void;
  field: (label: string, value: string) => void;
  /** A size for people with the exact count beside it: `3.2 MiB (3,355,443 bytes)`. */
  size: (bytes: number) => string;
  /** Ends the document (numbering every page, with the reference); resolves with its bytes. */
  end: () => Promise<Buffer>;
}

/** A timestamp's accuracy in ms or s: `±1.5 s`, `±250 ms`, `±0.5 ms`. */
export function accuracyText(micros: number): string {
  const trim = (v: number) => String(Number(v.toFixed(3)));
  return micros >= 1_000_000 ? `±${trim(micros / 1_000_000)} s` : `±${trim(micros / 1000)} ms`;
}

const FOOTER: Bilingual = { page: ['{i} / {n}쪽', 'Page {i} of {n}'], bytes: ['바이트', 'bytes'] };

/** Opens an A4 document with the title, the issue line and the shared styles. */
/**
 * `reference` (a receipt id) is printed with the page number at the foot of every page, so that a
 * page taken out of a court exhibit still says what it belongs to.
 */
export async function openPdf(o: { table: Bilingual; titleKey: string; lang: CertificateLang; author: string; issuedAt: Date; tool: string; issuedKey: string; reference?: string }): Promise<Pdf> {
  const { default: PDFDocument } = await import('pdfkit');
  const langs = o.lang === 'both' ? [0, 1] : o.lang === 'ko' ? [0] : [1];
  const ko: Catalog | undefined = langs.includes(0) ? (await import('../i18n/ko.js')).KO : undefined;
  const say = (k: string, n?: number) => langs.map((i) => o.table[k]![i]!.replace('{n}', String(n ?? ''))).join(' / ');
  const detail = (x: Text) => [...new Set(langs.map((i) => x.render(i === 0 ? ko : undefined, displaySafe)))].join(' / ');
  const title = say(o.titleKey);
  const doc = new PDFDocument({ size: 'A4', margin: 50, compress: true, bufferPages: true, info: { Title: title, Author: displaySafe(o.author), Creator: o.tool, CreationDate: o.issuedAt } });
  const chunks: Buffer[] = [];
  doc.on('data', (b: Buffer) => chunks.push(b));
  const done = new Promise<Buffer>((resolve) => doc.on('end', () => resolve(Buffer.concat(chunks))));
  doc.registerFont('kr', FONT);
  doc.font('kr');
  doc.fontSize(18).text(title, { align: 'center' });
  doc
    .moveDown(0.3)
    .fontSize(8)
    .fillColor('#555555')
    .text(`${say(o.issuedKey)}: ${utc(o.issuedAt.toISOString())} · ${o.tool}`, { align: 'center' })
    .fillColor('black');
  return {
    doc,
    langs,
    say,
    detail,
    heading: (text) => void doc.moveDown(0.6).fontSize(11).fillColor('#1a3d6d').text(text).fillColor('black').fontSize(9),
    field: (label, value) => void doc.fontSize(9).fillColor('#555555').text(label).fillColor('black').text(value, { indent: 12 }),
    size: (bytes) => {
      const exact = `${bytes.toLocaleString('en-US')} ${langs.map((i) => FOOTER.bytes![i]).join(' / ')}`;
      return bytes < 1024 ? exact : `${humanSize(bytes)} (${exact})`;
    },
    end: () => {
      const { start, count } = doc.bufferedPageRange();
      for (let i = start; i < start + count; i++) {
        doc.switchToPage(i);
        const page = langs.map((l) => FOOTER.page![l]!.replace('{i}', String(i - start + 1)).replace('{n}', String(count))).join(' / ');
        const bottom = doc.page.margins.bottom;
        doc.page.margins.bottom = 0; // writing in the margin must not start a new page
        doc
          .fontSize(7)
          .fillColor('#555555')
          .text(o.reference ? `${page} · ${displaySafe(o.reference)}` : page, 50, doc.page.height - 32, { width: doc.page.width - 100, align: 'center', lineBreak: false });
        doc.page.margins.bottom = bottom;
      }
      doc.fillColor('black');
      doc.end();
      return done;
    },
  };
}

/** Labels of the shared blocks below. */
const BLOCKS = {
  identity: ['신원', 'Identity'],
  issuer: ['발급자', 'Issuer'],
  certificate: ['인증서 SHA-256', 'Certificate SHA-256'],
  tsa: ['시점확인 기관 (TSA)', 'Timestamp authority (TSA)'],
  accuracy: ['정확도', 'accuracy'],
  serial: ['일련번호', 'serial'],
  policy: ['정책', 'policy'],
  issuedBy: ['발급 기관', 'issued by'],
} as const satisfies Bilingual;

function label(p: Pdf, k: keyof typeof BLOCKS): string {
  return p.langs.map((i) => BLOCKS[k][i]!).join(' / ');
}

/** The holder: subject, issuer, who vouches (and whether revocation was checked), certificate fingerprint. */
export function holderBlock(p: Pdf, h: HolderInfo): void {
  p.doc.fontSize(9).text(displaySafe(h.subject));
  p.field(label(p, 'issuer'), displaySafe(h.issuer));
  p.field(label(p, 'identity'), p.detail(identityPhrase(h)));
  p.doc
    .fontSize(7)
    .text(`${label(p, 'certificate')} ${h.certificateSha256}`)
    .fontSize(9);
}

/** One timestamp: TSA, serial, accuracy, policy; whether the TSA certificate's revocation was checked. */
export function timestampLine(p: Pdf, ts: TimestampInfo): void {
  const s = displaySafe;
  // The CA that issued the TSA's certificate: the next on its path, else the anchor it ends at.
  const ca = ts.chain[1] ?? ts.anchor?.subject;
  p.field(
    label(p, 'tsa'),
    `${s(ts.tsa)}${ca && ca !== ts.tsa ? ` — ${label(p, 'issuedBy')} ${s(ca)}` : ''} — ${label(p, 'serial')} ${s(ts.serial)}${ts.accuracyMicros ? `, ${label(p, 'accuracy')} ${accuracyText(ts.accuracyMicros)}` : ''}, ${label(p, 'policy')} ${s(ts.policy)}; ${p.detail(revocationPhrase(ts.revocation))}`,
  );
}

/** The proven time (UTC and KST), then each timestamp that proves it. */
export function provenTimeBlock(p: Pdf, time: string | undefined, timestamps: readonly TimestampInfo[]): void {
  if (time) p.doc.fontSize(11).text(utc(time)).text(kst(time)).fontSize(9);
  for (const ts of timestamps) timestampLine(p, ts);
}

/** Files: each name, and below it its size and digest (`algorithm`: of those that do not say; `status`: after each name). */
export function entryLines(p: Pdf, entries: readonly { name: string; size: number; digest: string; algorithm?: string }[], algorithm = 'sha256', status?: string): void {
  for (const e of entries) {
    p.doc.fontSize(9).text(`${displaySafe(e.name)}${status ? `  [${status}]` : ''}`);
    p.doc
      .fontSize(7)
      .fillColor('#333333')
      .text(`${p.size(e.size)} · ${e.algorithm ?? algorithm} ${displaySafe(e.digest)}`, { indent: 12 })
      .fillColor('black');
  }
}
