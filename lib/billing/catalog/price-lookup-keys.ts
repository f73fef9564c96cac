import "server-only";
import type Stripe from "stripe";
import {
  isPaidTier,
  lookupKeyFor,
  meteredLookupKeyFor,
  PLAN_TIERS,
  stripeProductIdFor,
} from "./plans";

/**
 * The catalog lookup key a Stripe price stands for: its own `lookup_key`, or, for a price that
 * gave its key to a newer one (`npm run stripe:sync` archives a changed price and moves the key,
 * push-catalog.ts), the key of the catalog slot it filled: its product's tier and its interval,
 * or the tier's metered key. A price's product and interval never change, so neither does the
 * answer. Null for a price of no catalog slot. Pure.
 */
export function catalogLookupKeyOf(price: Stripe.Price): string | null {
  if (price.lookup_key) return price.lookup_key;
  const productId = typeof price.product === "string" ? price.product : price.product.id;
  const tier = PLAN_TIERS.filter(isPaidTier).find((paid) => stripeProductIdFor(paid) === productId);
  const recurring = price.recurring;
  if (!tier || !recurring || recurring.interval_count !== 1) return null;
  if (recurring.usage_type === "metered") return meteredLookupKeyFor(tier);
  if (recurring.interval === "month") return lookupKeyFor(tier, "monthly");
  if (recurring.interval === "year") return lookupKeyFor(tier, "yearly");
  return null;
}

/** Price id → lookup key (null: seen, not a catalog price), per Stripe client. */
const known = new WeakMap<Stripe, Map<string, string | null>>();

async function readCatalogPrices(stripe: Stripe, keys: Map<string, string | null>): Promise<void> {
  for (const tier of PLAN_TIERS.filter(isPaidTier)) {
    // Archived prices too: old invoices charged them.
    for await (const price of stripe.prices.list({
      product: stripeProductIdFor(tier),
      limit: 100,
    })) {
      keys.set(price.id, catalogLookupKeyOf(price));
    }
  }
}

/**
 * The catalog lookup key of each of `priceIds` that has one. The catalog's prices (every price
 * of its products, archived ones included) are read from Stripe once per client and kept: what
 * a price stands for never changes. They are read again only when asked about an id never seen
 * (a price created since), and an id that is still not among them is remembered as outside the
 * catalog, so each id costs at most one read, however many invoices charge it. May throw
 * Stripe's errors.
 */
export async function lookupKeysOfPrices(
  stripe: Stripe,
  priceIds: Iterable<string>,
): Promise<Map<string, string>> {
  let keys = known.get(stripe);
  if (!keys) {
    keys = new Map();
    known.set(stripe, keys);
  }
  const wanted = new Set(priceIds);
  const unseen = [...wanted].filter((id) => !keys.has(id));
  if (unseen.length > 0) {
    await readCatalogPrices(stripe, keys);
    for (const id of unseen) if (!keys.has(id)) keys.set(id, null);
  }
  const found = new Map<string, string>();
  for (const id of wanted) {
    const key = keys.get(id);
    if (key) found.set(id, key);
  }
  return found;
}
