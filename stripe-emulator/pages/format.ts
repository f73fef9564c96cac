/**
 * How the hosted pages write dates, prices and hosts. Amounts themselves go through
 * `formatMoney` (`../money.ts`), which the PDF and line descriptions share.
 */
import type Stripe from "stripe";
import type { Emulator } from "../context";
import { formatMoney } from "../money";
import { amountFor } from "../tiers";

const dateFormat = new Intl.DateTimeFormat("en-US", {
  month: "long",
  day: "numeric",
  year: "numeric",
  timeZone: "UTC",
});

/** "November 25, 2026" (UTC), as the hosted pages write dates. */
export function formatDate(unix: number): string {
  return dateFormat.format(new Date(unix * 1000));
}

/** "per month", "every 3 months". */
export function perInterval(recurring: Stripe.Price.Recurring | null): string {
  if (!recurring) return "";
  const count = recurring.interval_count;
  return count === 1 ? `per ${recurring.interval}` : `every ${count} ${recurring.interval}s`;
}

/**
 * What a price costs for a quantity: "$29.00 per month" (a tiered price by its tiers for that
 * quantity) or "$0.10 per unit, billed per month".
 */
export function priceText(em: Emulator, price: Stripe.Price, quantity = 1): string {
  if (price.recurring?.usage_type === "metered") {
    const unit = formatMoney(amountFor(em, price, 1), price.currency);
    return `${unit} per unit, billed ${perInterval(price.recurring)}`;
  }
  const amount = formatMoney(amountFor(em, price, quantity), price.currency);
  return price.recurring ? `${amount} ${perInterval(price.recurring)}` : amount;
}

/** The host of a URL for a link's words ("Continue to shop.example"); the text itself if unparsable. */
export function hostOf(value: string): string {
  try {
    return new URL(value).host;
  } catch {
    return value;
  }
}
