import type Stripe from "stripe";
import { type PlanTier, planByLookupKey } from "./plans";

/**
 * Reading an invoice against the catalog: which plan it billed, from its own lines. Pure.
 *
 * The plan comes from what the invoice charged, not from the subscription as it is now: an
 * invoice mirrored after an upgrade or a kept downgrade still bills the plan it billed.
 */

/** The catalog lookup key of a price id; null or undefined when the price is not in the catalog. */
export type LookupKeyOfPrice = (priceId: string) => string | null | undefined;

/**
 * The price id each line charged (`pricing.price_details.price`, an id unless expanded); lines
 * without a price (none in Tollgate's invoices) are left out.
 */
export function priceIdsOfInvoice(invoice: Pick<Stripe.Invoice, "lines">): string[] {
  const ids: string[] = [];
  for (const line of invoice.lines.data) {
    const price = line.pricing?.price_details?.price;
    if (price) ids.push(typeof price === "string" ? price : price.id);
  }
  return ids;
}

function lookupKeyOfLine(
  line: Stripe.InvoiceLineItem,
  lookupKeyOfPrice: LookupKeyOfPrice,
): string | null {
  const price = line.pricing?.price_details?.price;
  if (!price) return null;
  if (typeof price === "string") return lookupKeyOfPrice(price) ?? null;
  return lookupKeyOfPrice(price.id) ?? price.lookup_key;
}

/**
 * The plan an invoice billed: the plan of its plan line (a line whose price is a plan price of
 * the catalog; the metered API-calls price is not one) with the largest amount. A proration
 * invoice credits the old plan (negative) and charges the new one (positive), so the new plan
 * wins; a trial's invoice charges its plan at zero, which still names the plan. Credit alone
 * names none. Null when no line charges a plan: usage only, or a one-off invoice.
 *
 * Reads `invoice.lines` as given: the caller passes every line (Stripe embeds the first ten).
 * Ties go to the earlier line.
 */
export function planTierOfInvoice(
  invoice: Pick<Stripe.Invoice, "lines">,
  lookupKeyOfPrice: LookupKeyOfPrice,
): PlanTier | null {
  let best: { tier: PlanTier; amount: number } | null = null;
  for (const line of invoice.lines.data) {
    if (line.amount < 0) continue;
    const found = planByLookupKey(lookupKeyOfLine(line, lookupKeyOfPrice));
    if (found && (best === null || line.amount > best.amount)) {
      best = { tier: found.plan.tier, amount: line.amount };
    }
  }
  return best?.tier ?? null;
}
