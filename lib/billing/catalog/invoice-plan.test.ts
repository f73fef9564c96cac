import { describe, expect, it } from "vitest";
import { invoiceLine, invoiceWithLines, stripePrice } from "@/lib/testing/stripe-objects";
import { planTierOfInvoice, priceIdsOfInvoice } from "./invoice-plan";

/** Price ids as Stripe makes them, and the catalog keys they carry in this test's account. */
const PRICES = {
  pro_monthly: "price_1ProMonthly0000000000",
  pro_yearly: "price_1ProYearly00000000000",
  pro_api_calls: "price_1ProApiCalls000000000",
  enterprise_monthly: "price_1EntMonthly000000000",
  enterprise_api_calls: "price_1EntApiCalls00000000",
} as const;
const KEYS = new Map<string, string>(Object.entries(PRICES).map(([key, id]) => [id, key]));
const lookupKeyOf = (priceId: string) => KEYS.get(priceId);

describe("planTierOfInvoice", () => {
  it("names the plan a renewal charged, not its metered usage", () => {
    const renewal = invoiceWithLines(
      invoiceLine(PRICES.pro_api_calls, 1_250),
      invoiceLine(PRICES.pro_monthly, 2_900),
    );
    expect(planTierOfInvoice(renewal, lookupKeyOf)).toBe("pro");
  });

  it("names the new plan of an upgrade's proration invoice", () => {
    const upgrade = invoiceWithLines(
      invoiceLine(PRICES.pro_monthly, -1_450, {
        proration: true,
        description: "Unused time on Pro",
      }),
      invoiceLine(PRICES.enterprise_monthly, 14_950, {
        proration: true,
        description: "Remaining time on Enterprise",
      }),
    );
    expect(planTierOfInvoice(upgrade, lookupKeyOf)).toBe("enterprise");
  });

  it("names the lower plan of a downgrade invoiced at once, whose total is a credit", () => {
    const downgrade = invoiceWithLines(
      invoiceLine(PRICES.enterprise_monthly, -14_950, { proration: true }),
      invoiceLine(PRICES.pro_monthly, 1_450, { proration: true }),
    );
    expect(planTierOfInvoice(downgrade, lookupKeyOf)).toBe("pro");
  });

  it("takes the plan line with the largest amount when a renewal carries earlier prorations", () => {
    const renewal = invoiceWithLines(
      invoiceLine(PRICES.enterprise_monthly, -20_255, { proration: true }),
      invoiceLine(PRICES.pro_monthly, 1_965, { proration: true }),
      invoiceLine(PRICES.enterprise_monthly, 29_900),
      invoiceLine(PRICES.enterprise_api_calls, 40),
    );
    expect(planTierOfInvoice(renewal, lookupKeyOf)).toBe("enterprise");
  });

  it("names the plan of a trial's invoice, which charges it at zero", () => {
    expect(
      planTierOfInvoice(invoiceWithLines(invoiceLine(PRICES.pro_yearly, 0)), lookupKeyOf),
    ).toBe("pro");
  });

  it("names no plan for an invoice of usage only, credit only, or no lines", () => {
    expect(
      planTierOfInvoice(invoiceWithLines(invoiceLine(PRICES.pro_api_calls, 300)), lookupKeyOf),
    ).toBeNull();
    expect(
      planTierOfInvoice(
        invoiceWithLines(invoiceLine(PRICES.pro_monthly, -900, { proration: true })),
        lookupKeyOf,
      ),
    ).toBeNull();
    expect(planTierOfInvoice(invoiceWithLines(), lookupKeyOf)).toBeNull();
  });

  it("names no plan for a price outside the catalog", () => {
    const oneOff = invoiceWithLines(invoiceLine("price_1Consulting000000000", 50_000));
    expect(planTierOfInvoice(oneOff, lookupKeyOf)).toBeNull();
  });

  it("reads an expanded price by its id, else by its own lookup key", () => {
    const archived = stripePrice(PRICES.enterprise_monthly, { lookupKey: null });
    const unknownId = stripePrice("price_1NotYetKnown00000000", { lookupKey: "pro_yearly" });
    const tierOf = (price: typeof archived) =>
      planTierOfInvoice(invoiceWithLines(invoiceLine(price, 29_000)), lookupKeyOf);
    expect(tierOf(archived)).toBe("enterprise");
    expect(tierOf(unknownId)).toBe("pro");
  });
});

describe("priceIdsOfInvoice", () => {
  it("lists the price each line charged", () => {
    const upgrade = invoiceWithLines(
      invoiceLine(PRICES.pro_monthly, -1_450),
      invoiceLine(PRICES.enterprise_monthly, 1),
    );
    expect(priceIdsOfInvoice(upgrade)).toEqual([PRICES.pro_monthly, PRICES.enterprise_monthly]);
  });
});
