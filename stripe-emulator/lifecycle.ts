/**
 * What time does to subscriptions, as Stripe documents it:
 * - a trial: customer.subscription.trial_will_end three days before its end (at once for a
 *   shorter trial); at the end the first paid invoice is drafted (invoice.created), then
 *   customer.subscription.updated (trialing → active, the new period and latest_invoice), then
 *   invoice.finalized, invoice.paid + invoice.payment_succeeded — or invoice.payment_failed
 *   and the subscription past_due;
 * - a renewal: invoice.created, customer.subscription.updated (the new period), then the same
 *   invoice events; metered usage of the period that ended is billed on it;
 * - a failed payment: retried RETRY_DAYS after the first attempt; each failure sends
 *   invoice.payment_failed; after the last one the subscription is canceled
 *   (customer.subscription.deleted), or made unpaid, as `finalFailure` says;
 * - cancel at period end: customer.subscription.deleted at the period's end;
 * - paused collection: the renewal invoice is left a draft, voided or written off, until
 *   `resumes_at`.
 *
 * `advance` runs every due step in time order, so one long jump of a clock produces the same
 * events as many small ones. The clock (a test clock's frozen_time, or the wall clock's offset)
 * moves to each step's time before it runs, and ends at the target.
 */
import type Stripe from "stripe";
import type { Emulator } from "./context";
import { attemptPayment, type DraftLine, voidInvoice } from "./invoices";
import { usageLines } from "./meters";
import {
  cancelNow,
  intervalOf,
  invoiceSubscription,
  licensedLines,
  periodOf,
  setPeriod,
  setStatus,
  subscriptionState,
} from "./subscriptions";
import { DAY, periodEndAfter } from "./time";

type Step =
  | { at: number; kind: "trial_will_end"; subscription: Stripe.Subscription }
  | { at: number; kind: "trial_end"; subscription: Stripe.Subscription }
  | { at: number; kind: "period_end"; subscription: Stripe.Subscription }
  | { at: number; kind: "cancel_at"; subscription: Stripe.Subscription }
  | { at: number; kind: "incomplete_expired"; subscription: Stripe.Subscription }
  | { at: number; kind: "retry"; invoice: Stripe.Invoice };

function stepsOf(em: Emulator, subscription: Stripe.Subscription): Step[] {
  const steps: Step[] = [];
  const { end } = periodOf(subscription);
  if (subscription.status === "trialing" && subscription.trial_end !== null) {
    const state = subscriptionState(em, subscription.id);
    if (state.trialWillEndSentFor !== subscription.trial_end) {
      const at = Math.max(subscription.trial_end - 3 * DAY, subscription.trial_start ?? 0);
      steps.push({ at, kind: "trial_will_end", subscription });
    }
    // A cancel due by the trial's end ends the subscription then, without a charge.
    if (subscription.cancel_at !== null && subscription.cancel_at <= subscription.trial_end) {
      steps.push({ at: subscription.cancel_at, kind: "cancel_at", subscription });
    } else {
      steps.push({ at: subscription.trial_end, kind: "trial_end", subscription });
    }
  } else if (subscription.status === "incomplete") {
    steps.push({ at: subscription.created + 23 * 3600, kind: "incomplete_expired", subscription });
  } else if (["active", "past_due", "unpaid"].includes(subscription.status)) {
    if (subscription.cancel_at !== null && subscription.cancel_at < end) {
      steps.push({ at: subscription.cancel_at, kind: "cancel_at", subscription });
    } else {
      steps.push({ at: end, kind: "period_end", subscription });
    }
  }
  return steps;
}

function dueSteps(em: Emulator, clock: string | null): Step[] {
  const steps: Step[] = [];
  for (const subscription of Object.values(em.state.subscriptions)) {
    if ((subscription.test_clock ?? null) !== clock) continue;
    steps.push(...stepsOf(em, subscription));
  }
  for (const invoice of Object.values(em.state.invoices)) {
    if ((invoice.test_clock ?? null) !== clock) continue;
    if (invoice.status === "open" && invoice.next_payment_attempt !== null) {
      steps.push({ at: invoice.next_payment_attempt, kind: "retry", invoice });
    }
  }
  return steps;
}

/**
 * The subscription's status once an invoice of it was paid, voided or written off: past_due
 * while any of its invoices is open, active once none is. An incomplete one becomes active only
 * by a payment of its first invoice (`paid`); voiding that invoice does not activate it.
 */
export function settleStatus(em: Emulator, subscription: Stripe.Subscription, paid: boolean): void {
  const open = Object.values(em.state.invoices).some(
    (invoice) =>
      invoice.status === "open" &&
      invoice.parent?.subscription_details?.subscription === subscription.id,
  );
  if (subscription.status === "incomplete") {
    if (!open && paid) setStatus(em, subscription, "active");
    return;
  }
  if (!["active", "past_due", "unpaid"].includes(subscription.status)) return;
  setStatus(em, subscription, open ? "past_due" : "active");
}

/** An unpaid first invoice after 23 hours: incomplete_expired, and the invoice voided. */
function expireIncomplete(em: Emulator, subscription: Stripe.Subscription, at: number): void {
  for (const invoice of Object.values(em.state.invoices)) {
    if (invoice.status !== "open") continue;
    if (invoice.parent?.subscription_details?.subscription !== subscription.id) continue;
    voidInvoice(em, invoice, at);
  }
  subscription.ended_at = at;
  setStatus(em, subscription, "incomplete_expired");
}

export function endTrial(em: Emulator, subscription: Stripe.Subscription, at: number): void {
  const customer = String(subscription.customer);
  const recurring = intervalOf(subscription);
  const { start: trialStart } = periodOf(subscription);
  const end = periodEndAfter(at, recurring.interval, recurring.interval_count, at);
  const hasPaymentMethod =
    subscription.default_payment_method !== null ||
    em.state.customers[customer]?.invoice_settings.default_payment_method != null;
  const behaviour = subscription.trial_settings?.end_behavior.missing_payment_method;
  if (!hasPaymentMethod && behaviour === "cancel") {
    cancelNow(em, subscription, "cancellation_requested", at);
    return;
  }
  const previous = {
    status: subscription.status,
    items: structuredClone(subscription.items),
    latest_invoice: subscription.latest_invoice,
  };
  subscription.billing_cycle_anchor = at;
  setPeriod(subscription, at, end);
  if (!hasPaymentMethod && behaviour === "pause") {
    subscription.status = "paused";
    em.emit("customer.subscription.updated", subscription, previous, customer);
    em.emit("customer.subscription.paused", subscription, previous, customer);
    return;
  }
  subscription.status = "active";
  const lines: DraftLine[] = [
    ...usageLines(em, subscription, trialStart, at, true),
    ...licensedLines(em, subscription, at, end, false),
  ];
  const announce = () => em.emit("customer.subscription.updated", subscription, previous, customer);
  const { paid } = invoiceSubscription(
    em,
    subscription,
    "subscription_cycle",
    lines,
    { start: at, end },
    { announce },
  );
  if (!paid) setStatus(em, subscription, "past_due");
}

function renew(em: Emulator, subscription: Stripe.Subscription, at: number): void {
  const customer = String(subscription.customer);
  if (
    subscription.cancel_at_period_end ||
    (subscription.cancel_at !== null && subscription.cancel_at <= at)
  ) {
    cancelNow(
      em,
      subscription,
      subscription.cancellation_details?.reason ?? "cancellation_requested",
      at,
    );
    return;
  }
  const recurring = intervalOf(subscription);
  const { start: oldStart, end: oldEnd } = periodOf(subscription);
  const end = periodEndAfter(
    subscription.billing_cycle_anchor,
    recurring.interval,
    recurring.interval_count,
    oldEnd,
  );
  const previous = {
    items: structuredClone(subscription.items),
    latest_invoice: subscription.latest_invoice,
  };
  setPeriod(subscription, oldEnd, end);
  const announce = () => em.emit("customer.subscription.updated", subscription, previous, customer);
  const lines = [
    ...usageLines(em, subscription, oldStart, oldEnd, false),
    ...licensedLines(em, subscription, oldEnd, end, false),
  ];
  const pause = subscription.pause_collection;
  if (pause && pause.resumes_at !== null && pause.resumes_at <= at) {
    subscription.pause_collection = null;
  } else if (pause) {
    // Collection is paused: the invoice is made, then left as a draft, voided or written off.
    const keep = pause.behavior === "keep_as_draft";
    const { invoice } = invoiceSubscription(
      em,
      subscription,
      "subscription_cycle",
      lines,
      { start: oldEnd, end },
      { pay: false, finalize: !keep, announce },
    );
    if (pause.behavior === "void") {
      voidInvoice(em, invoice, at);
    } else if (pause.behavior === "mark_uncollectible") {
      invoice.status = "uncollectible";
      invoice.status_transitions.marked_uncollectible_at = at;
      em.emit("invoice.marked_uncollectible", invoice, { status: "open" }, customer);
    }
    return;
  }
  const { paid } = invoiceSubscription(
    em,
    subscription,
    "subscription_cycle",
    lines,
    { start: oldEnd, end },
    { announce },
  );
  if (!paid) setStatus(em, subscription, "past_due");
}

function retry(em: Emulator, invoice: Stripe.Invoice): void {
  const subscriptionId = invoice.parent?.subscription_details?.subscription;
  const subscription = subscriptionId ? em.state.subscriptions[String(subscriptionId)] : undefined;
  const outcome = attemptPayment(em, invoice);
  if (!subscription) return;
  if (outcome.ok) {
    settleStatus(em, subscription, true);
    return;
  }
  if (invoice.next_payment_attempt === null && subscription.status !== "canceled") {
    const final = em.state.switches.finalFailure;
    if (final === "cancel") cancelNow(em, subscription, "payment_failed");
    else if (final === "unpaid") setStatus(em, subscription, "unpaid");
  }
}

/**
 * Runs every step due on `clock` (null: the wall clock) up to `target`, in time order. A test
 * clock's frozen_time follows each step, so events carry the time they happened at.
 */
export function advance(em: Emulator, clock: string | null, target: number): number {
  let processed = 0;
  for (let guard = 0; guard < 10_000; guard++) {
    const steps = dueSteps(em, clock).filter((step) => step.at <= target);
    steps.sort((a, b) => a.at - b.at);
    const step = steps[0];
    if (!step) break;
    const testClock = clock ? em.state.testClocks[clock] : undefined;
    if (testClock) testClock.frozen_time = Math.max(testClock.frozen_time, step.at);
    if (!clock) em.state.clockOffset += Math.max(0, step.at - em.wallNow());
    processed++;
    switch (step.kind) {
      case "trial_will_end": {
        subscriptionState(em, step.subscription.id).trialWillEndSentFor =
          step.subscription.trial_end;
        em.emit(
          "customer.subscription.trial_will_end",
          step.subscription,
          undefined,
          String(step.subscription.customer),
        );
        break;
      }
      case "trial_end":
        endTrial(em, step.subscription, step.at);
        break;
      case "period_end":
        renew(em, step.subscription, step.at);
        break;
      case "incomplete_expired":
        expireIncomplete(em, step.subscription, step.at);
        break;
      case "cancel_at":
        cancelNow(em, step.subscription, "cancellation_requested", step.at);
        break;
      case "retry":
        retry(em, step.invoice);
        break;
    }
  }
  const testClock = clock ? em.state.testClocks[clock] : undefined;
  if (testClock) testClock.frozen_time = Math.max(testClock.frozen_time, target);
  if (!clock) em.state.clockOffset += Math.max(0, target - em.wallNow());
  if (processed > 0) em.changed();
  return processed;
}

/** Settles the subscription of an invoice after a payment attempt on request. */
export function payAndSettle(em: Emulator, invoice: Stripe.Invoice): void {
  const subscriptionId = invoice.parent?.subscription_details?.subscription;
  const subscription = subscriptionId ? em.state.subscriptions[String(subscriptionId)] : undefined;
  if (subscription) settleStatus(em, subscription, invoice.status === "paid");
}
