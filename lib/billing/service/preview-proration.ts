import "server-only";
import type Stripe from "stripe";
import { callStripe } from "./call-stripe";
import type { ItemChange } from "./plan-items";
import type { CurrentSubscription } from "./require-current-subscription";

/**
 * The invoice Stripe would make at once for applying `items` to `current` with the proration
 * invoiced now, and the time its prorations were computed at (`prorationDate`: Stripe's "now"
 * unless one is given). Passing that date to the update makes the charge equal the preview.
 */
export async function previewProration(
  stripe: Stripe,
  current: CurrentSubscription,
  items: ItemChange[],
  prorationDate?: number,
): Promise<{ invoice: Stripe.Invoice; prorationDate: number }> {
  const invoice = await callStripe("invoices.createPreview", () =>
    stripe.invoices.createPreview({
      subscription: current.subscription.id,
      subscription_details: {
        items,
        proration_behavior: "always_invoice",
        ...(prorationDate === undefined ? {} : { proration_date: prorationDate }),
      },
    }),
  );
  const prorationLine = invoice.lines.data.find(
    (line) => line.parent?.subscription_item_details?.proration,
  );
  return {
    invoice,
    prorationDate:
      invoice.parent?.subscription_details?.subscription_proration_date ??
      prorationLine?.period.start ??
      invoice.created,
  };
}
