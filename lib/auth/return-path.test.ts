import { describe, expect, it } from "vitest";
import { DEFAULT_RETURN_PATH, safeReturnPath } from "./return-path";

const SITE = "https://billing.example.com";

describe("safeReturnPath", () => {
  it("keeps a path on this site, with its query and fragment", () => {
    expect(safeReturnPath("/account/billing?tab=invoices#latest", SITE)).toBe(
      "/account/billing?tab=invoices#latest",
    );
    expect(safeReturnPath("/pricing", SITE)).toBe("/pricing");
  });

  it("reduces an absolute URL on this site's origin to its path", () => {
    expect(safeReturnPath("https://billing.example.com/admin?x=1", SITE)).toBe("/admin?x=1");
  });

  it.each([
    ["a protocol-relative URL", "//evil.example"],
    ["a protocol-relative URL with a path", "//evil.example/account"],
    ["another origin", "https://evil.example/account"],
    ["this host on another scheme", "http://billing.example.com/account"],
    ["this host on another port", "https://billing.example.com:8443/account"],
    ["a look-alike host", "https://billing.example.com.evil.example/"],
    ["a backslash that browsers read as a slash", "/\\evil.example"],
    ["a tab that browsers drop", "/\t/evil.example"],
    ["a newline", "/account\n//evil.example"],
    ["javascript:", "javascript:alert(1)"],
    ["data:", "data:text/html,hi"],
    ["a relative path without a slash", "account"],
    ["an empty string", ""],
    ["a path normalising to two slashes", "/.//evil.example"],
  ])("refuses %s", (_label, target) => {
    const result = safeReturnPath(target, SITE);
    expect(result).toBe(DEFAULT_RETURN_PATH);
  });

  it("refuses anything that is not a string and uses the given fallback", () => {
    expect(safeReturnPath(undefined, SITE, "/")).toBe("/");
    expect(safeReturnPath(["/account"], SITE, "/")).toBe("/");
    expect(safeReturnPath(null, SITE)).toBe(DEFAULT_RETURN_PATH);
  });

  it("never returns something a browser would take to another host", () => {
    const attempts = [
      "//evil.example",
      "https://evil.example",
      "/\\evil.example",
      "/%2F%2Fevil.example",
      "/..//evil.example",
      "https:evil.example",
    ];
    for (const attempt of attempts) {
      const result = safeReturnPath(attempt, SITE);
      expect(new URL(result, SITE).origin).toBe(SITE);
      expect(result.startsWith("//")).toBe(false);
    }
  });
});
