import { describe, expect, it } from "vitest";
import { isForeignNavigation } from "./foreign-navigation";

const get = (headers: Record<string, string>) =>
  new Request("http://localhost:3000/account/checkout?plan=pro&period=monthly", { headers });

describe("isForeignNavigation", () => {
  it("calls a link followed from another site, or a sibling subdomain, foreign", () => {
    expect(isForeignNavigation(get({ "sec-fetch-site": "cross-site" }))).toBe(true);
    expect(isForeignNavigation(get({ "sec-fetch-site": "same-site" }))).toBe(true);
  });

  it("trusts our own pages, typed addresses and bookmarks", () => {
    expect(isForeignNavigation(get({ "sec-fetch-site": "same-origin" }))).toBe(false);
    expect(isForeignNavigation(get({ "sec-fetch-site": "none" }))).toBe(false);
    // Fetch metadata wins over a Referer.
    expect(
      isForeignNavigation(
        get({ "sec-fetch-site": "same-origin", referer: "https://evil.example/" }),
      ),
    ).toBe(false);
  });

  it("falls back to the Referer's origin when the browser sends no fetch metadata", () => {
    expect(isForeignNavigation(get({ referer: "https://evil.example/page" }))).toBe(true);
    expect(isForeignNavigation(get({ referer: "http://localhost:3000/pricing" }))).toBe(false);
    expect(isForeignNavigation(get({ referer: "not a url" }))).toBe(false);
    expect(isForeignNavigation(get({}))).toBe(false);
  });
});
