import Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type Catalog,
  clockCustomer,
  createCatalog,
  DAY,
  eventTypes,
  startTestEmulator,
  stripeError,
  type TestEmulator,
} from "./testing";

let t: TestEmulator;
let catalog: Catalog;
/** 2026-01-15 00:00 UTC: far from month ends, so periods are easy to reason about. */
const START = Date.UTC(2026, 0, 15) / 1000;

beforeAll(async () => {
  t = await startTestEmulator();
  catalog = await createCatalog(t.stripe);
});
afterAll(() => t.close());

function about(customer: string) {
  return (event: Stripe.Event) => {
    const object = event.data.object as { customer?: unknown; id?: string };
    return object.customer === customer || object.id === customer;
  };
}

async function advance(clock: string, to: number) {
  return t.stripe.testHelpers.testClocks.advance(clock, { frozen_time: to });
}

describe("a trial", () => {
  it("warns three days before it ends, then starts paying", async () => {
    const { clock, customer } = await clockCustomer(t.stripe, START);
    const subscription = await t.stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: catalog.monthly.id }],
      trial_period_days: 14,
    });
    expect(subscription.status).toBe("trialing");
    expect(subscription.trial_end).toBe(START + 14 * DAY);
    expect(subscription.items.data[0]?.current_period_end).toBe(START + 14 * DAY);

    await advance(clock.id, START + 10 * DAY);
    expect(await eventTypes(t.stripe, about(customer.id))).not.toContain(
      "customer.subscription.trial_will_end",
    );
    await advance(clock.id, START + 12 * DAY);
    const types = await eventTypes(t.stripe, about(customer.id));
    expect(types.slice(-1)).toEqual(["customer.subscription.trial_will_end"]);
    const warning = (
      await t.stripe.events.list({ type: "customer.subscription.trial_will_end", limit: 100 })
    ).data.find((event) => (event.data.object as Stripe.Subscription).id === subscription.id);
    expect(warning?.created).toBe(START + 11 * DAY);

    await advance(clock.id, START + 15 * DAY);
    const after = await eventTypes(t.stripe, about(customer.id));
    expect(after.slice(after.indexOf("customer.subscription.trial_will_end") + 1)).toEqual([
      "invoice.created",
      "customer.subscription.updated",
      "invoice.finalized",
      "invoice.paid",
      "invoice.payment_succeeded",
    ]);
    const active = await t.stripe.subscriptions.retrieve(subscription.id);
    expect(active.status).toBe("active");
    expect(active.items.data[0]?.current_period_start).toBe(START + 14 * DAY);
    // The anchor is Jan 29; February has no 29th in 2026, so the period ends on its last day.
    expect(active.items.data[0]?.current_period_end).toBe(Date.UTC(2026, 1, 28) / 1000);
    const invoice = await t.stripe.invoices.retrieve(String(active.latest_invoice));
    expect(invoice).toMatchObject({
      status: "paid",
      amount_paid: 2900,
      billing_reason: "subscription_cycle",
    });
    expect(invoice.parent?.subscription_details?.subscription).toBe(subscription.id);
    expect(invoice.status_transitions.paid_at).toBe(START + 14 * DAY);
  });
});

describe("renewals", () => {
  it("renews each month with the documented events", async () => {
    const { clock, customer } = await clockCustomer(t.stripe, START);
    const subscription = await t.stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: catalog.monthly.id }],
    });
    expect(subscription.status).toBe("active");
    expect(await eventTypes(t.stripe, about(customer.id))).toEqual([
      "customer.created",
      "payment_method.attached",
      "customer.updated",
      "customer.subscription.created",
      "invoice.created",
      "invoice.finalized",
      "invoice.paid",
      "invoice.payment_succeeded",
      "customer.subscription.updated",
    ]);
    const created = (await eventTypes(t.stripe, about(customer.id))).length;
    await advance(clock.id, Date.UTC(2026, 2, 16) / 1000);
    const renewal = [
      "invoice.created",
      "customer.subscription.updated",
      "invoice.finalized",
      "invoice.paid",
      "invoice.payment_succeeded",
    ];
    expect((await eventTypes(t.stripe, about(customer.id))).slice(created)).toEqual([
      ...renewal,
      ...renewal,
    ]);
    const invoices = await t.stripe.invoices.list({ subscription: subscription.id });
    expect(
      invoices.data.map((invoice) => [
        invoice.billing_reason,
        invoice.amount_paid,
        invoice.period_start,
      ]),
    ).toEqual([
      ["subscription_cycle", 2900, Date.UTC(2026, 2, 15) / 1000],
      ["subscription_cycle", 2900, Date.UTC(2026, 1, 15) / 1000],
      ["subscription_create", 2900, START],
    ]);
    expect(new Set(invoices.data.map((invoice) => invoice.number)).size).toBe(3);
    const renewalUpdate = (
      await t.stripe.events.list({ type: "customer.subscription.updated", limit: 100 })
    ).data.find((event) => (event.data.object as Stripe.Subscription).id === subscription.id);
    expect((renewalUpdate?.data.object as Stripe.Subscription | undefined)?.latest_invoice).toBe(
      invoices.data[0]?.id,
    );
    expect(renewalUpdate?.data.previous_attributes).toMatchObject({
      latest_invoice: invoices.data[1]?.id,
    });
  });

  it("leaves renewal invoices as drafts while collection is paused, until resumes_at", async () => {
    const { clock, customer } = await clockCustomer(t.stripe, START);
    const subscription = await t.stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: catalog.monthly.id }],
    });
    await t.stripe.subscriptions.update(subscription.id, {
      pause_collection: { behavior: "keep_as_draft", resumes_at: Date.UTC(2026, 2, 1) / 1000 },
    });
    await advance(clock.id, Date.UTC(2026, 2, 20) / 1000);
    const invoices = await t.stripe.invoices.list({ subscription: subscription.id });
    expect(invoices.data.map((invoice) => [invoice.status, invoice.amount_paid])).toEqual([
      ["paid", 2900],
      ["draft", 0],
      ["paid", 2900],
    ]);
    expect((await t.stripe.subscriptions.retrieve(subscription.id)).pause_collection).toBeNull();
  });

  it("retries a failing card, goes past_due, then cancels after the last retry", async () => {
    const { clock, customer } = await clockCustomer(t.stripe, START, "pm_card_chargeCustomerFail");
    const subscription = await t.stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: catalog.monthly.id }],
      trial_period_days: 7,
    });
    const trialEnd = START + 7 * DAY;
    await advance(clock.id, trialEnd + 60);
    const pastDue = await t.stripe.subscriptions.retrieve(subscription.id);
    expect(pastDue.status).toBe("past_due");
    const invoice = await t.stripe.invoices.retrieve(String(pastDue.latest_invoice));
    expect(invoice).toMatchObject({
      status: "open",
      attempt_count: 1,
      next_payment_attempt: trialEnd + 3 * DAY,
    });

    await advance(clock.id, trialEnd + 6 * DAY);
    expect((await t.stripe.invoices.retrieve(invoice.id)).attempt_count).toBe(3);
    expect((await t.stripe.subscriptions.retrieve(subscription.id)).status).toBe("past_due");

    await advance(clock.id, trialEnd + 8 * DAY);
    const ended = await t.stripe.subscriptions.retrieve(subscription.id);
    expect(ended.status).toBe("canceled");
    expect(ended.ended_at).toBe(trialEnd + 7 * DAY);
    expect(ended.cancellation_details?.reason).toBe("payment_failed");
    const types = await eventTypes(t.stripe, about(customer.id));
    const fromTrialEnd = types.slice(types.indexOf("customer.subscription.trial_will_end") + 1);
    expect(fromTrialEnd).toEqual([
      "invoice.created",
      "customer.subscription.updated",
      "invoice.finalized",
      "invoice.payment_failed",
      "customer.subscription.updated",
      "invoice.payment_failed",
      "invoice.payment_failed",
      "invoice.payment_failed",
      "customer.subscription.deleted",
    ]);
  });

  it("recovers to active when a retry succeeds after the card is replaced", async () => {
    const { clock, customer } = await clockCustomer(t.stripe, START, "pm_card_chargeCustomerFail");
    const subscription = await t.stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: catalog.monthly.id }],
      trial_period_days: 7,
    });
    await advance(clock.id, START + 7 * DAY + 60);
    expect((await t.stripe.subscriptions.retrieve(subscription.id)).status).toBe("past_due");
    const good = await t.stripe.paymentMethods.attach("pm_card_visa", { customer: customer.id });
    await t.stripe.customers.update(customer.id, {
      invoice_settings: { default_payment_method: good.id },
    });
    await advance(clock.id, START + 10 * DAY + 60);
    const recovered = await t.stripe.subscriptions.retrieve(subscription.id);
    expect(recovered.status).toBe("active");
    expect((await t.stripe.invoices.retrieve(String(recovered.latest_invoice))).status).toBe(
      "paid",
    );
  });

  it("declines a 9995 card when it is attached", async () => {
    const customer = await t.stripe.customers.create({ email: "poor@example.com" });
    const error = (await t.stripe.paymentMethods
      .attach("pm_card_chargeDeclinedInsufficientFunds", { customer: customer.id })
      .catch((caught: unknown) => caught)) as Stripe.errors.StripeError;
    expect(error.statusCode).toBe(402);
    expect(error.type).toBe("StripeCardError");
    expect(error.decline_code).toBe("insufficient_funds");
  });
});

describe("test clocks", () => {
  it("delete their customers and subscriptions with them", async () => {
    const { clock, customer } = await clockCustomer(t.stripe, START);
    const subscription = await t.stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: catalog.monthly.id }],
    });
    await t.stripe.testHelpers.testClocks.del(clock.id);
    expect(await t.stripe.customers.retrieve(customer.id)).toMatchObject({ deleted: true });
    expect((await stripeError(t.stripe.subscriptions.retrieve(subscription.id))).statusCode).toBe(
      404,
    );
  });
});

describe("a first payment", () => {
  it("leaves the subscription incomplete when it fails, and activates it once paid", async () => {
    const { customer } = await clockCustomer(t.stripe, START, "pm_card_chargeCustomerFail");
    const subscription = await t.stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: catalog.monthly.id }],
    });
    expect(subscription.status).toBe("incomplete");
    const invoice = String(subscription.latest_invoice);
    expect((await t.stripe.invoices.retrieve(invoice)).status).toBe("open");
    const declined = (await t.stripe.invoices
      .pay(invoice)
      .catch((caught: unknown) => caught)) as Stripe.errors.StripeError;
    expect(declined.statusCode).toBe(402);
    expect((await t.stripe.invoices.retrieve(invoice)).attempt_count).toBe(2);
    const good = await t.stripe.paymentMethods.attach("pm_card_visa", { customer: customer.id });
    await t.stripe.invoices.pay(invoice, { payment_method: good.id });
    expect((await t.stripe.subscriptions.retrieve(subscription.id)).status).toBe("active");
  });
});

describe("an unpaid first invoice", () => {
  it("expires the subscription after 23 hours and voids the invoice", async () => {
    const { clock, customer } = await clockCustomer(t.stripe, START, "pm_card_chargeCustomerFail");
    const subscription = await t.stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: catalog.monthly.id }],
    });
    const invoice = await t.stripe.invoices.retrieve(String(subscription.latest_invoice));
    expect(invoice.next_payment_attempt).toBeNull();
    await advance(clock.id, START + 22 * 3600);
    expect((await t.stripe.subscriptions.retrieve(subscription.id)).status).toBe("incomplete");
    await advance(clock.id, START + DAY);
    const expired = await t.stripe.subscriptions.retrieve(subscription.id);
    expect(expired).toMatchObject({ status: "incomplete_expired", ended_at: START + 23 * 3600 });
    expect((await t.stripe.invoices.retrieve(invoice.id)).status).toBe("void");
  });
});

describe("changes Stripe refuses or handles at once", () => {
  it("ends a trial now when asked, warning once and billing in the same request", async () => {
    const { clock, customer } = await clockCustomer(t.stripe, START);
    const subscription = await t.stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: catalog.monthly.id }],
      trial_period_days: 14,
    });
    const ended = await t.stripe.subscriptions.update(subscription.id, { trial_end: "now" });
    expect(ended.status).toBe("active");
    expect(ended.items.data[0]?.current_period_start).toBe(START);
    const invoice = await t.stripe.invoices.retrieve(String(ended.latest_invoice));
    expect(invoice).toMatchObject({ status: "paid", amount_paid: 2900 });
    await advance(clock.id, START + 20 * DAY);
    const types = await eventTypes(t.stripe, about(customer.id));
    expect(types.filter((type) => type === "customer.subscription.trial_will_end")).toHaveLength(1);
  });

  it("refuses an item on another interval", async () => {
    const { customer } = await clockCustomer(t.stripe, START);
    const subscription = await t.stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: catalog.monthly.id }],
    });
    const error = await stripeError(
      t.stripe.subscriptions.update(subscription.id, { items: [{ price: catalog.yearly.id }] }),
    );
    expect(error.statusCode).toBe(400);
    expect(error.param).toBe("items[1][price]");
    expect((await t.stripe.subscriptions.retrieve(subscription.id)).items.data).toHaveLength(1);
  });

  it("sends one created event for a subscription created to cancel at period end", async () => {
    const { customer } = await clockCustomer(t.stripe, START);
    const subscription = await t.stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: catalog.monthly.id }],
      cancel_at_period_end: true,
    });
    expect(subscription).toMatchObject({ cancel_at_period_end: true, canceled_at: START });
    const types = await eventTypes(t.stripe, about(customer.id));
    expect(types.filter((type) => type.startsWith("customer.subscription."))).toEqual([
      "customer.subscription.created",
      "customer.subscription.updated",
    ]);
  });

  it("keeps an incomplete subscription incomplete when its first invoice is voided", async () => {
    const { customer } = await clockCustomer(t.stripe, START, "pm_card_chargeCustomerFail");
    const subscription = await t.stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: catalog.monthly.id }],
    });
    const failed = (await t.stripe.events.list({ type: "invoice.payment_failed", limit: 1 }))
      .data[0];
    expect((failed?.data.object as Stripe.Invoice | undefined)?.next_payment_attempt).toBeNull();
    await t.stripe.invoices.voidInvoice(String(subscription.latest_invoice));
    expect((await t.stripe.subscriptions.retrieve(subscription.id)).status).toBe("incomplete");
  });

  it("settles past_due when the open invoice is written off, and still takes a payment", async () => {
    const { clock, customer } = await clockCustomer(t.stripe, START, "pm_card_chargeCustomerFail");
    const subscription = await t.stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: catalog.monthly.id }],
      trial_period_days: 7,
    });
    await advance(clock.id, START + 7 * DAY + 60);
    const pastDue = await t.stripe.subscriptions.retrieve(subscription.id);
    expect(pastDue.status).toBe("past_due");
    const invoice = String(pastDue.latest_invoice);
    await t.stripe.invoices.markUncollectible(invoice);
    expect((await t.stripe.subscriptions.retrieve(subscription.id)).status).toBe("active");
    const good = await t.stripe.paymentMethods.attach("pm_card_visa", { customer: customer.id });
    const paid = await t.stripe.invoices.pay(invoice, { payment_method: good.id });
    expect(paid).toMatchObject({ status: "paid", amount_paid: 2900 });
  });
});

describe("cancel at period end", () => {
  it("keeps the subscription until the period ends, then deletes it", async () => {
    const { clock, customer } = await clockCustomer(t.stripe, START);
    const subscription = await t.stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: catalog.monthly.id }],
    });
    const periodEnd = subscription.items.data[0]?.current_period_end ?? 0;
    const scheduled = await t.stripe.subscriptions.update(subscription.id, {
      cancel_at_period_end: true,
    });
    expect(scheduled).toMatchObject({
      status: "active",
      cancel_at_period_end: true,
      cancel_at: periodEnd,
      canceled_at: START,
    });
    const update = (
      await t.stripe.events.list({ type: "customer.subscription.updated", limit: 100 })
    ).data.find(
      (event) =>
        (event.data.object as Stripe.Subscription).id === subscription.id &&
        event.data.previous_attributes,
    );
    expect(update?.data.previous_attributes).toMatchObject({
      cancel_at_period_end: false,
      cancel_at: null,
    });

    await advance(clock.id, periodEnd - 60);
    expect((await t.stripe.subscriptions.retrieve(subscription.id)).status).toBe("active");
    await advance(clock.id, periodEnd + 60);
    const ended = await t.stripe.subscriptions.retrieve(subscription.id);
    expect(ended).toMatchObject({ status: "canceled", ended_at: periodEnd });
    const types = await eventTypes(t.stripe, about(customer.id));
    expect(types.at(-1)).toBe("customer.subscription.deleted");
    expect(types.filter((type) => type === "invoice.created")).toHaveLength(1);
  });

  it("ends a trial that is set to cancel at its end without charging", async () => {
    const { clock, customer } = await clockCustomer(t.stripe, START);
    const subscription = await t.stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: catalog.monthly.id }],
      trial_period_days: 7,
    });
    await t.stripe.subscriptions.update(subscription.id, { cancel_at_period_end: true });
    await advance(clock.id, START + 8 * DAY);
    const ended = await t.stripe.subscriptions.retrieve(subscription.id);
    expect(ended).toMatchObject({ status: "canceled", ended_at: START + 7 * DAY });
    const invoices = await t.stripe.invoices.list({ subscription: subscription.id });
    expect(invoices.data.map((invoice) => invoice.amount_paid)).toEqual([0]);
  });

  it("resumes when cancel_at_period_end is cleared", async () => {
    const { clock, customer } = await clockCustomer(t.stripe, START);
    const subscription = await t.stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: catalog.monthly.id }],
    });
    await t.stripe.subscriptions.update(subscription.id, { cancel_at_period_end: true });
    const resumed = await t.stripe.subscriptions.update(subscription.id, {
      cancel_at_period_end: false,
    });
    expect(resumed).toMatchObject({
      cancel_at_period_end: false,
      cancel_at: null,
      canceled_at: null,
    });
    await advance(clock.id, (subscription.items.data[0]?.current_period_end ?? 0) + 60);
    expect((await t.stripe.subscriptions.retrieve(subscription.id)).status).toBe("active");
  });

  it("cancels at once on delete", async () => {
    const { customer } = await clockCustomer(t.stripe, START);
    const subscription = await t.stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: catalog.monthly.id }],
    });
    const canceled = await t.stripe.subscriptions.cancel(subscription.id);
    expect(canceled).toMatchObject({ status: "canceled", ended_at: START, canceled_at: START });
    expect((await eventTypes(t.stripe, about(customer.id))).at(-1)).toBe(
      "customer.subscription.deleted",
    );
    const listed = await t.stripe.subscriptions.list({ customer: customer.id });
    expect(listed.data).toEqual([]);
    expect(
      (await t.stripe.subscriptions.list({ customer: customer.id, status: "canceled" })).data,
    ).toHaveLength(1);
  });
});

describe("deletions", () => {
  it("cancels a deleted customer's subscriptions at once, then announces the deletion", async () => {
    const { customer } = await clockCustomer(t.stripe, START);
    const subscription = await t.stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: catalog.monthly.id }],
    });
    await t.stripe.customers.del(customer.id);
    expect((await eventTypes(t.stripe, about(customer.id))).slice(-2)).toEqual([
      "customer.subscription.deleted",
      "customer.deleted",
    ]);
    expect(await t.stripe.customers.retrieve(customer.id)).toEqual({
      id: customer.id,
      object: "customer",
      deleted: true,
    });
    expect(
      (await t.stripe.subscriptions.list({ customer: customer.id, status: "all" })).data.map(
        (listed) => [listed.id, listed.status],
      ),
    ).toEqual([[subscription.id, "canceled"]]);
  });

  it("deletes a one-off draft invoice: invoice.deleted, then 404", async () => {
    const { customer } = await clockCustomer(t.stripe, START);
    const draft = await t.stripe.invoices.create({
      customer: customer.id,
      description: "Setup fee",
      metadata: { order: "42" },
    });
    expect(draft).toMatchObject({
      status: "draft",
      auto_advance: false,
      billing_reason: "manual",
      description: "Setup fee",
      metadata: { order: "42" },
      parent: null,
    });
    expect(await t.stripe.invoices.del(draft.id)).toEqual({
      id: draft.id,
      object: "invoice",
      deleted: true,
    });
    expect((await eventTypes(t.stripe, about(customer.id))).slice(-2)).toEqual([
      "invoice.created",
      "invoice.deleted",
    ]);
    const missing = await stripeError(t.stripe.invoices.retrieve(draft.id));
    expect(missing).toMatchObject({ statusCode: 404, code: "resource_missing" });
    expect((await t.stripe.invoices.list({ customer: customer.id })).data).toEqual([]);
  });

  it("refuses to delete a finalized invoice or one of a subscription", async () => {
    const { customer } = await clockCustomer(t.stripe, START);
    const finalized = await t.stripe.invoices.finalizeInvoice(
      (await t.stripe.invoices.create({ customer: customer.id })).id,
    );
    expect(await stripeError(t.stripe.invoices.del(finalized.id))).toMatchObject({
      statusCode: 400,
      message: expect.stringContaining("only delete draft invoices"),
    });
    const subscription = await t.stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: catalog.monthly.id }],
    });
    const own = String(subscription.latest_invoice);
    expect(await stripeError(t.stripe.invoices.del(own))).toMatchObject({
      statusCode: 400,
      message: expect.stringContaining("created by a subscription"),
    });
    expect((await t.stripe.invoices.retrieve(own)).id).toBe(own);
  });
});

describe("plan changes", () => {
  it("invoices the proration at once for an upgrade with always_invoice", async () => {
    const { clock, customer } = await clockCustomer(t.stripe, START);
    const subscription = await t.stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: catalog.monthly.id }],
    });
    const item = subscription.items.data[0];
    const { start, end } = {
      start: item?.current_period_start ?? 0,
      end: item?.current_period_end ?? 0,
    };
    const half = start + Math.floor((end - start) / 2);
    await advance(clock.id, half);
    const preview = await t.stripe.invoices.createPreview({
      customer: customer.id,
      subscription: subscription.id,
      subscription_details: {
        items: [{ id: item?.id, price: catalog.enterpriseMonthly.id }],
        proration_behavior: "always_invoice",
        proration_date: half,
      },
    });
    // Jan 15 → Feb 15 is 31 days; at its middle half of each price is left: 14950 − 1450.
    const expected = 13_500;
    expect(preview.amount_due).toBe(expected);
    expect(preview.lines.data.map((line) => line.amount)).toEqual([-1450, 14_950]);

    const upgraded = await t.stripe.subscriptions.update(subscription.id, {
      items: [{ id: item?.id, price: catalog.enterpriseMonthly.id }],
      proration_behavior: "always_invoice",
      proration_date: half,
    });
    expect(upgraded.items.data[0]?.price.id).toBe(catalog.enterpriseMonthly.id);
    expect(upgraded.items.data[0]?.current_period_end).toBe(end);
    const invoice = await t.stripe.invoices.retrieve(String(upgraded.latest_invoice));
    expect(invoice).toMatchObject({
      billing_reason: "subscription_update",
      status: "paid",
      amount_paid: expected,
    });
    expect(
      invoice.lines.data.map((line) => line.parent?.subscription_item_details?.proration),
    ).toEqual([true, true]);
  });

  it("answers 402 and leaves the subscription as it was when error_if_incomplete is declined", async () => {
    const { customer } = await clockCustomer(t.stripe, START);
    const subscription = await t.stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: catalog.monthly.id }],
    });
    const failing = await t.stripe.paymentMethods.attach("pm_card_chargeCustomerFail", {
      customer: customer.id,
    });
    await t.stripe.customers.update(customer.id, {
      invoice_settings: { default_payment_method: failing.id },
    });
    const item = subscription.items.data[0];
    const before = (await t.stripe.events.list({ limit: 100 })).data.length;
    const error = await stripeError(
      t.stripe.subscriptions.update(subscription.id, {
        items: [{ id: item?.id, price: catalog.enterpriseMonthly.id }],
        proration_behavior: "always_invoice",
        payment_behavior: "error_if_incomplete",
        proration_date: START + 10 * DAY,
      }),
    );
    expect(error).toMatchObject({
      statusCode: 402,
      type: "StripeCardError",
      code: "card_declined",
    });
    expect(error.message).toBe("Your card was declined.");
    const after = await t.stripe.subscriptions.retrieve(subscription.id);
    expect(after).toMatchObject({ status: "active", latest_invoice: subscription.latest_invoice });
    expect(after.items.data[0]?.price.id).toBe(catalog.monthly.id);
    expect((await t.stripe.invoices.list({ subscription: subscription.id })).data).toHaveLength(1);
    expect((await t.stripe.events.list({ limit: 100 })).data).toHaveLength(before);

    // Without it (allow_incomplete, the default) the change stays and the subscription is past_due.
    const allowed = await t.stripe.subscriptions.update(subscription.id, {
      items: [{ id: item?.id, price: catalog.enterpriseMonthly.id }],
      proration_behavior: "always_invoice",
      proration_date: START + 10 * DAY,
    });
    expect(allowed.status).toBe("past_due");
    expect(allowed.items.data[0]?.price.id).toBe(catalog.enterpriseMonthly.id);
  });

  it("carries create_prorations to the next renewal invoice", async () => {
    const { clock, customer } = await clockCustomer(t.stripe, START);
    const subscription = await t.stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: catalog.enterpriseMonthly.id }],
    });
    const item = subscription.items.data[0];
    const end = item?.current_period_end ?? 0;
    await advance(clock.id, START + 10 * DAY);
    await t.stripe.subscriptions.update(subscription.id, {
      items: [{ id: item?.id, price: catalog.monthly.id }],
    });
    expect((await t.stripe.invoices.list({ subscription: subscription.id })).data).toHaveLength(1);
    await advance(clock.id, end + 60);
    const renewal = (await t.stripe.invoices.list({ subscription: subscription.id, limit: 1 }))
      .data[0];
    const prorations =
      renewal?.lines.data.filter((line) => line.parent?.subscription_item_details?.proration) ?? [];
    // 21 of the period's 31 days were left: −29900·21/31 and +2900·21/31, rounded to cents.
    expect(prorations.map((line) => line.amount)).toEqual([-20_255, 1965]);
    expect(renewal?.lines.data.map((line) => line.amount)).toEqual([-20_255, 1965, 2900]);
    expect(renewal?.total).toBe(-15_390);
    expect(renewal?.amount_due).toBe(0);
    // What the renewal could not absorb is credit: the next renewal is paid from it.
    expect(renewal?.ending_balance).toBe(-15_390);
    expect((await t.stripe.customers.retrieve(customer.id)) as Stripe.Customer).toMatchObject({
      balance: -15_390,
    });
    await advance(clock.id, Date.UTC(2026, 2, 15) / 1000 + 60);
    const next = (await t.stripe.invoices.list({ subscription: subscription.id, limit: 1 }))
      .data[0];
    expect(next).toMatchObject({ total: 2900, starting_balance: -15_390, amount_due: 0 });
    expect(next?.ending_balance).toBe(-12_490);
  });

  it("embeds an invoice's first ten lines, as Stripe does; its lines list has them all", async () => {
    const { clock, customer } = await clockCustomer(t.stripe, START);
    const subscription = await t.stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: catalog.enterpriseMonthly.id }],
    });
    const item = subscription.items.data[0];
    await advance(clock.id, START + 10 * DAY);
    // Five plan changes leave ten prorations for the renewal, which adds the new period's line.
    const { monthly, enterpriseMonthly } = catalog;
    for (const price of [monthly, enterpriseMonthly, monthly, enterpriseMonthly, monthly]) {
      await t.stripe.subscriptions.update(subscription.id, {
        items: [{ id: item?.id, price: price.id }],
      });
    }
    await advance(clock.id, (item?.current_period_end ?? 0) + 60);
    const renewal = (await t.stripe.invoices.list({ subscription: subscription.id, limit: 1 }))
      .data[0];
    if (!renewal) throw new Error("no renewal");
    expect(renewal.lines.data).toHaveLength(10);
    expect(renewal.lines.has_more).toBe(true);
    const all: Stripe.InvoiceLineItem[] = [];
    for await (const line of t.stripe.invoices.listLineItems(renewal.id, { limit: 4 })) {
      all.push(line);
    }
    expect(all).toHaveLength(11);
    expect(all.slice(0, 10)).toEqual(renewal.lines.data);
    expect(all.reduce((sum, line) => sum + line.amount, 0)).toBe(renewal.total);
    // Events carry the invoice as an answer does.
    const [created] = (await t.stripe.events.list({ type: "invoice.created", limit: 1 })).data;
    const announced = created?.data.object as Stripe.Invoice | undefined;
    expect(announced?.id).toBe(renewal.id);
    expect(announced?.lines.has_more).toBe(true);
    expect(announced?.lines.data.map((line) => line.id)).toEqual(
      renewal.lines.data.map((line) => line.id),
    );
  });

  it("previews exactly the invoice that the change and the renewal then make", async () => {
    const { clock, customer } = await clockCustomer(t.stripe, START);
    const subscription = await t.stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: catalog.enterpriseMonthly.id }],
    });
    const item = subscription.items.data[0];
    await advance(clock.id, START + 10 * DAY);
    // A downgrade with create_prorations leaves two pending lines for the renewal.
    await t.stripe.subscriptions.update(subscription.id, {
      items: [{ id: item?.id, price: catalog.monthly.id }],
    });
    const upgrade = {
      items: [{ id: item?.id, price: catalog.enterpriseMonthly.id }],
      proration_behavior: "always_invoice" as const,
      proration_date: START + 10 * DAY,
    };
    const preview = await t.stripe.invoices.createPreview({
      subscription: subscription.id,
      subscription_details: upgrade,
    });
    const before = await t.stripe.invoices.list({ subscription: subscription.id });
    expect(before.data).toHaveLength(1);
    const upgraded = await t.stripe.subscriptions.update(subscription.id, upgrade);
    const actual = await t.stripe.invoices.retrieve(String(upgraded.latest_invoice));
    expect(preview.status).toBe("draft");
    expect(preview.lines.data.map((line) => line.amount)).toEqual(
      actual.lines.data.map((line) => line.amount),
    );
    expect(preview.amount_due).toBe(actual.amount_due);
    expect(preview.lines.data).toHaveLength(4);

    const renewal = await t.stripe.invoices.createPreview({ subscription: subscription.id });
    await advance(clock.id, (item?.current_period_end ?? 0) + 60);
    const renewed = (await t.stripe.invoices.list({ subscription: subscription.id, limit: 1 }))
      .data[0];
    expect(renewal.billing_reason).toBe("subscription_cycle");
    expect(renewal.total).toBe(renewed?.total);
    expect(renewed?.total).toBe(29_900);
  });

  it("has no upcoming invoice for a subscription that cancels at period end", async () => {
    const { customer } = await clockCustomer(t.stripe, START);
    const subscription = await t.stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: catalog.monthly.id }],
      cancel_at_period_end: true,
    });
    const error = await stripeError(
      t.stripe.invoices.createPreview({ subscription: subscription.id }),
    );
    expect(error.code).toBe("invoice_upcoming_none");
    expect((await t.stripe.subscriptions.retrieve(subscription.id)).status).toBe("active");
  });

  it("starts a new period and invoices at once when the interval changes", async () => {
    const { clock, customer } = await clockCustomer(t.stripe, START);
    const subscription = await t.stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: catalog.monthly.id }],
    });
    await advance(clock.id, START + 10 * DAY);
    const yearly = await t.stripe.subscriptions.update(subscription.id, {
      items: [{ id: subscription.items.data[0]?.id, price: catalog.yearly.id }],
    });
    expect(yearly.items.data[0]?.current_period_start).toBe(START + 10 * DAY);
    expect(yearly.items.data[0]?.current_period_end).toBe(Date.UTC(2027, 0, 25) / 1000);
    const invoice = await t.stripe.invoices.retrieve(String(yearly.latest_invoice));
    expect(invoice.billing_reason).toBe("subscription_update");
    // The unused 21 of 31 days of the monthly price are credited: −2900·21/31.
    expect(invoice.lines.data.map((line) => line.amount)).toEqual([-1965, 29_000]);
    expect(invoice.amount_paid).toBe(27_035);
  });
});

describe("metered usage", () => {
  it("counts each identifier once and bills the period's usage on the next invoice", async () => {
    const meter = await t.stripe.billing.meters.create({
      display_name: "API calls",
      event_name: `api_calls_${Date.now()}`,
      default_aggregation: { formula: "sum" },
    });
    const metered = await t.stripe.prices.create({
      product: catalog.product.id,
      currency: "usd",
      unit_amount_decimal: Stripe.Decimal.from("0.5"),
      recurring: { interval: "month", usage_type: "metered", meter: meter.id },
    });
    const { clock, customer } = await clockCustomer(t.stripe, START);
    const subscription = await t.stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: catalog.monthly.id }, { price: metered.id }],
    });
    await advance(clock.id, START + 2 * DAY);
    for (const [identifier, value] of [
      ["u1", 100],
      ["u2", 250],
      ["u1", 100],
    ] as const) {
      const event = await t.stripe.billing.meterEvents.create({
        event_name: meter.event_name,
        identifier,
        payload: { stripe_customer_id: customer.id, value: String(value) },
        timestamp: START + DAY,
      });
      expect(event.identifier).toBe(identifier);
    }
    const summary = await t.stripe.billing.meters.listEventSummaries(meter.id, {
      customer: customer.id,
      start_time: START,
      end_time: START + 2 * DAY,
    });
    expect(summary.data.map((row) => row.aggregated_value)).toEqual([350]);

    const stale = (await t.stripe.billing.meterEvents
      .create({
        event_name: meter.event_name,
        payload: { stripe_customer_id: customer.id, value: "1" },
        timestamp: START - 40 * DAY,
      })
      .catch((caught: unknown) => caught)) as Stripe.errors.StripeError;
    expect(stale.statusCode).toBe(400);
    expect(stale.param).toBe("timestamp");

    await advance(clock.id, (subscription.items.data[0]?.current_period_end ?? 0) + 60);
    const renewal = (await t.stripe.invoices.list({ subscription: subscription.id, limit: 1 }))
      .data[0];
    const usage = renewal?.lines.data.find(
      (line) => line.pricing?.price_details?.price === metered.id,
    );
    expect(usage).toMatchObject({ quantity: 350, amount: 175 });
    expect(usage?.period).toEqual({
      start: START,
      end: subscription.items.data[0]?.current_period_end,
    });
    expect(renewal?.total).toBe(2900 + 175);
  });
});
