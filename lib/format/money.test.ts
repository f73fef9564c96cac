import { describe, expect, it } from "vitest";
import { formatMoney } from "./money";

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
    expect(formatMoney(1999, "eur", "de-DE")).toBe("19,99\u00a0€");
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
});
