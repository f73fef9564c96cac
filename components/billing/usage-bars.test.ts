import { describe, expect, it } from "vitest";
import { formatAmount } from "./usage-bars";

describe("formatAmount", () => {
  it("writes counts with separators and storage in a readable unit", () => {
    expect(formatAmount("api_calls", 12_345)).toBe("12,345");
    expect(formatAmount("storage_bytes", 0)).toBe("0 byte");
    expect(formatAmount("storage_bytes", 7_000)).toBe("6.8 kB");
    expect(formatAmount("storage_bytes", 50 * 1024 ** 3)).toBe("50 GB");
    expect(formatAmount("storage_bytes", 1536 * 1024 ** 2)).toBe("1.5 GB");
  });
});
