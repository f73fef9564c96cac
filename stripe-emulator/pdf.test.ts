import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { type InvoicePdfInput, renderInvoicePdf } from "./pdf";

const base: InvoicePdfInput = {
  accountName: "Tollgate (Stripe emulator)",
  number: "A1B2C3D4-0001",
  status: "paid",
  currency: "usd",
  created: Date.UTC(2024, 0, 31, 23, 30) / 1000,
  periodStart: Date.UTC(2024, 0, 1) / 1000,
  periodEnd: Date.UTC(2024, 1, 1) / 1000,
  customerName: "Zoë Müller",
  customerEmail: "zoe@example.com",
  lines: [{ description: "Pro plan × 1", quantity: 1, amount: 2900 }],
  subtotal: 2900,
  total: 2900,
  amountPaid: 2900,
  amountDue: 2900,
  amountRemaining: 0,
};

/** Byte-for-byte view: in latin1 each char is one byte, so string indexes are file offsets. */
const bytes = (input: InvoicePdfInput) => renderInvoicePdf(input).toString("latin1");
/** The PDF string literal a piece of text should appear as, in its WinAnsi bytes. */
const literal = (text: string) => `(${text})`;

function manyLines(n: number): InvoicePdfInput {
  const lines = Array.from({ length: n }, (_, i) => ({
    description: `Usage line ${i + 1}`,
    quantity: i + 1,
    amount: 100,
  }));
  return { ...base, lines, subtotal: n * 100, total: n * 100, amountDue: n * 100 };
}

describe("renderInvoicePdf structure", () => {
  it("starts with the PDF 1.4 header and ends with %%EOF", () => {
    const pdf = bytes(base);
    expect(pdf.startsWith("%PDF-1.4\n")).toBe(true);
    expect(pdf.trimEnd().endsWith("%%EOF")).toBe(true);
  });

  it.each([
    ["a single page", base],
    ["many pages", manyLines(120)],
  ])("has an xref whose offsets point at the objects they name (%s)", (_, input) => {
    const pdf = bytes(input);
    const startxref = Number(/startxref\n(\d+)\n%%EOF\n$/.exec(pdf)?.[1]);
    expect(pdf.startsWith("xref\n", startxref)).toBe(true);

    const section = pdf.slice(startxref).split("\n");
    const [first, count] = (section[1] ?? "").split(" ").map(Number);
    expect(first).toBe(0);
    expect(section[2]).toBe("0000000000 65535 f ");
    const size = Number(/\/Size (\d+)/.exec(pdf)?.[1]);
    expect(count).toBe(size);
    // Every object in the file is indexed, not just the ones at the front.
    expect(pdf.match(/^\d+ 0 obj$/gm)).toHaveLength(size - 1);

    for (let id = 1; id < size; id++) {
      const entry = section[2 + id] ?? "";
      expect(entry).toMatch(/^\d{10} 00000 n $/);
      expect(pdf.startsWith(`${id} 0 obj\n`, Number(entry.slice(0, 10)))).toBe(true);
    }
  });

  it("gives every content stream its exact byte length", () => {
    // Non-ASCII text makes a character count and a UTF-8 byte count disagree with latin1.
    const pdf = bytes({ ...base, currency: "jpy", lines: [...base.lines, ...manyLines(60).lines] });
    const streams = [...pdf.matchAll(/\/Length (\d+) >>\nstream\n/g)];
    expect(streams.length).toBeGreaterThan(1);
    for (const match of streams) {
      const start = match.index + match[0].length;
      expect(pdf.startsWith("\nendstream", start + Number(match[1]))).toBe(true);
    }
  });

  it("uses uncompressed streams and a WinAnsi Helvetica font", () => {
    const pdf = bytes(base);
    expect(pdf).not.toContain("/Filter");
    expect(pdf).toContain(
      "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    );
  });

  it("continues 120 lines onto more pages and counts them", () => {
    const pdf = bytes(manyLines(120));
    const count = Number(/\/Count (\d+)/.exec(pdf)?.[1]);
    expect(count).toBeGreaterThan(1);
    expect(pdf.match(/\/Type \/Page /g)).toHaveLength(count);
    expect(pdf).toContain(literal(`Page ${count} of ${count}`));
    // Nothing is dropped at a page break, and the totals still make it onto the last page.
    for (let i = 1; i <= 120; i++) expect(pdf).toContain(literal(`Usage line ${i}`));
    expect(pdf).toContain("(Invoice A1B2C3D4-0001 \\(continued\\))");
    expect(pdf).toContain(literal("$120.00"));
  });

  it("is deterministic for the same input", () => {
    expect(renderInvoicePdf(base).equals(renderInvoicePdf(structuredClone(base)))).toBe(true);
  });
});

describe("renderInvoicePdf content", () => {
  it("shows the title, number, status, UTC dates, parties and totals", () => {
    const pdf = bytes(base);
    for (const text of [
      "Invoice",
      "A1B2C3D4-0001",
      "Paid",
      // 23:30 UTC on the 31st must not roll over into February in any local time zone.
      "2024-01-31",
      "2024-01-01 to 2024-02-01",
      "Tollgate \\(Stripe emulator\\)",
      "Zo\xeb M\xfcller",
      "zoe@example.com",
      "Pro plan \xd7 1",
      "Subtotal",
      "Total",
      "Amount paid",
      "Amount due",
      "Amount remaining",
      "$29.00",
      "$0.00",
    ]) {
      expect(pdf).toContain(literal(text));
    }
  });

  it("labels a draft invoice that has no number yet", () => {
    const pdf = bytes({ ...base, number: null, status: "draft" });
    expect(pdf).toContain(literal("Draft"));
    expect(pdf).not.toContain("A1B2C3D4");
  });

  it("formats zero-decimal currencies without dividing by 100", () => {
    const pdf = bytes({ ...base, currency: "jpy", lines: [], total: 500 });
    // Intl writes "¥500"; ¥ is byte 0xA5 in both Latin-1 and WinAnsi.
    expect(pdf).toContain(literal("\xa5500"));
    expect(pdf).not.toContain("\xa55.00");
  });

  it("keeps the euro sign as WinAnsi byte 0x80 and turns unencodable text into ?", () => {
    const pdf = bytes({
      ...base,
      currency: "eur",
      total: 1234,
      lines: [{ description: "Seats 👩‍💻 日本 “pro” – annual", quantity: 2, amount: 1234 }],
    });
    expect(pdf).toContain(literal("\x8012.34"));
    expect(pdf).toContain(literal("Seats ??? ?? \x93pro\x94 \x96 annual"));
  });

  it("escapes backslashes and parentheses in descriptions", () => {
    const pdf = bytes({
      ...base,
      lines: [{ description: "Seats (annual) C:\\tmp\\x", quantity: 3, amount: 900 }],
    });
    expect(pdf).toContain("(Seats \\(annual\\) C:\\\\tmp\\\\x)");
  });

  it("truncates a long description with an ellipsis instead of running over the amount", () => {
    const long = `Metered API calls ${"lorem ipsum ".repeat(30)}END`;
    const pdf = bytes({ ...base, lines: [{ description: long, quantity: null, amount: 1 }] });
    const shown = /\((Metered API calls [^)]*)\) Tj/.exec(pdf)?.[1] ?? "";
    expect(shown.endsWith("\x85")).toBe(true);
    expect(shown.length).toBeLessThan(long.length);
    expect(pdf).not.toContain("END");
    expect(pdf).toContain(literal("$0.01"));
  });
});

const hasPdftotext = (() => {
  try {
    execFileSync("pdftotext", ["-v"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();

describe("renderInvoicePdf with a real PDF reader", () => {
  it.skipIf(!hasPdftotext)("is readable by pdftotext", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "tollgate-pdf-"));
    try {
      const file = path.join(dir, "invoice.pdf");
      writeFileSync(file, renderInvoicePdf({ ...manyLines(120), currency: "eur" }));
      const text = execFileSync("pdftotext", ["-enc", "UTF-8", file, "-"], { encoding: "utf8" });
      expect(text).toContain("A1B2C3D4-0001");
      expect(text).toContain("Usage line 120");
      expect(text).toContain("€120.00");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
