/**
 * Reading the card fields a page posts (email, name, number, expiry, CVC) into the engine's
 * `CardDetails`, or the first problem with them, named by field so the page can point at it.
 */
import type { CardDetails } from "../cards";
import type { StripeApiError } from "../errors";
import { type FormObject, field } from "../form";

export type CardField = "email" | "name" | "number" | "expiry" | "cvc";

export interface FormProblem {
  message: string;
  field: CardField | null;
}

/** What the card fields hold when a form is shown again: never the number or the CVC. */
export interface CardFormValues {
  email: string;
  name: string;
  expiry: string;
}

export const EMPTY_CARD_VALUES: CardFormValues = { email: "", name: "", expiry: "" };

export function cardValuesOf(form: FormObject): CardFormValues {
  return { email: field(form, "email"), name: field(form, "name"), expiry: field(form, "expiry") };
}

/** "MM / YY", "MM/YY", "MMYY" or with a four-digit year. */
function readExpiry(text: string): { month: number; year: number } | FormProblem {
  const match = /^\s*(\d{1,2})\s*\/?\s*(\d{2}|\d{4})\s*$/.exec(text);
  if (!text.trim()) return { message: "Enter your card's expiration date.", field: "expiry" };
  if (!match?.[1] || !match[2]) {
    return { message: "Enter the expiration date as MM / YY, e.g. 12 / 34.", field: "expiry" };
  }
  const month = Number(match[1]);
  const year = match[2].length === 2 ? 2000 + Number(match[2]) : Number(match[2]);
  if (month < 1 || month > 12) {
    return { message: "Your card's expiration month is invalid.", field: "expiry" };
  }
  const now = new Date();
  const thisYear = now.getUTCFullYear();
  if (year < thisYear || (year === thisYear && month < now.getUTCMonth() + 1)) {
    return { message: "Your card's expiration date is in the past.", field: "expiry" };
  }
  if (year > thisYear + 50) {
    return { message: "Your card's expiration year is invalid.", field: "expiry" };
  }
  return { month, year };
}

/**
 * Reads and checks the card fields. The number's format is checked here; whether it is a real
 * (Luhn-valid) number is the engine's `readCard`'s call, reported as `incorrect_number`.
 */
export function readCardForm(
  form: FormObject,
  options: { email: "required" | "none" },
): { card: CardDetails } | FormProblem {
  const email = field(form, "email").trim();
  if (options.email === "required" && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) {
    return {
      message: email ? "Enter a valid email address." : "Enter your email address.",
      field: "email",
    };
  }
  const name = field(form, "name").trim();
  if (!name) return { message: "Enter the name on the card.", field: "name" };
  const number = field(form, "number").replace(/[\s-]/g, "");
  if (!number) return { message: "Enter your card number.", field: "number" };
  if (!/^\d+$/.test(number)) {
    return { message: "Your card number may contain digits and spaces only.", field: "number" };
  }
  if (number.length < 12 || number.length > 19) {
    return { message: "Your card number is incomplete.", field: "number" };
  }
  const expiry = readExpiry(field(form, "expiry"));
  if ("message" in expiry) return expiry;
  const cvc = field(form, "cvc").trim();
  if (!/^\d{3,4}$/.test(cvc)) {
    return {
      message: cvc ? "Your card's security code is invalid." : "Enter your card's security code.",
      field: "cvc",
    };
  }
  return {
    card: {
      number,
      expMonth: expiry.month,
      expYear: expiry.year,
      name,
      email: options.email === "required" ? email : null,
    },
  };
}

/** The field an engine error is about, so the page can point at it. */
export function problemOf(error: StripeApiError): FormProblem {
  const code = error.body.code ?? "";
  const field: CardField | null =
    code === "incorrect_number" || code === "invalid_number"
      ? "number"
      : code.startsWith("invalid_expiry")
        ? "expiry"
        : null;
  return { message: error.body.message, field };
}
