/**
 * A tiny dependency-free PDF 1.4 writer, so the offline Stripe emulator can serve a real,
 * openable document at an invoice's `invoice_pdf` URL instead of a placeholder.
 *
 * Contract: `renderInvoicePdf` is pure and deterministic: the same input yields the same bytes
 * (no clock, no random ids, a fixed "en-US" locale). Text uses the standard Helvetica fonts with
 * WinAnsiEncoding, so nothing is embedded; characters that encoding cannot show become "?" (the
 * euro sign and typographic quotes/dashes do exist in WinAnsi and are kept). Content streams are
 * left uncompressed so tests, and people, can grep the text.
 */

import { formatMoney } from "./money";

export interface InvoicePdfLine {
  description: string;
  quantity: number | null;
  /** In the currency's smallest unit (cents). */
  amount: number;
}

export interface InvoicePdfInput {
  accountName: string;
  number: string | null;
  status: string;
  currency: string;
  created: number;
  periodStart: number;
  periodEnd: number;
  customerName: string | null;
  customerEmail: string | null;
  lines: InvoicePdfLine[];
  subtotal: number;
  total: number;
  amountPaid: number;
  amountDue: number;
  amountRemaining: number;
}

// US Letter, like the invoices Stripe itself sends to US accounts.
const PAGE_W = 612;
const PAGE_H = 792;
const MARGIN = 50;
const RIGHT = PAGE_W - MARGIN;
const BOTTOM = 80; // keeps rows clear of the footer
const ROW = 16;
const QTY_RIGHT = 440;
const DESC_MAX = 330;

// Helvetica advance widths (1/1000 em) for ASCII 32..126 from the standard AFM. Knowing them lets
// us right-align amounts and cut descriptions at the column edge without embedding metrics.
const WIDTHS = (
  "278 278 355 556 556 889 667 191 333 333 389 584 278 333 278 278 556 556 556 556 556 556 556 " +
  "556 556 556 278 278 584 584 584 556 1015 667 667 722 722 667 611 778 722 278 500 667 556 833 " +
  "722 778 667 778 722 667 611 722 667 944 667 667 611 278 278 278 469 556 333 556 556 500 556 " +
  "556 278 556 556 222 222 500 222 833 556 556 556 556 333 500 278 556 500 722 500 500 500 334 " +
  "260 334 584"
)
  .split(" ")
  .map(Number);

// WinAnsi only differs from Latin-1 in 0x80..0x9F; "\0" fills the codes WinAnsi leaves unused.
const WIN_ANSI_80 = "€\0‚ƒ„…†‡ˆ‰Š‹Œ\0Ž\0\0‘’“”•–—˜™š›œ\0žŸ";
const ELLIPSIS = "\x85";

/** Maps text to a "byte string" (every char code < 256) holding its WinAnsi bytes. */
function toWinAnsi(text: string): string {
  let out = "";
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    if ((code >= 0x20 && code <= 0x7e) || (code >= 0xa0 && code <= 0xff)) out += ch;
    else if (/\s/u.test(ch)) out += " ";
    else {
      const i = code > 0xff ? WIN_ANSI_80.indexOf(ch) : -1;
      out += i >= 0 ? String.fromCharCode(0x80 + i) : "?";
    }
  }
  return out;
}

function textWidth(bytes: string, size: number): number {
  let units = 0;
  for (let i = 0; i < bytes.length; i++) units += WIDTHS[bytes.charCodeAt(i) - 32] ?? 556;
  return (units * size) / 1000;
}

function truncateToWidth(bytes: string, size: number, max: number): string {
  if (textWidth(bytes, size) <= max) return bytes;
  // No glyph is narrower than 191 units, so nothing past this many characters can ever fit.
  let cut = bytes.slice(0, Math.ceil((max * 1000) / (size * 191)));
  while (cut.length > 0 && textWidth(cut + ELLIPSIS, size) > max) cut = cut.slice(0, -1);
  return cut.trimEnd() + ELLIPSIS;
}

const day = (unix: number) => new Date(unix * 1000).toISOString().slice(0, 10);
const num = (n: number) => String(Math.round(n * 100) / 100);

interface DrawOptions {
  size?: number;
  bold?: boolean;
  right?: boolean;
  maxWidth?: number;
}

export function renderInvoicePdf(input: InvoicePdfInput): Buffer {
  const money = (amount: number) => formatMoney(amount, input.currency);
  const label = input.number ?? "Draft";
  const pages: string[][] = [];
  let ops: string[] = [];
  let y = 0;

  const draw = (text: string, x: number, opts: DrawOptions = {}) => {
    const size = opts.size ?? 10;
    let bytes = toWinAnsi(text);
    if (opts.maxWidth !== undefined) bytes = truncateToWidth(bytes, size, opts.maxWidth);
    const left = opts.right ? x - textWidth(bytes, size) : x;
    const escaped = bytes.replace(/[\\()]/g, (c) => `\\${c}`);
    ops.push(`BT /${opts.bold ? "F2" : "F1"} ${size} Tf ${num(left)} ${y} Td (${escaped}) Tj ET`);
  };
  const rule = () => ops.push(`0.5 w ${MARGIN} ${y} m ${RIGHT} ${y} l S`);
  const tableHeader = () => {
    draw("Description", MARGIN, { bold: true });
    draw("Qty", QTY_RIGHT, { bold: true, right: true });
    draw("Amount", RIGHT, { bold: true, right: true });
    y -= 6;
    rule();
    y -= ROW;
  };
  const newPage = () => {
    ops = [];
    pages.push(ops);
    y = PAGE_H - MARGIN - 14;
  };
  const ensureRoom = (height: number, withTableHeader: boolean) => {
    if (y - height >= BOTTOM) return;
    newPage();
    draw(`Invoice ${label} (continued)`, MARGIN, { bold: true, size: 12 });
    y -= 2 * ROW;
    if (withTableHeader) tableHeader();
  };

  newPage();
  draw("Invoice", MARGIN, { size: 24, bold: true });
  y -= 2 * ROW + 4;
  const status = input.status.charAt(0).toUpperCase() + input.status.slice(1);
  const facts: [string, string][] = [
    ["Invoice number", label],
    ["Status", status],
    ["Date of issue", day(input.created)],
    ["Billing period", `${day(input.periodStart)} to ${day(input.periodEnd)}`],
  ];
  for (const [name, value] of facts) {
    draw(name, MARGIN, { bold: true });
    draw(value, MARGIN + 100, { maxWidth: RIGHT - MARGIN - 100 });
    y -= ROW;
  }
  y -= ROW;
  draw("Bill from", MARGIN, { bold: true });
  draw("Bill to", 320, { bold: true });
  y -= ROW;
  const billTo = [input.customerName, input.customerEmail].filter((s): s is string => !!s);
  if (billTo.length === 0) billTo.push("-");
  draw(input.accountName, MARGIN, { maxWidth: 250 });
  for (const line of billTo) {
    draw(line, 320, { maxWidth: RIGHT - 320 });
    y -= ROW;
  }
  y -= ROW;
  tableHeader();

  if (input.lines.length === 0) {
    draw("No line items", MARGIN);
    y -= ROW;
  }
  for (const line of input.lines) {
    ensureRoom(ROW, true);
    draw(line.description, MARGIN, { maxWidth: DESC_MAX });
    draw(line.quantity === null ? "" : String(line.quantity), QTY_RIGHT, { right: true });
    draw(money(line.amount), RIGHT, { right: true });
    y -= ROW;
  }

  // The totals block stays in one piece rather than splitting across a page break.
  ensureRoom(6 * ROW, false);
  y += 6;
  rule();
  y -= ROW;
  const totals: [string, number, boolean][] = [
    ["Subtotal", input.subtotal, false],
    ["Total", input.total, true],
    ["Amount paid", input.amountPaid, false],
    ["Amount due", input.amountDue, true],
    ["Amount remaining", input.amountRemaining, false],
  ];
  for (const [name, amount, bold] of totals) {
    draw(name, 340, { bold });
    draw(money(amount), RIGHT, { bold, right: true });
    y -= ROW;
  }

  pages.forEach((page, i) => {
    ops = page;
    y = 40;
    draw(`Invoice ${label}`, MARGIN, { size: 8 });
    draw(`Page ${i + 1} of ${pages.length}`, RIGHT, { size: 8, right: true });
  });
  return assemble(pages.map((page) => page.join("\n")));
}

/** Lays the objects out and indexes them; offsets are counted in bytes, as xref demands. */
function assemble(streams: string[]): Buffer {
  const font = (name: string) =>
    `<< /Type /Font /Subtype /Type1 /BaseFont /${name} /Encoding /WinAnsiEncoding >>`;
  const pageIds = streams.map((_, i) => 5 + 2 * i);
  const objects = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    `<< /Type /Pages /Kids [${pageIds.map((id) => `${id} 0 R`).join(" ")}] /Count ${streams.length} >>`,
    font("Helvetica"),
    font("Helvetica-Bold"),
  ];
  streams.forEach((stream, i) => {
    objects.push(
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${PAGE_W} ${PAGE_H}] ` +
        `/Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents ${6 + 2 * i} 0 R >>`,
      `<< /Length ${Buffer.byteLength(stream, "latin1")} >>\nstream\n${stream}\nendstream`,
    );
  });

  const chunks: Buffer[] = [];
  let size = 0;
  const write = (text: string) => {
    const chunk = Buffer.from(text, "latin1");
    chunks.push(chunk);
    size += chunk.length;
  };
  // The high-byte comment tells transfer tools the file is binary, per the PDF spec's advice.
  write("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n");
  const offsets = objects.map((body, i) => {
    const offset = size;
    write(`${i + 1} 0 obj\n${body}\nendobj\n`);
    return offset;
  });
  const xref = size;
  const entries = offsets.map((o) => `${String(o).padStart(10, "0")} 00000 n \n`).join("");
  write(`xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${entries}`);
  write(`trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`);
  return Buffer.concat(chunks);
}
