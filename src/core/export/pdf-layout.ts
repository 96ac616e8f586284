/**
 * What every tsproof PDF shares (certificates of registration and verification, escrow
 * certificates of deposit and verification statements): A4 pages set in the vendored Noto Sans
 * KR (SIL OFL, embedded as a subset of the glyphs used), a centred title with the issue line,
 * blue section headings, grey-labelled fields, and texts in Korean, English or both.
 */
import { fileURLToPath } from 'node:url';
import { KST_HOURS, wallClock } from '../time.js';
import { displaySafe } from '../display.js';
import type { Catalog, Text } from '../text.js';

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
  /** Ends the document; resolves with its bytes. */
  end: () => Promise<Buffer>;
}

/** Opens an A4 document with the title, the issue line and the shared styles. */
export async function openPdf(o: { table: Bilingual; titleKey: string; lang: CertificateLang; author: string; issuedAt: Date; tool: string; issuedKey: string }): Promise<Pdf> {
  const { default: PDFDocument } = await import('pdfkit');
  const langs = o.lang === 'both' ? [0, 1] : o.lang === 'ko' ? [0] : [1];
  const ko: Catalog | undefined = langs.includes(0) ? (await import('../i18n/ko.js')).KO : undefined;
  const say = (k: string, n?: number) => langs.map((i) => o.table[k]![i]!.replace('{n}', String(n ?? ''))).join(' / ');
  const detail = (x: Text) => [...new Set(langs.map((i) => x.render(i === 0 ? ko : undefined, displaySafe)))].join(' / ');
  const title = say(o.titleKey);
  const doc = new PDFDocument({ size: 'A4', margin: 50, compress: true, info: { Title: title, Author: displaySafe(o.author), Creator: o.tool, CreationDate: o.issuedAt } });
  const chunks: Buffer[] = [];
  doc.on('data', (b: Buffer) => chunks.push(b));
  const done = new Promise<Buffer>((resolve) => doc.on('end', () => resolve(Buffer.concat(chunks))));
  doc.registerFont('kr', FONT);
  doc.font('kr');
  doc.fontSize(18).text(title, { align: 'center' });
  doc.moveDown(0.3).fontSize(8).fillColor('#555555').text(`${say(o.issuedKey)}: ${utc(o.issuedAt.toISOString())} · ${o.tool}`, { align: 'center' }).fillColor('black');
  return {
    doc,
    langs,
    say,
    detail,
    heading: (text) => void doc.moveDown(0.6).fontSize(11).fillColor('#1a3d6d').text(text).fillColor('black').fontSize(9),
    field: (label, value) => void doc.fontSize(9).fillColor('#555555').text(label).fillColor('black').text(value, { indent: 12 }),
    end: () => {
      doc.end();
      return done;
    },
  };
}
