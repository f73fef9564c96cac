import { describe, expect, it } from "vitest";
import { formatMoney, formatPlanPrice, minorUnitDigits } from "./money";

describe("formatMoney", () => {
  it("formats cents as dollars with both decimals", () => {
    expect(formatMoney(1999, "usd")).toBe("$19.99");
    expect(formatMoney(2900, "usd")).toBe("$29.00");
    expect(formatMoney(5, "usd")).toBe("$0.05");
    expect(formatMoney(123_456_789, "usd")).toBe("$1,234,567.89");
  });

  it("takes a zero-decimal currency's amount as whole units", () => {
    expect(formatMoney(1999, "jpy")).toBe("¥1,999");
    expect(formatMoney(500, "JPY")).toBe("¥500");
  });

  it("uses three decimals for a three-decimal currency", () => {
    expect(formatMoney(1999, "kwd")).toBe("KWD\u00a01.999");
  });

  it("formats euros in the locale's own way", () => {
    expect(formatMoney(1999, "eur")).toBe("€19.99");
    expect(formatMoney(1999, "eur", { locale: "de-DE" })).toBe("19,99\u00a0€");
  });

  it("shows a credit with a minus sign and zero without one", () => {
    expect(formatMoney(-1999, "usd")).toBe("-$19.99");
    expect(formatMoney(-500, "jpy")).toBe("-¥500");
    expect(formatMoney(0, "usd")).toBe("$0.00");
    expect(formatMoney(-0, "usd")).toBe("$0.00");
  });

  it("refuses a malformed currency code", () => {
    expect(() => formatMoney(100, "dollars")).toThrow(RangeError);
  });

  it("drops a zero fraction when asked, and keeps cents only when there are some", () => {
    expect(formatMoney(2900, "usd", { dropZeroFraction: true })).toBe("$29");
    expect(formatMoney(299000, "usd", { dropZeroFraction: true })).toBe("$2,990");
    expect(formatMoney(1250, "usd", { dropZeroFraction: true })).toBe("$12.50");
    expect(formatMoney(0, "usd", { dropZeroFraction: true })).toBe("$0");
    expect(formatMoney(-2900, "usd", { dropZeroFraction: true })).toBe("-$29");
    expect(formatMoney(1001, "kwd", { dropZeroFraction: true })).toBe("KWD\u00a01.001");
  });

  it("gives the same digits with or without the option once there is a fraction", () => {
    for (const amount of [1, 99, 1250, 123_456_789]) {
      expect(formatMoney(amount, "usd", { dropZeroFraction: true })).toBe(
        formatMoney(amount, "usd"),
      );
    }
  });

  it("shortens large amounts to three significant digits for chart labels", () => {
    expect(formatMoney(4_180_000, "usd", { compact: true })).toBe("$41.8K");
    expect(formatMoney(41_800, "usd", { compact: true })).toBe("$418");
    expect(formatMoney(0, "usd", { compact: true })).toBe("$0");
    expect(formatMoney(1_250_000, "jpy", { compact: true })).toBe("¥1.25M");
  });
});

describe("minorUnitDigits", () => {
  it("reads the minor digits from Intl", () => {
    expect([minorUnitDigits("usd"), minorUnitDigits("jpy"), minorUnitDigits("bhd")]).toEqual([
      2, 0, 3,
    ]);
  });
});

describe("formatPlanPrice", () => {
  it("quotes a catalog price without a zero fraction", () => {
    expect(formatPlanPrice("pro", "monthly")).toBe("$29");
    expect(formatPlanPrice("enterprise", "yearly")).toBe("$2,990");
  });
});
