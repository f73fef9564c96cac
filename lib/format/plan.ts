/**
 * The plan catalog for people: prices as the pricing page shows them ("$29", "$2,990",
 * "$12.50": a zero fraction is dropped) and limits ("10,000", "50 GB"). The catalog itself
 * (lib/billing/catalog/plans.ts) holds no formatting. Pure and safe in client components.
 */
import {
  type BillingPeriod,
  CURRENCY,
  GB,
  type Metric,
  type PlanTier,
  priceFor,
} from "@/lib/billing/catalog/plans";

/**
 * Formats an amount in the currency's smallest unit with Intl, dropping the fraction when it
 * is zero ("$29", "$2,990", "$12.50").
 */
export function formatPrice(amount: number, currency: string = CURRENCY, locale = "en-US"): string {
  const code = currency.toUpperCase();
  const digits =
    new Intl.NumberFormat(locale, { style: "currency", currency: code }).resolvedOptions()
      .maximumFractionDigits ?? 2;
  const major = amount / 10 ** digits;
  const whole = Number.isInteger(major);
  return new Intl.NumberFormat(locale, {
    style: "currency",
    currency: code,
    minimumFractionDigits: whole ? 0 : digits,
    maximumFractionDigits: digits,
  }).format(major);
}

export function formatPlanPrice(tier: PlanTier, period: BillingPeriod, locale = "en-US"): string {
  return formatPrice(priceFor(tier, period), CURRENCY, locale);
}

/** Formats a limit for people: "10,000", "50 GB". */
export function formatLimit(metric: Metric, value: number, locale = "en-US"): string {
  if (metric === "storage_bytes") {
    return `${new Intl.NumberFormat(locale).format(value / GB)} GB`;
  }
  return new Intl.NumberFormat(locale).format(value);
}
