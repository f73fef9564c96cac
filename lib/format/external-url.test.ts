import { describe, expect, it } from "vitest";
import { safeExternalUrl } from "./external-url";

describe("safeExternalUrl", () => {
  it("keeps absolute http and https URLs", () => {
    expect(safeExternalUrl("https://invoice.stripe.com/i/acct_1/test_x")).toBe(
      "https://invoice.stripe.com/i/acct_1/test_x",
    );
    expect(safeExternalUrl("http://localhost:12111/invoice/in_1/pdf")).toBe(
      "http://localhost:12111/invoice/in_1/pdf",
    );
  });

  it("drops script, data, relative and malformed URLs, and nothing at all", () => {
    expect(safeExternalUrl("javascript:alert(1)")).toBeNull();
    expect(safeExternalUrl("data:text/html,<p>x</p>")).toBeNull();
    expect(safeExternalUrl("/invoices/in_1")).toBeNull();
    expect(safeExternalUrl("not a url")).toBeNull();
    expect(safeExternalUrl("")).toBeNull();
    expect(safeExternalUrl(null)).toBeNull();
  });
});
