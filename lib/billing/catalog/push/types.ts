import type { BillingPeriod, PaidPlanTier } from "../plans";

/**
 * A plan's licensed price for a period, billed per member: `amount` covers up to
 * `includedSeats` members, and each further one costs `extraSeatAmount` (all in the currency's
 * smallest unit, cents). Pushed as a graduated tiered price (plans.ts says why).
 */
export interface CatalogPrice {
  readonly lookupKey: string;
  readonly period: BillingPeriod;
  readonly amount: number;
  readonly includedSeats: number;
  readonly extraSeatAmount: number;
}

export interface CatalogProduct {
  readonly id: string;
  readonly tier: PaidPlanTier;
  readonly name: string;
  readonly description: string;
  readonly prices: readonly CatalogPrice[];
  readonly meteredPrice: { readonly lookupKey: string; readonly unitAmountDecimal: string };
}

/** What the push writes, in Stripe's terms; `stripeCatalog()` derives it from plans.ts. */
export interface StripeCatalog {
  readonly currency: string;
  readonly products: readonly CatalogProduct[];
  readonly meter: {
    readonly eventName: string;
    readonly displayName: string;
    readonly customerPayloadKey: string;
    readonly valuePayloadKey: string;
  };
  readonly portalHeadline: string;
}

export type ChangeAction = "created" | "updated" | "unchanged" | "archived";

export interface StripeChange {
  kind: "product" | "price" | "meter" | "portal_configuration" | "webhook_endpoint";
  /** What identifies it: product id, lookup key, meter event name, "portal", endpoint URL. */
  key: string;
  id: string;
  action: ChangeAction;
}
