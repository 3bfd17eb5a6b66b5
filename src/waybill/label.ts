import { createRequire } from 'node:module';
import bwipjs from 'bwip-js';
import PDFDocument from 'pdfkit';
import { Resvg } from '@resvg/resvg-js';
import { hmacSha256 } from '../lib/crypto.ts';

/**
 * Privacy waybills: what a label shows is the tracking number, a short signed reference, the
 * route, and masks. The barcodes hold only the tracking number (Code 128) and the tracking
 * number with its reference (QR); no personal data is ever put on a label, so a scanner or a
 * photo of a parcel gives a thief nothing. 100 × 150 mm, as ZPL (thermal printers), PDF, PNG.
 */

/** Everything a label may show. Built from a parcel and the masked recipient and sender. */
export type LabelModel = {
  readonly tracking: string;
  /** HMAC of the tracking number under the label key: shows the label was issued by Cloak. */
  readonly ref: string;
  readonly sortCode: string;
  readonly origin: string;
  readonly destination: string;
  readonly recipient: { readonly name: string; readonly phone: string; readonly address: string };
  readonly sender: { readonly name: string; readonly phone: string } | null;
  readonly createdAt: string;
};

const B32 = 'abcdefghijkmnpqrstuvwxyz23456789';

/** The short signed reference printed beside the tracking number (40 bits of HMAC-SHA256). */
export function labelRef(labelKey: Buffer, tracking: string): string {
  const mac = hmacSha256(labelKey, `cloak/label/v1|${tracking}`);
  let out = '';
  for (let i = 0; i < 8; i++) out += B32[mac[i]! & 31];
  return out.toUpperCase();
}

/** What the QR code holds: the tracking number and its reference, nothing else. */
export function qrPayload(m: Pick<LabelModel, 'tracking' | 'ref'>): string {
  return `${m.tracking}/${m.ref}`;
}

const require = createRequire(import.meta.url);
/** DejaVu Sans (from npm, so every machine has it): it covers Vietnamese and the mask dots. */
const FONT = require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf');
const FONT_BOLD = require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf');

// 100 × 150 mm at 203 dpi (8 dots a mm), the common thermal label.
const DOTS_W = 800;
const DOTS_H = 1200;

/** ZPL escapes: `^` and `~` start commands, so they are written as hex (^FH). */
function zplText(s: string): string {
  return s.replace(/[\\^~_]/g, (c) => `_${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** The label as ZPL II for a 203 dpi printer; the printer draws the barcodes itself. */
export function labelZpl(m: LabelModel): string {
  const t = (x: number, y: number, size: number, text: string) =>
    `^FO${x},${y}^A0N,${size},${size}^FH^FD${zplText(text)}^FS`;
  return [
    '^XA',
    '^CI28', // UTF-8
    `^PW${DOTS_W}`,
    `^LL${DOTS_H}`,
    t(40, 40, 60, `${m.sortCode}`),
    t(40, 110, 30, `${m.origin} > ${m.destination}`),
    `^FO40,170^BY3^BCN,180,Y,N,N^FD${m.tracking}^FS`,
    t(40, 400, 30, `REF ${m.ref}`),
    `^FO560,380^BQN,2,6^FDQA,${qrPayload(m)}^FS`,
    '^FO40,600^GB720,3,3^FS',
    t(40, 630, 28, 'TO'),
    t(40, 670, 44, m.recipient.name),
    t(40, 730, 36, m.recipient.phone),
    t(40, 790, 32, m.recipient.address),
    '^FO40,870^GB720,3,3^FS',
    t(40, 900, 24, 'FROM'),
    t(40, 940, 30, m.sender ? `${m.sender.name}  ${m.sender.phone}` : '-'),
    t(40, 1120, 22, `Cloak privacy waybill  ${m.createdAt.slice(0, 10)}`),
    '^XZ',
    '',
  ].join('\n');
}

async function barcodes(m: LabelModel): Promise<{ code128: Buffer; qr: Buffer }> {
  const [code128, qr] = await Promise.all([
    bwipjs.toBuffer({
      bcid: 'code128',
      text: m.tracking,
      scale: 3,
      height: 22,
      includetext: true,
      textxalign: 'center',
    }),
    bwipjs.toBuffer({ bcid: 'qrcode', text: qrPayload(m), scale: 4 }),
  ]);
  return { code128, qr };
}

const MM = 72 / 25.4;

/** The label as a one-page PDF, 100 × 150 mm, barcodes drawn by bwip-js. */
export async function labelPdf(m: LabelModel): Promise<Buffer> {
  const { code128, qr } = await barcodes(m);
  const doc = new PDFDocument({
    size: [100 * MM, 150 * MM],
    margin: 0,
    info: { Title: `Waybill ${m.tracking}`, Producer: 'Cloak', Creator: 'Cloak' },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<void>((resolve) => doc.on('end', () => resolve()));
  doc.registerFont('body', FONT);
  doc.registerFont('bold', FONT_BOLD);
  const x = 5 * MM;
  doc
    .font('bold')
    .fontSize(26)
    .text(m.sortCode, x, 5 * MM);
  doc
    .font('body')
    .fontSize(10)
    .text(`${m.origin} > ${m.destination}`, x, 16 * MM);
  doc.image(code128, x, 22 * MM, { width: 60 * MM });
  doc.image(qr, 70 * MM, 22 * MM, { width: 25 * MM });
  doc.fontSize(10).text(`REF ${m.ref}`, x, 52 * MM);
  doc
    .moveTo(x, 70 * MM)
    .lineTo(95 * MM, 70 * MM)
    .stroke();
  doc.fontSize(9).text('TO', x, 73 * MM);
  doc
    .font('bold')
    .fontSize(16)
    .text(m.recipient.name, x, 78 * MM);
  doc
    .font('body')
    .fontSize(13)
    .text(m.recipient.phone, x, 86 * MM);
  doc.fontSize(12).text(m.recipient.address, x, 93 * MM, { width: 90 * MM });
  doc
    .moveTo(x, 108 * MM)
    .lineTo(95 * MM, 108 * MM)
    .stroke();
  doc.fontSize(9).text('FROM', x, 111 * MM);
  doc.fontSize(11).text(m.sender ? `${m.sender.name}  ${m.sender.phone}` : '-', x, 116 * MM);
  doc.fontSize(7).text(`Cloak privacy waybill  ${m.createdAt.slice(0, 10)}`, x, 142 * MM);
  doc.end();
  await done;
  return Buffer.concat(chunks);
}

function esc(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}

/** The label as SVG (text and bwip-js barcodes); the PNG is rendered from it. */
export function labelSvg(m: LabelModel): string {
  const code128 = bwipjs.toSVG({
    bcid: 'code128',
    text: m.tracking,
    scale: 3,
    height: 22,
    includetext: true,
    textxalign: 'center',
  });
  const qr = bwipjs.toSVG({ bcid: 'qrcode', text: qrPayload(m), scale: 4 });
  const nest = (svg: string, x: number, y: number, w: number) =>
    svg.replace('<svg ', `<svg x="${x}" y="${y}" width="${w}" preserveAspectRatio="xMinYMin meet" `);
  const text = (x: number, y: number, size: number, s: string, bold = false) =>
    `<text x="${x}" y="${y}" font-family="DejaVu Sans" font-size="${size}"${bold ? ' font-weight="bold"' : ''}>${esc(s)}</text>`;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${DOTS_W}" height="${DOTS_H}" viewBox="0 0 ${DOTS_W} ${DOTS_H}">`,
    `<rect width="${DOTS_W}" height="${DOTS_H}" fill="#fff"/>`,
    text(40, 100, 72, m.sortCode, true),
    text(40, 150, 30, `${m.origin} > ${m.destination}`),
    nest(code128, 40, 180, 480),
    nest(qr, 560, 180, 200),
    text(40, 440, 30, `REF ${m.ref}`),
    `<rect x="40" y="560" width="720" height="4" fill="#000"/>`,
    text(40, 610, 26, 'TO'),
    text(40, 670, 48, m.recipient.name, true),
    text(40, 730, 40, m.recipient.phone),
    text(40, 790, 32, m.recipient.address),
    `<rect x="40" y="860" width="720" height="4" fill="#000"/>`,
    text(40, 910, 24, 'FROM'),
    text(40, 960, 30, m.sender ? `${m.sender.name}  ${m.sender.phone}` : '-'),
    text(40, 1160, 22, `Cloak privacy waybill  ${m.createdAt.slice(0, 10)}`),
    '</svg>',
  ].join('\n');
}

/** The label as a PNG, 800 × 1200 px (203 dpi). */
export function labelPng(m: LabelModel): Buffer {
  const r = new Resvg(labelSvg(m), {
    font: { fontFiles: [FONT, FONT_BOLD], loadSystemFonts: false, defaultFontFamily: 'DejaVu Sans' },
    background: '#ffffff',
  });
  return r.render().asPng();
}
