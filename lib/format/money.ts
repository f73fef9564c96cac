import { type BillingPeriod, CURRENCY, type PlanTier, priceFor } from "@/lib/billing/catalog/plans";

/**
 * Money for people: an amount in the currency's smallest unit (cents, yen, fils), formatted with
 * Intl in that currency. The minor digits come from Intl itself (`minorUnitDigits`), so
 * zero-decimal currencies (JPY, KRW) and three-decimal ones (KWD, BHD) need no table here.
 *
 * The rule for the zero fraction: an amount that was charged, paid, owed or counted (invoice
 * lists, the admin dashboard, MRR, a plan change's charge) always shows the currency's minor
 * digits, "$29.00", so every table, figure and the CSV agree digit for digit. A catalog price
 * (the pricing page and the plan lines that quote it) drops a zero fraction, "$29", through
 * `formatPlanPrice`; "$12.50" keeps its cents either way.
 *
 * Pure and safe in client components.
 */

export interface MoneyFormatOptions {
  /** "$29" rather than "$29.00" when the amount is whole; a fraction is still shown in full. */
  dropZeroFraction?: boolean;
  /** "$41.8K": three significant digits, for chart labels set beside the exact figures. */
  compact?: boolean;
  locale?: string;
}

type Shape = "full" | "whole" | "compact";

const digitsByCurrency = new Map<string, number>();
const formats = new Map<string, Intl.NumberFormat>();

/**
 * Digits after the decimal point of the currency's minor unit, as Intl knows them (USD 2, JPY 0,
 * KWD 3); a well-formed code Intl does not know gets 2. Throws RangeError for a malformed code.
 */
export function minorUnitDigits(currency: string): number {
  const code = currency.toUpperCase();
  let digits = digitsByCurrency.get(code);
  if (digits === undefined) {
    digits =
      new Intl.NumberFormat("en-US", { style: "currency", currency: code }).resolvedOptions()
        .maximumFractionDigits ?? 2;
    digitsByCurrency.set(code, digits);
  }
  return digits;
}

function formatFor(code: string, locale: string, shape: Shape, digits: number): Intl.NumberFormat {
  const key = `${locale}|${code}|${shape}`;
  let format = formats.get(key);
  if (!format) {
    const fraction = shape === "whole" ? 0 : digits;
    format = new Intl.NumberFormat(locale, {
      style: "currency",
      currency: code,
      // A credit is shown with its sign; zero is never "-$0.00".
      signDisplay: "negative",
      ...(shape === "compact"
        ? { notation: "compact", maximumSignificantDigits: 3 }
        : { minimumFractionDigits: fraction, maximumFractionDigits: fraction }),
    });
    formats.set(key, format);
  }
  return format;
}

/**
 * Formats `amountMinor` (an integer in the currency's smallest unit, as Stripe sends it) in
 * `currency` (an ISO 4217 code, any case): "$29.00", "¥1,999", "KWD 1.999". Throws RangeError
 * for a malformed currency code.
 */
export function formatMoney(
  amountMinor: number,
  currency: string,
  { dropZeroFraction = false, compact = false, locale = "en-US" }: MoneyFormatOptions = {},
): string {
  const code = currency.toUpperCase();
  const digits = minorUnitDigits(code);
  const major = amountMinor / 10 ** digits;
  const shape: Shape = compact
    ? "compact"
    : dropZeroFraction && Number.isInteger(major)
      ? "whole"
      : "full";
  return formatFor(code, locale, shape, digits).format(major);
}

/** A plan's catalog price for a period, without a zero fraction: "$29", "$2,990". */
export function formatPlanPrice(tier: PlanTier, period: BillingPeriod): string {
  return formatMoney(priceFor(tier, period), CURRENCY, { dropZeroFraction: true });
}

/** The unit a plan price is billed per: "month", "year". */
export const PERIOD_UNIT: Record<BillingPeriod, string> = { monthly: "month", yearly: "year" };

/** A catalog price with its period: "$29/month". */
export function formatPlanPricePer(tier: PlanTier, period: BillingPeriod): string {
  return `${formatPlanPrice(tier, period)}/${PERIOD_UNIT[period]}`;
}
