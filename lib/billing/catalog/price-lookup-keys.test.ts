import { describe, expect, it } from "vitest";
import { stripePrice } from "@/lib/testing/stripe-objects";
import { catalogLookupKeyOf } from "./price-lookup-keys";

describe("catalogLookupKeyOf", () => {
  it("reads a price's own lookup key", () => {
    expect(catalogLookupKeyOf(stripePrice("price_a", { lookupKey: "pro_monthly" }))).toBe(
      "pro_monthly",
    );
  });

  it("gives a price that handed its key to a newer one the key of the slot it filled", () => {
    const archived = (options: Parameters<typeof stripePrice>[1]) =>
      catalogLookupKeyOf(stripePrice("price_old", { active: false, lookupKey: null, ...options }));
    expect(archived({ product: "tollgate_pro", interval: "month" })).toBe("pro_monthly");
    expect(archived({ product: "tollgate_enterprise", interval: "year" })).toBe(
      "enterprise_yearly",
    );
    expect(archived({ product: "tollgate_enterprise", usage: "metered" })).toBe(
      "enterprise_api_calls",
    );
  });

  it("gives none to a price of another product or interval", () => {
    expect(catalogLookupKeyOf(stripePrice("price_b", { product: "prod_consulting" }))).toBeNull();
    expect(catalogLookupKeyOf(stripePrice("price_c", { interval: "week" }))).toBeNull();
  });
});
