/**
 * Stripe's test cards, and payment methods made from them.
 *
 * - 4242 4242 4242 4242 (pm_card_visa): every charge succeeds.
 * - 4000 0000 0000 0341 (pm_card_chargeCustomerFail): attaches, every later charge fails.
 * - 4000 0000 0000 9995 (pm_card_chargeDeclinedInsufficientFunds): declined with
 *   insufficient_funds wherever it is presented.
 * Any other number that passes the Luhn check behaves like 4242; one that fails it is
 * "incorrect_number".
 */
import type Stripe from "stripe";
import type { Emulator } from "./context";
import { cardError, type StripeApiError } from "./errors";
import type { CardBehaviour } from "./state";

interface TestCard {
  brand: string;
  last4: string;
  behaviour: CardBehaviour;
}

const TOKENS: Record<string, string> = {
  pm_card_visa: "4242424242424242",
  tok_visa: "4242424242424242",
  pm_card_mastercard: "5555555555554444",
  pm_card_chargeCustomerFail: "4000000000000341",
  tok_chargeCustomerFail: "4000000000000341",
  pm_card_chargeDeclinedInsufficientFunds: "4000000000009995",
  tok_chargeDeclinedInsufficientFunds: "4000000000009995",
};

export function isTestToken(id: string): boolean {
  return Object.hasOwn(TOKENS, id);
}

function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let digit = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

function brandOf(digits: string): string {
  if (digits.startsWith("4")) return "visa";
  if (/^5[1-5]|^2[2-7]/.test(digits)) return "mastercard";
  if (/^3[47]/.test(digits)) return "amex";
  return "unknown";
}

export function readCard(number: string, param = "card[number]"): TestCard {
  const digits = (TOKENS[number] ?? number).replace(/[\s-]/g, "");
  if (!/^\d{12,19}$/.test(digits) || !luhn(digits)) {
    throw cardError("incorrect_number", "Your card number is incorrect.", param);
  }
  const behaviour: CardBehaviour =
    digits === "4000000000000341"
      ? "fail_charges"
      : digits === "4000000000009995"
        ? "decline"
        : "succeed";
  return { brand: brandOf(digits), last4: digits.slice(-4), behaviour };
}

export function declinedError(): StripeApiError {
  return cardError("card_declined", "Your card has insufficient funds.", "", "insufficient_funds");
}

export interface CardDetails {
  number: string;
  expMonth: number;
  expYear: number;
  name?: string | null;
  email?: string | null;
}

/**
 * Checks a card as Stripe does when it is presented: number, expiry, and a 9995 card's
 * decline. Throws the card error; changes nothing.
 */
export function checkCard(details: CardDetails): TestCard {
  const card = readCard(details.number);
  const year = new Date().getUTCFullYear();
  if (
    details.expYear < year ||
    details.expMonth < 1 ||
    details.expMonth > 12 ||
    details.expYear > year + 50
  ) {
    throw cardError(
      "invalid_expiry_year",
      "Your card's expiration date is invalid.",
      "card[exp_year]",
    );
  }
  if (card.behaviour === "decline") throw declinedError();
  return card;
}

/** A card payment method; a 9995 card is refused here, as Stripe refuses it on setup. */
export function createCardPaymentMethod(
  em: Emulator,
  details: CardDetails,
  customer: string | null,
): Stripe.PaymentMethod {
  const card = checkCard(details);
  const id = em.newId("pm", 24);
  const paymentMethod: Stripe.PaymentMethod = {
    id,
    object: "payment_method",
    allow_redisplay: "unspecified",
    billing_details: {
      address: null,
      email: details.email ?? null,
      name: details.name ?? null,
      phone: null,
      tax_id: null,
    },
    card: {
      brand: card.brand,
      checks: { address_line1_check: null, address_postal_code_check: null, cvc_check: "pass" },
      country: "US",
      display_brand: card.brand,
      exp_month: details.expMonth,
      exp_year: details.expYear,
      fingerprint: card.last4.padStart(16, "F"),
      funding: "credit",
      generated_from: null,
      last4: card.last4,
      networks: { available: [card.brand], preferred: null },
      regulated_status: "unregulated",
      three_d_secure_usage: { supported: true },
      wallet: null,
    },
    created: em.now(customer),
    customer,
    customer_account: null,
    livemode: false,
    metadata: {},
    type: "card",
  };
  em.state.paymentMethods[id] = paymentMethod;
  em.state.cardBehaviour[id] = card.behaviour;
  if (customer) em.emit("payment_method.attached", paymentMethod, undefined, customer);
  return paymentMethod;
}
