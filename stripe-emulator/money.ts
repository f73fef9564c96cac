/**
 * Amounts in a currency's smallest unit, formatted in that currency ("$29.00", "¥500"), the
 * way every page, PDF and line description of the emulator shows them. The locale is fixed so
 * output does not depend on the machine.
 */
const formats = new Map<string, Intl.NumberFormat>();

export function formatMoney(amount: number, currency: string): string {
  const code = currency.toUpperCase();
  let format = formats.get(code);
  if (!format) {
    format = new Intl.NumberFormat("en-US", { style: "currency", currency: code });
    formats.set(code, format);
  }
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  return format.format(amount / 10 ** digits);
}
