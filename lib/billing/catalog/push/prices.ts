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

export function licensedPriceSpec(
  currency: string,
  product: CatalogProduct,
  price: CatalogPrice,
): PriceSpec {
  const interval = INTERVALS[price.period];
  return {
    lookupKey: price.lookupKey,
    params: {
      product: product.id,
      currency,
      unit_amount: price.amount,
      recurring: { interval, usage_type: "licensed" },
      nickname: `${product.name} ${price.period}`,
      metadata: { tollgate_tier: product.tier, tollgate_period: price.period },
    },
    matches: (existing) =>
      productIdOf(existing) === product.id &&
      existing.currency === currency &&
      existing.unit_amount === price.amount &&
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
 * the key over and archives the one that had it (subscriptions on it keep it).
 */
export async function pushPrice(
  stripe: Stripe,
  spec: PriceSpec,
): Promise<{ id: string; changes: StripeChange[] }> {
  const { data } = await stripe.prices.list({ lookup_keys: [spec.lookupKey], active: true });
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
