import { describe, expect, it } from "vitest";
import { formatLimit } from "./limit";

describe("formatLimit", () => {
  it("writes counts with thousands separators and storage in gigabytes", () => {
    expect(formatLimit("api_calls", 100_000)).toBe("100,000");
    expect(formatLimit("matches_performed", 50)).toBe("50");
    expect(formatLimit("storage_bytes", 50 * 1024 ** 3)).toBe("50 GB");
    expect(formatLimit("storage_bytes", 1.5 * 1024 ** 3)).toBe("1.5 GB");
  });
});
