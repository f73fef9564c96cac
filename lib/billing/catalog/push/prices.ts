import Stripe from "stripe";
import type { BillingPeriod } from "../plans";
import type { CatalogPrice, CatalogProduct, StripeChange } from "./types";

/** A price the catalog wants under a lookup key. */
export interface PriceSpec {
  lookupKey: string;
  params: Stripe.PriceCreateParams;
  /** True when an existing price already charges what the catalog says. */
  matches(price: Stripe.Price): boolean;
}

const INTERVALS = { monthly: "month", yearly: "year" } as const satisfies Record<
  BillingPeriod,
  Stripe.Price.Recurring.Interval
>;

function productIdOf(price: Stripe.Price): string {
  return typeof price.product === "string" ? price.product : price.product.id;
}

/** A tier's amount as a number, from its decimal form when it has one (null: none, 0). */
function tierAmount(amount: number | null, decimal: Stripe.Decimal | null): number {
  return decimal !== null ? Number(String(decimal)) : (amount ?? 0);
}

/** Whether Stripe's tiers (`up_to: null` for the last) charge what the catalog's do. */
function sameTiers(
  existing: readonly Stripe.Price.Tier[] | undefined,
  wanted: readonly Stripe.PriceCreateParams.Tier[],
): boolean {
  return (
    existing !== undefined &&
    existing.length === wanted.length &&
    existing.every((tier, index) => {
      const other = wanted[index];
      return (
        other !== undefined &&
        (tier.up_to ?? "inf") === other.up_to &&
        tierAmount(tier.flat_amount, tier.flat_amount_decimal) === (other.flat_amount ?? 0) &&
        tierAmount(tier.unit_amount, tier.unit_amount_decimal) === (other.unit_amount ?? 0)
      );
    })
  );
}

/**
 * Per member: a graduated tiered price whose flat first tier is the base price for up to the
 * included members, then the extra-seat amount for each further one; the subscription item's
 * quantity is the number of members.
 */
export function licensedPriceSpec(
  currency: string,
  product: CatalogProduct,
  price: CatalogPrice,
): PriceSpec {
  const interval = INTERVALS[price.period];
  const tiers: Stripe.PriceCreateParams.Tier[] = [
    { up_to: price.includedSeats, flat_amount: price.amount, unit_amount: 0 },
    { up_to: "inf", unit_amount: price.extraSeatAmount },
  ];
  return {
    lookupKey: price.lookupKey,
    params: {
      product: product.id,
      currency,
      billing_scheme: "tiered",
      tiers_mode: "graduated",
      tiers,
      recurring: { interval, usage_type: "licensed" },
      nickname: `${product.name} ${price.period}`,
      metadata: { tollgate_tier: product.tier, tollgate_period: price.period },
    },
    matches: (existing) =>
      productIdOf(existing) === product.id &&
      existing.currency === currency &&
      existing.billing_scheme === "tiered" &&
      existing.tiers_mode === "graduated" &&
      sameTiers(existing.tiers, tiers) &&
      existing.recurring?.interval === interval &&
      existing.recurring.interval_count === 1 &&
      existing.recurring.usage_type === "licensed",
  };
}

/** Usage-based: billed monthly from what the meter summed for the customer. */
export function meteredPriceSpec(
  currency: string,
  product: CatalogProduct,
  meterId: string,
): PriceSpec {
  const { lookupKey, unitAmountDecimal } = product.meteredPrice;
  const unitAmount = Stripe.Decimal.from(unitAmountDecimal);
  return {
    lookupKey,
    params: {
      product: product.id,
      currency,
      unit_amount_decimal: unitAmount,
      recurring: { interval: "month", usage_type: "metered", meter: meterId },
      nickname: `${product.name} API calls`,
      metadata: { tollgate_tier: product.tier, tollgate_metric: "api_calls" },
    },
    matches: (existing) =>
      productIdOf(existing) === product.id &&
      existing.currency === currency &&
      existing.unit_amount_decimal !== null &&
      unitAmount.eq(Stripe.Decimal.from(String(existing.unit_amount_decimal))) &&
      existing.recurring?.interval === "month" &&
      existing.recurring.interval_count === 1 &&
      existing.recurring.usage_type === "metered" &&
      existing.recurring.meter === meterId,
  };
}

/**
 * Keeps the active price under the lookup key when it matches; otherwise creates one that takes
 * the key over and archives the one that had it (subscriptions on it keep it). The price is read
 * with its tiers: Stripe returns them only when expanded.
 */
export async function pushPrice(
  stripe: Stripe,
  spec: PriceSpec,
): Promise<{ id: string; changes: StripeChange[] }> {
  const { data } = await stripe.prices.list({
    lookup_keys: [spec.lookupKey],
    active: true,
    expand: ["data.tiers"],
  });
  const current = data.find((price) => price.lookup_key === spec.lookupKey);
  if (current && spec.matches(current)) {
    return {
      id: current.id,
      changes: [{ kind: "price", key: spec.lookupKey, id: current.id, action: "unchanged" }],
    };
  }
  const created = await stripe.prices.create({
    ...spec.params,
    lookup_key: spec.lookupKey,
    transfer_lookup_key: true,
  });
  const changes: StripeChange[] = [
    { kind: "price", key: spec.lookupKey, id: created.id, action: "created" },
  ];
  if (current) {
    await stripe.prices.update(current.id, { active: false });
    changes.push({ kind: "price", key: spec.lookupKey, id: current.id, action: "archived" });
  }
  return { id: created.id, changes };
}
