import Stripe from "stripe";
import type { CatalogProduct, ChangeAction, StripeChange } from "./types";

/** Creates the tier's product under its fixed id, or puts its name and description back. */
export async function pushProduct(stripe: Stripe, product: CatalogProduct): Promise<StripeChange> {
  const desired = {
    name: product.name,
    description: product.description,
    metadata: { tollgate_tier: product.tier },
  };
  const change = (action: ChangeAction): StripeChange => ({
    kind: "product",
    key: product.id,
    id: product.id,
    action,
  });
  const existing = await retrieveProduct(stripe, product.id);
  if (!existing) {
    await stripe.products.create({ id: product.id, ...desired });
    return change("created");
  }
  if (
    existing.active &&
    existing.name === desired.name &&
    existing.description === desired.description &&
    existing.metadata.tollgate_tier === product.tier
  ) {
    return change("unchanged");
  }
  await stripe.products.update(product.id, { ...desired, active: true });
  return change("updated");
}

async function retrieveProduct(stripe: Stripe, id: string): Promise<Stripe.Product | null> {
  try {
    return await stripe.products.retrieve(id);
  } catch (error) {
    if (error instanceof Stripe.errors.StripeError && error.statusCode === 404) return null;
    throw error;
  }
}
