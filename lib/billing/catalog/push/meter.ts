import type Stripe from "stripe";
import type { ChangeAction, StripeCatalog, StripeChange } from "./types";

/**
 * Finds the meter by event name (an active one first) or creates it; reactivates it and puts
 * its display name back. Throws when the meter found reads other payload keys or does not sum:
 * Stripe cannot change that, and usage reported to it would be misread.
 */
export async function pushMeter(
  stripe: Stripe,
  meter: StripeCatalog["meter"],
): Promise<{ id: string; change: StripeChange }> {
  const change = (id: string, action: ChangeAction): { id: string; change: StripeChange } => ({
    id,
    change: { kind: "meter", key: meter.eventName, id, action },
  });
  const meters: Stripe.Billing.Meter[] = [];
  for await (const item of stripe.billing.meters.list({ limit: 100 })) {
    if (item.event_name === meter.eventName) meters.push(item);
  }
  const existing = meters.find((item) => item.status === "active") ?? meters[0];
  if (!existing) {
    const created = await stripe.billing.meters.create({
      display_name: meter.displayName,
      event_name: meter.eventName,
      default_aggregation: { formula: "sum" },
      customer_mapping: { type: "by_id", event_payload_key: meter.customerPayloadKey },
      value_settings: { event_payload_key: meter.valuePayloadKey },
    });
    return change(created.id, "created");
  }
  if (
    existing.default_aggregation.formula !== "sum" ||
    existing.customer_mapping.event_payload_key !== meter.customerPayloadKey ||
    existing.value_settings.event_payload_key !== meter.valuePayloadKey
  ) {
    throw new Error(
      `Stripe meter ${existing.id} (${meter.eventName}) does not sum "${meter.valuePayloadKey}" ` +
        `per "${meter.customerPayloadKey}"; meters cannot be changed, so deactivate it in the ` +
        "Stripe dashboard or change the event name in lib/billing/catalog/plans.ts",
    );
  }
  let action: ChangeAction = "unchanged";
  if (existing.status !== "active") {
    await stripe.billing.meters.reactivate(existing.id);
    action = "updated";
  }
  if (existing.display_name !== meter.displayName) {
    await stripe.billing.meters.update(existing.id, { display_name: meter.displayName });
    action = "updated";
  }
  return change(existing.id, action);
}
