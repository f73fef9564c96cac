/**
 * Stripe objects for unit tests of pure code, in the shape API version 2026-10-28.endive
 * returns (see Stripe's example objects): every field, typed by stripe-node, so shape drift
 * fails the type check. Tests that need Stripe's behaviour use the emulator instead.
 */
import type Stripe from "stripe";

/** A recurring price of `product`; licensed unless `usage` says metered. */
export function stripePrice(
  id: string,
  {
    product = "tollgate_pro",
    lookupKey = null,
    interval = "month",
    usage = "licensed",
    unitAmount = 2_900,
    active = true,
  }: {
    product?: string;
    lookupKey?: string | null;
    interval?: Stripe.Price.Recurring.Interval;
    usage?: Stripe.Price.Recurring.UsageType;
    unitAmount?: number;
    active?: boolean;
  } = {},
): Stripe.Price {
  return {
    id,
    object: "price",
    active,
    billing_scheme: "per_unit",
    created: 1_764_547_200,
    currency: "usd",
    custom_unit_amount: null,
    livemode: false,
    lookup_key: lookupKey,
    metadata: {},
    nickname: null,
    product,
    recurring: {
      interval,
      interval_count: 1,
      meter: usage === "metered" ? "mtr_test_61Tollgate" : null,
      trial_period_days: null,
      usage_type: usage,
    },
    tax_behavior: "unspecified",
    tiers_mode: null,
    transform_quantity: null,
    type: "recurring",
    unit_amount: usage === "metered" ? null : unitAmount,
    unit_amount_decimal: null,
  };
}

const SUBSCRIPTION = "sub_1PgcA2B7WZ01zgkW5XbQ2nKs";

/** A line of a subscription invoice: the price is an id unless passed expanded. */
export function invoiceLine(
  price: string | Stripe.Price,
  amount: number,
  { proration = false, description = "1 × Tollgate" } = {},
): Stripe.InvoiceLineItem {
  const priceId = typeof price === "string" ? price : price.id;
  return {
    id: `il_${priceId.slice(6)}${amount}`,
    object: "line_item",
    amount,
    currency: "usd",
    description,
    discount_amounts: [],
    discountable: !proration,
    discounts: [],
    invoice: "in_1Pgc6tB7WZ01zgkWu9fdqL6I",
    livemode: false,
    metadata: {},
    parent: {
      type: "subscription_item_details",
      invoice_item_details: null,
      subscription_item_details: {
        invoice_item: null,
        proration,
        proration_details: { credited_items: null },
        subscription: SUBSCRIPTION,
        subscription_item: "si_QXg1Kq3Zr2C9Nd",
      },
    },
    period: { start: 1_764_547_200, end: 1_767_225_600 },
    pretax_credit_amounts: [],
    pricing: {
      type: "price_details",
      price_details: { price, product: "tollgate_pro" },
      unit_amount_decimal: null,
    },
    quantity: 1,
    quantity_decimal: null,
    subscription: SUBSCRIPTION,
    subtotal: amount,
    taxes: [],
  };
}

/** The `lines` of an invoice holding `lines`, all embedded. */
export function invoiceWithLines(
  ...lines: Stripe.InvoiceLineItem[]
): Pick<Stripe.Invoice, "lines"> {
  return {
    lines: {
      object: "list",
      data: lines,
      has_more: false,
      url: "/v1/invoices/in_1Pgc6tB7WZ01zgkWu9fdqL6I/lines",
    },
  };
}
