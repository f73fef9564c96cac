import "server-only";
import type Stripe from "stripe";
import { meteredItemOf } from "../sync";
import type { CurrentSubscription } from "./require-current-subscription";

/** An item change, in the shape both `subscriptions.update` and `invoices.createPreview` take. */
export interface ItemChange {
  id?: string;
  price?: string;
  deleted?: boolean;
}

/**
 * The item changes that move `current` to a plan's prices: the plan item takes the new price,
 * and the metered item follows the plan (swapped to the new tier's metered price, added when
 * the new plan bills usage and the subscription had none, removed when it does not bill usage).
 */
export function planItemChanges(
  current: CurrentSubscription,
  prices: { price: Stripe.Price; metered: Stripe.Price | null },
): ItemChange[] {
  const changes: ItemChange[] = [{ id: current.item.id, price: prices.price.id }];
  const existing = meteredItemOf(current.subscription);
  if (existing && !prices.metered) {
    changes.push({ id: existing.id, deleted: true });
  } else if (existing && prices.metered && existing.price.id !== prices.metered.id) {
    changes.push({ id: existing.id, price: prices.metered.id });
  } else if (!existing && prices.metered) {
    changes.push({ price: prices.metered.id });
  }
  return changes;
}
