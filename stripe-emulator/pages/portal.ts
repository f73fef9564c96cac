/**
 * The hosted customer portal, `/p/session/:sessionId`: the customer's subscriptions with what
 * the session's configuration allows (switch price, cancel with a confirmation step, resume),
 * the card on file, and the invoice history. Actions are form posts (`action=update|cancel|
 * resume|card`) answered with a redirect back here and a fixed notice code.
 *
 * A portal session works for an hour after it was created, as at Stripe.
 */
import type Stripe from "stripe";
import { createCardPaymentMethod } from "../cards";
import { productName } from "../catalog";
import type { Emulator } from "../context";
import { updateCustomer } from "../customers";
import { invalidRequest, StripeApiError } from "../errors";
import { type FormObject, field, parseForm } from "../form";
import { payOnRequest } from "../invoices";
import { payAndSettle } from "../lifecycle";
import { formatMoney } from "../money";
import { updateSubscription } from "../subscription-update";
import { cancelNow, periodOf } from "../subscriptions";
import { alertBox, cardFields } from "./card-fields";
import {
  type CardFormValues,
  cardValuesOf,
  EMPTY_CARD_VALUES,
  type FormProblem,
  problemOf,
  readCardForm,
} from "./card-form";
import { formatDate, hostOf, priceText } from "./format";
import { html, type SafeHtml, safeUrl } from "./html";
import { type PageRequest, redirect, sendHtml, sendNotFound } from "./http";
import { mutate } from "./mutate";
import { BUSINESS_NAME, messagePage, shell } from "./shell";
import { statusBadge } from "./status-badge";

const SESSION_LIFETIME = 3600;

type Config = Stripe.BillingPortal.Configuration;

/** Codes the redirect after an action carries; the page shows fixed words for each. */
const NOTICES: Record<string, string> = {
  plan_updated: "Your plan has been updated.",
  cancel_scheduled: "Your plan will be canceled at the end of the billing period.",
  canceled: "Your plan has been canceled.",
  resumed: "Your plan will no longer be canceled.",
  card_updated: "Your card has been updated.",
  card_updated_paid: "Your card has been updated and your open invoices are paid.",
};

const DECLINES: Record<string, string> = {
  insufficient_funds: "Your card has insufficient funds.",
  generic_decline: "Your card was declined.",
  payment_method_missing: "There is no card to charge.",
};

interface Context {
  em: Emulator;
  session: Stripe.BillingPortal.Session;
  customer: Stripe.Customer;
  config: Config | null;
}

interface ViewState {
  notice: string | null;
  problem: FormProblem | null;
  /** Show the card form open (after a card error), with these values. */
  card: CardFormValues | null;
}

const portalPath = (session: Stripe.BillingPortal.Session) => `/p/session/${session.id}`;

function liveSubscriptions(em: Emulator, customerId: string): Stripe.Subscription[] {
  const order = em.state.order;
  return Object.values(em.state.subscriptions)
    .filter(
      (subscription) =>
        subscription.customer === customerId &&
        subscription.status !== "canceled" &&
        subscription.status !== "incomplete_expired",
    )
    .sort((a, b) => (order[b.id] ?? 0) - (order[a.id] ?? 0));
}

function ownSubscription(context: Context, id: string): Stripe.Subscription | null {
  const found = context.em.state.subscriptions[id];
  if (!found || found.customer !== context.customer.id) return null;
  if (found.status === "canceled" || found.status === "incomplete_expired") return null;
  return found;
}

function cancelScheduled(subscription: Stripe.Subscription): boolean {
  return subscription.cancel_at_period_end || subscription.cancel_at !== null;
}

function planName(em: Emulator, subscription: Stripe.Subscription): string {
  return subscription.items.data.map((item) => productName(em, item.price)).join(" + ");
}

/** Prices the configuration lets this subscription switch to. */
function switchOptions(
  em: Emulator,
  config: Config | null,
  subscription: Stripe.Subscription,
): Stripe.Price[] {
  const features = config?.features.subscription_update;
  const item = subscription.items.data[0];
  if (!features?.enabled || !item || subscription.items.data.length !== 1) return [];
  if (cancelScheduled(subscription)) return [];
  if (subscription.status !== "active" && subscription.status !== "trialing") return [];
  const options: Stripe.Price[] = [];
  for (const product of features.products ?? []) {
    for (const id of product.prices) {
      const price = em.state.prices[id];
      if (price?.active && price.id !== item.price.id) options.push(price);
    }
  }
  return options;
}

function canCancel(config: Config | null, subscription: Stripe.Subscription): boolean {
  return Boolean(config?.features.subscription_cancel.enabled) && !cancelScheduled(subscription);
}

function dateLine(subscription: Stripe.Subscription): SafeHtml {
  const { end } = periodOf(subscription);
  if (subscription.cancel_at !== null) {
    return html`<p>Cancels on ${formatDate(subscription.cancel_at)}</p>`;
  }
  switch (subscription.status) {
    case "trialing":
      return html`<p>Trial ends on ${formatDate(subscription.trial_end ?? end)}</p>`;
    case "past_due":
    case "unpaid":
      return html`<p>Your last payment failed. Update your card to pay the open invoice.</p>`;
    case "incomplete":
      return html`<p>Waiting for the first payment.</p>`;
    case "paused":
      return html`<p>Paused.</p>`;
    default:
      return html`<p>Renews on ${formatDate(end)}</p>`;
  }
}

function hidden(name: string, value: string): SafeHtml {
  return html`<input type="hidden" name="${name}" value="${value}">`;
}

function subscriptionCard(context: Context, subscription: Stripe.Subscription): SafeHtml {
  const { em, session, config } = context;
  const name = planName(em, subscription);
  const prices = subscription.items.data.map((item) =>
    priceText(em, item.price, item.quantity ?? 1),
  );
  // A switch keeps the item's quantity, so the option is priced for it.
  const quantity = subscription.items.data[0]?.quantity ?? 1;
  const action = portalPath(session);
  const switches = switchOptions(em, config, subscription).map(
    (price) => html`<form method="post" action="${action}">
${hidden("action", "update")}${hidden("subscription", subscription.id)}${hidden("price", price.id)}
<button type="submit" class="secondary">Switch to ${productName(em, price)} (${priceText(em, price, quantity)})</button>
</form>`,
  );
  const cancel = canCancel(config, subscription)
    ? html`<form method="get" action="${action}">
${hidden("confirm_cancel", subscription.id)}
<button type="submit" class="secondary">Cancel plan</button>
</form>`
    : null;
  const resume = cancelScheduled(subscription)
    ? html`<form method="post" action="${action}">
${hidden("action", "resume")}${hidden("subscription", subscription.id)}
<button type="submit">Resume plan</button>
</form>`
    : null;
  return html`<article class="panel" aria-labelledby="plan-${subscription.id}">
<div class="sub-head"><h3 id="plan-${subscription.id}">${name}</h3>${statusBadge(subscription.status)}</div>
<p class="plan-price">${prices.join(" + ")}</p>
${dateLine(subscription)}
${
  switches.length + (cancel ? 1 : 0) + (resume ? 1 : 0) > 0
    ? html`<div class="actions">${switches}${resume}${cancel}</div>`
    : null
}
</article>`;
}

function defaultCard(context: Context): Stripe.PaymentMethod | null {
  const { em, customer } = context;
  const fromCustomer = customer.invoice_settings.default_payment_method;
  const id =
    fromCustomer ??
    liveSubscriptions(em, customer.id).find((subscription) => subscription.default_payment_method)
      ?.default_payment_method ??
    null;
  return id ? (em.state.paymentMethods[String(id)] ?? null) : null;
}

function paymentSection(context: Context, view: ViewState): SafeHtml | null {
  if (!context.config?.features.payment_method_update.enabled) return null;
  const card = defaultCard(context)?.card;
  const brand = card ? card.brand.charAt(0).toUpperCase() + card.brand.slice(1) : "";
  return html`<section class="panel" aria-labelledby="payment-heading">
<h2 id="payment-heading">Payment method</h2>
${
  card
    ? html`<p>${brand} •••• ${card.last4} <span class="muted">· Expires ${String(card.exp_month).padStart(2, "0")}/${card.exp_year}</span></p>`
    : html`<p class="muted">No card on file.</p>`
}
<details${view.card ? html` open` : null}>
<summary class="button secondary">Update card</summary>
${view.card ? alertBox(view.problem) : null}
<form method="post" action="${portalPath(context.session)}" novalidate>
${hidden("action", "card")}
${cardFields(view.card ?? EMPTY_CARD_VALUES, view.card ? view.problem : null, { email: false })}
<button type="submit" class="wide">Save card</button>
</form>
</details>
</section>`;
}

function invoiceSection(context: Context): SafeHtml | null {
  const { em, customer, config } = context;
  if (!config?.features.invoice_history.enabled) return null;
  const order = em.state.order;
  const invoices = Object.values(em.state.invoices)
    .filter((invoice) => invoice.customer === customer.id && invoice.status !== "draft")
    .sort((a, b) => (order[b.id] ?? 0) - (order[a.id] ?? 0))
    .slice(0, 50);
  return html`<section class="panel" aria-labelledby="invoices-heading">
<h2 id="invoices-heading">Invoice history</h2>
${
  invoices.length === 0
    ? html`<p class="muted">No invoices yet.</p>`
    : html`<div class="table-wrap"><table>
<thead><tr><th scope="col">Invoice</th><th scope="col" class="num">Amount</th><th scope="col">Status</th></tr></thead>
<tbody>
${invoices.map((invoice) => {
  const href = safeUrl(invoice.hosted_invoice_url);
  const number = invoice.number ?? invoice.id;
  return html`<tr>
<td>${href ? html`<a href="${href}">${number}</a>` : number}<br><span class="muted small">${formatDate(invoice.status_transitions.finalized_at ?? invoice.created)}</span></td>
<td class="num">${formatMoney(invoice.total, invoice.currency)}</td>
<td>${statusBadge(invoice.status ?? "open")}</td>
</tr>`;
})}
</tbody></table></div>`
}
</section>`;
}

function returnLink(session: Stripe.BillingPortal.Session): SafeHtml | null {
  const href = safeUrl(session.return_url);
  return href ? html`<a class="back" href="${href}">← Return to ${hostOf(href)}</a>` : null;
}

function portalPage(context: Context, view: ViewState): SafeHtml {
  const { em, customer, session } = context;
  const subscriptions = liveSubscriptions(em, customer.id);
  const notice = view.notice
    ? html`<div class="notice" role="status">${view.notice}</div>`
    : html`<div role="status"></div>`;
  const body = html`${returnLink(session)}
<p class="business">${BUSINESS_NAME}</p>
<h1>Billing</h1>
${customer.email ? html`<p class="muted">Signed in as ${customer.email}</p>` : null}
${notice}
${view.card ? null : alertBox(view.problem)}
<section aria-labelledby="plans-heading">
<h2 id="plans-heading">${subscriptions.length > 1 ? "Current plans" : "Current plan"}</h2>
${
  subscriptions.length === 0
    ? html`<div class="panel"><p class="muted">You have no active subscription.</p></div>`
    : subscriptions.map((subscription) => subscriptionCard(context, subscription))
}
</section>
${paymentSection(context, view)}
${invoiceSection(context)}`;
  return shell({ title: `Billing · ${BUSINESS_NAME}`, body, narrow: true });
}

function confirmCancelPage(context: Context, subscription: Stripe.Subscription): SafeHtml {
  const { em, session, config } = context;
  const name = planName(em, subscription);
  const immediately = config?.features.subscription_cancel.mode === "immediately";
  const { end } = periodOf(subscription);
  const explanation = immediately
    ? `Your ${name} plan will end immediately.`
    : `Your ${name} plan will be canceled, but it stays available until the end of your ${
        subscription.status === "trialing" ? "trial" : "billing period"
      } on ${formatDate(end)}.`;
  return shell({
    title: `Cancel your plan? · ${BUSINESS_NAME}`,
    narrow: true,
    body: html`${returnLink(session)}
<section class="panel" aria-labelledby="confirm-heading">
<h1 id="confirm-heading">Cancel your plan?</h1>
<p>${explanation}</p>
<div class="actions">
<form method="post" action="${portalPath(session)}">
${hidden("action", "cancel")}${hidden("subscription", subscription.id)}${hidden("confirm", "yes")}
<button type="submit" class="danger">Confirm cancellation</button>
</form>
<a class="button secondary" href="${portalPath(session)}">Keep my plan</a>
</div>
</section>`,
  });
}

function noticeFrom(url: URL): string | null {
  const code = url.searchParams.get("notice") ?? "";
  if (code === "card_payment_failed") {
    const reason = DECLINES[url.searchParams.get("reason") ?? ""] ?? "Your card was declined.";
    return `Your card has been updated, but paying your open invoice failed. ${reason}`;
  }
  return NOTICES[code] ?? null;
}

/** Applies one portal action; returns the notice query to redirect with. */
function apply(context: Context, form: FormObject, card: ReturnType<typeof readCardForm> | null) {
  const { em, config, customer } = context;
  const action = field(form, "action");
  if (action === "card") {
    if (!config?.features.payment_method_update.enabled) {
      throw invalidRequest("Updating the card is not enabled in this portal.");
    }
    if (!card || "message" in card) throw invalidRequest("Enter your card's details.");
    const paymentMethod = createCardPaymentMethod(em, card.card, customer.id);
    updateCustomer(em, customer, {
      invoice_settings: { default_payment_method: paymentMethod.id },
    });
    const subscriptions = liveSubscriptions(em, customer.id);
    for (const subscription of subscriptions) {
      updateSubscription(em, subscription, { default_payment_method: paymentMethod.id });
    }
    const ids = new Set(subscriptions.map((subscription) => subscription.id));
    const open = Object.values(em.state.invoices)
      .filter((invoice) => {
        const owner = invoice.parent?.subscription_details?.subscription;
        return invoice.status === "open" && owner !== undefined && ids.has(String(owner));
      })
      .sort((a, b) => (em.state.order[a.id] ?? 0) - (em.state.order[b.id] ?? 0));
    let declined: string | null = null;
    for (const invoice of open) {
      try {
        payOnRequest(em, invoice, paymentMethod.id);
      } catch (error) {
        if (!(error instanceof StripeApiError) || error.status !== 402) throw error;
        declined ??= error.body.decline_code ?? "generic_decline";
      } finally {
        payAndSettle(em, invoice);
      }
    }
    if (declined) return `notice=card_payment_failed&reason=${encodeURIComponent(declined)}`;
    return open.length > 0 ? "notice=card_updated_paid" : "notice=card_updated";
  }

  const subscription = ownSubscription(context, field(form, "subscription"));
  if (!subscription) throw invalidRequest("That subscription cannot be changed here.");
  if (action === "update") {
    const price = switchOptions(em, config, subscription).find(
      (candidate) => candidate.id === field(form, "price"),
    );
    const item = subscription.items.data[0];
    if (!price || !item) throw invalidRequest("That plan is not available.");
    updateSubscription(em, subscription, {
      items: [{ id: item.id, price: price.id }],
      proration_behavior: config?.features.subscription_update.proration_behavior ?? "none",
    });
    return "notice=plan_updated";
  }
  if (action === "cancel") {
    if (!canCancel(config, subscription))
      throw invalidRequest("This plan cannot be canceled here.");
    if (config?.features.subscription_cancel.mode === "immediately") {
      cancelNow(em, subscription, "cancellation_requested");
      return "notice=canceled";
    }
    updateSubscription(em, subscription, { cancel_at_period_end: "true" });
    return "notice=cancel_scheduled";
  }
  if (action === "resume") {
    if (!cancelScheduled(subscription)) throw invalidRequest("This plan is not set to cancel.");
    updateSubscription(
      em,
      subscription,
      subscription.cancel_at_period_end ? { cancel_at_period_end: "false" } : { cancel_at: "" },
    );
    return "notice=resumed";
  }
  throw invalidRequest("Unknown action.");
}

export function handlePortal(page: PageRequest, sessionId: string): void {
  const { em, request, response, url } = page;
  const session = em.state.portalSessions[sessionId];
  if (!session) {
    sendNotFound(response, "There is no billing portal session at this address.");
    return;
  }
  if (em.wallNow() - session.created > SESSION_LIFETIME) {
    sendHtml(
      response,
      410,
      messagePage(
        "This portal session has expired",
        "Portal links work for one hour. Go back and open the billing portal again.",
        session.return_url
          ? { href: session.return_url, label: `Return to ${hostOf(session.return_url)}` }
          : null,
      ),
    );
    return;
  }
  const customer = em.state.customers[String(session.customer)];
  if (!customer) {
    sendNotFound(response, "The customer of this portal session no longer exists.");
    return;
  }
  const context: Context = {
    em,
    session,
    customer,
    config: em.state.portalConfigurations[String(session.configuration)] ?? null,
  };

  if (request.method !== "POST") {
    const confirming = url.searchParams.get("confirm_cancel");
    const subscription = confirming ? ownSubscription(context, confirming) : null;
    if (subscription && canCancel(context.config, subscription)) {
      sendHtml(response, 200, confirmCancelPage(context, subscription));
      return;
    }
    const view: ViewState = { notice: noticeFrom(url), problem: null, card: null };
    sendHtml(response, 200, portalPage(context, view));
    return;
  }

  const form = parseForm(page.body);
  const action = field(form, "action");
  if (action === "cancel" && field(form, "confirm") !== "yes") {
    const subscription = ownSubscription(context, field(form, "subscription"));
    if (subscription && canCancel(context.config, subscription)) {
      sendHtml(response, 200, confirmCancelPage(context, subscription));
      return;
    }
  }
  const card = action === "card" ? readCardForm(form, { email: "none" }) : null;
  const cardValues = action === "card" ? cardValuesOf(form) : null;
  if (card && "message" in card) {
    sendHtml(response, 400, portalPage(context, { notice: null, problem: card, card: cardValues }));
    return;
  }
  const result = mutate(em, () => apply(context, form, card));
  if (result.ok) {
    redirect(response, `${portalPath(session)}?${result.value}`);
    return;
  }
  // The state may have been restored: build the page from what is there now.
  const now: Context = {
    em,
    session: em.state.portalSessions[sessionId] ?? session,
    customer: em.state.customers[customer.id] ?? customer,
    config: em.state.portalConfigurations[String(session.configuration)] ?? null,
  };
  const status = result.error.status === 402 ? 402 : 400;
  sendHtml(
    response,
    status,
    portalPage(now, { notice: null, problem: problemOf(result.error), card: cardValues }),
  );
}
