/** Test support for the plan catalog as it is pushed to Stripe. */
import type { StripeCatalog } from "@/lib/billing/catalog/push-catalog";

/** The catalog with the price `lookupKey` at another amount (as a price change would make it). */
export function withAmount(
  catalog: StripeCatalog,
  lookupKey: string,
  amount: number,
): StripeCatalog {
  return {
    ...catalog,
    products: catalog.products.map((product) => ({
      ...product,
      prices: product.prices.map((price) =>
        price.lookupKey === lookupKey ? { ...price, amount } : price,
      ),
    })),
  };
}
