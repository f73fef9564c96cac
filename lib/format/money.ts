/**
 * Money for people: an amount in the currency's smallest unit (cents, yen, fils), formatted
 * with Intl in that currency, always with the currency's full minor digits ("$29.00",
 * "¥1,999", "KWD 1.999"), so amounts in a column line up. The digits come from Intl itself, so
 * zero-decimal currencies (JPY, KRW) and three-decimal ones (KWD, BHD) need no table here.
 *
 * Pure and safe in client components. Prices from the plan catalog go through `formatPrice`
 * (lib/format/plan.ts), which drops a zero fraction ("$29").
 */

const formats = new Map<string, Intl.NumberFormat>();

function formatFor(
  currency: string,
  locale: string,
): { format: Intl.NumberFormat; digits: number } {
  const code = currency.toUpperCase();
  const key = `${locale}|${code}`;
  let format = formats.get(key);
  if (!format) {
    const digits =
      new Intl.NumberFormat(locale, { style: "currency", currency: code }).resolvedOptions()
        .maximumFractionDigits ?? 2;
    format = new Intl.NumberFormat(locale, {
      style: "currency",
      currency: code,
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
      // A credit is shown with its sign; zero is never "-$0.00".
      signDisplay: "negative",
    });
    formats.set(key, format);
  }
  return { format, digits: format.resolvedOptions().maximumFractionDigits ?? 2 };
}

/**
 * Formats `amountMinor` (an integer in the currency's smallest unit, as Stripe sends it) in
 * `currency` (an ISO 4217 code, any case). Throws RangeError for a malformed currency code.
 */
export function formatMoney(amountMinor: number, currency: string, locale = "en-US"): string {
  const { format, digits } = formatFor(currency, locale);
  return format.format(amountMinor / 10 ** digits);
}
