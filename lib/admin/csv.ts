import "server-only";
import { minorUnitDigits } from "@/lib/format/money";

/**
 * CSV for spreadsheets: RFC 4180 lines (CRLF, quotes doubled, a field quoted when it holds a
 * comma, quote or line break) and money as plain decimal strings in the currency's unit.
 */

/**
 * A cell a spreadsheet would run as a formula gets a leading `'`, so it is shown as text (OWASP
 * "CSV injection"): one whose first character other than whitespace is `=`, `+`, `-` or `@`
 * (spreadsheets trim leading spaces before they look), or that starts with a tab, carriage
 * return or line feed. Only for text that came from outside: amounts we format ourselves may be
 * negative and must stay numbers.
 */
export function textCell(value: string | null | undefined): string {
  if (value === null || value === undefined) return "";
  return /^\s*[=+\-@]|^[\t\r\n]/.test(value) ? `'${value}` : value;
}

function quoteField(field: string): string {
  return /[",\r\n]/.test(field) ? `"${field.replaceAll('"', '""')}"` : field;
}

/** One CSV record with its CRLF terminator; fields are written as given, quoted when needed. */
export function csvLine(fields: readonly string[]): string {
  return `${fields.map(quoteField).join(",")}\r\n`;
}

/**
 * An amount in the currency's smallest unit as a decimal string in its main unit, exactly (no
 * floating point): 2900 USD → "29.00", -1250 USD → "-12.50", 4500 JPY → "4500", 5 KWD → "0.005".
 */
export function decimalAmount(amount: number, currency: string): string {
  if (!Number.isSafeInteger(amount)) throw new RangeError(`not a whole amount: ${amount}`);
  const digits = minorUnitDigits(currency);
  const sign = amount < 0 ? "-" : "";
  const units = Math.abs(amount).toString();
  if (digits === 0) return `${sign}${units}`;
  const padded = units.padStart(digits + 1, "0");
  return `${sign}${padded.slice(0, -digits)}.${padded.slice(-digits)}`;
}
