/** Test support for the plan catalog as it is pushed to Stripe. */
import type { CatalogPrice, StripeCatalog } from "@/lib/billing/catalog/push-catalog";

/** The catalog with the price `lookupKey` changed (as a change to plans.ts would make it). */
export function withPrice(
  catalog: StripeCatalog,
  lookupKey: string,
  change: Partial<Omit<CatalogPrice, "lookupKey" | "period">>,
): StripeCatalog {
  return {
    ...catalog,
    products: catalog.products.map((product) => ({
      ...product,
      prices: product.prices.map((price) =>
        price.lookupKey === lookupKey ? { ...price, ...change } : price,
      ),
    })),
  };
}

/** The catalog with the price `lookupKey` at another base amount. */
export function withAmount(
  catalog: StripeCatalog,
  lookupKey: string,
  amount: number,
): StripeCatalog {
  return withPrice(catalog, lookupKey, { amount });
}
