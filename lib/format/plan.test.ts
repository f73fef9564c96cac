import { describe, expect, it } from "vitest";
import { formatPrice } from "./plan";

describe("formatPrice", () => {
  it("keeps cents only when there are some", () => {
    expect(formatPrice(1250, "usd")).toBe("$12.50");
    expect(formatPrice(299000, "usd")).toBe("$2,990");
  });

  it("uses the currency's own minor unit", () => {
    expect(formatPrice(500, "jpy")).toBe("¥500");
    expect(formatPrice(1999, "eur", "de-DE")).toBe("19,99\u00a0€");
  });
});
