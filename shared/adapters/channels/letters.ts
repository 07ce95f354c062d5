import { PutObjectCommand } from '@aws-sdk/client-s3';
import { PDFDocument, StandardFonts, rgb } from 'pdf-lib';
import { LETTER_PREFIX } from './letter-keys';
import { letterBucket, letterLink, letterS3 } from './letter-links';

export interface LetterContent {
  sender: { name: string; address: string[] };
  recipient: { name: string; address: string[] };
  date: string;
  subject: string;
  body: string;
  footer?: string;
}

/** WinAnsi (the standard fonts' encoding) cannot draw every character; replace what it cannot. */
function printable(s: string): string {
  return s.replace(/[\u2018\u2019]/g, "'").replace(/[\u201C\u201D]/g, '"').replace(/[\u2013\u2014]/g, '-').replace(/[^\x20-\x7E\xA0-\xFF€\n]/g, '?');
}

function wrap(text: string, width: number, measure: (s: string) => number): string[] {
  const lines: string[] = [];
  for (const para of text.split('\n')) {
    let line = '';
    for (const word of para.split(/\s+/).filter(Boolean)) {
      const next = line ? `${line} ${word}` : word;
      if (measure(next) > width && line) {
        lines.push(line);
        line = word;
      } else line = next;
    }
    lines.push(line);
  }
  return lines;
}

/** Renders a one-or-more page A4 letter (window-envelope layout) as PDF bytes. */
export async function renderLetterPdf(c: LetterContent): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  pdf.setTitle(printable(c.subject));
  pdf.setAuthor(printable(c.sender.name));
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  const bold = await pdf.embedFont(StandardFonts.HelveticaBold);
  const [W, H] = [595.28, 841.89];
  const margin = 56;
  let page = pdf.addPage([W, H]);
  let y = H - margin;
  const draw = (text: string, opts: { size?: number; font?: typeof font; x?: number } = {}) => {
    const size = opts.size ?? 10.5;
    if (y < margin + 40) {
      page = pdf.addPage([W, H]);
      y = H - margin;
    }
    page.drawText(printable(text), { x: opts.x ?? margin, y, size, font: opts.font ?? font, color: rgb(0, 0, 0) });
    y -= size * 1.45;
  };
  for (const l of [c.sender.name, ...c.sender.address]) draw(l, { size: 8.5, x: W - margin - 180 });
  y = H - 150;
  for (const l of [c.recipient.name, ...c.recipient.address]) draw(l);
  y -= 24;
  draw(c.date);
  y -= 8;
  draw(c.subject, { font: bold, size: 12 });
  y -= 6;
  for (const l of wrap(printable(c.body), W - 2 * margin, (s) => font.widthOfTextAtSize(s, 10.5))) draw(l);
  if (c.footer) {
    for (const p of pdf.getPages()) p.drawText(printable(c.footer).slice(0, 140), { x: margin, y: 30, size: 7.5, font, color: rgb(0.35, 0.35, 0.35) });
  }
  return pdf.save();
}

/**
 * Stores a letter in the letter bucket (the bucket stays private) and returns where, with a
 * presigned GET the print service downloads it by, valid LETTER_URL_SECONDS.
 */
export async function storeLetter(key: string, pdf: Uint8Array): Promise<{ bucket: string; key: string; url: string; expiresAt: string }> {
  const bucket = letterBucket();
  if (!key.startsWith(LETTER_PREFIX)) throw new Error(`letter keys start with ${LETTER_PREFIX}; got ${key}`);
  await letterS3().send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: pdf, ContentType: 'application/pdf' }));
  return { bucket, key, ...(await letterLink(key)) };
}
