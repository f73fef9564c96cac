/**
 * The hosted Checkout page, `/c/pay/:sessionId`: what the customer subscribes to, then a card
 * form. A successful payment redirects (303) to the session's success_url; a declined card or a
 * bad field shows the form again with the error (402 for card errors, 400 otherwise).
 */
import type Stripe from "stripe";
import { completeCheckout, sessionTrialDays } from "../checkout";
import type { Emulator } from "../context";
import { parseForm } from "../form";
import { formatMoney } from "../money";
import { alertBox, cardFields } from "./card-fields";
import {
  type CardFormValues,
  cardValuesOf,
  EMPTY_CARD_VALUES,
  type FormProblem,
  problemOf,
  readCardForm,
} from "./card-form";
import { hostOf, perInterval, priceText } from "./format";
import { html, type SafeHtml, safeUrl } from "./html";
import { type PageRequest, redirect, sendHtml, sendNotFound } from "./http";
import { mutate } from "./mutate";
import { BUSINESS_NAME, messagePage, shell } from "./shell";

function successUrl(session: Stripe.Checkout.Session): string {
  return (session.success_url ?? "").replaceAll("{CHECKOUT_SESSION_ID}", session.id);
}

function customerId(session: Stripe.Checkout.Session): string | null {
  return session.customer ? String(session.customer) : null;
}

/** Whether the session can still be paid (the wall-clock tick may not have expired it yet). */
function isOpen(em: Emulator, session: Stripe.Checkout.Session): boolean {
  return session.status === "open" && session.expires_at > em.now(customerId(session));
}

function closedPage(session: Stripe.Checkout.Session): SafeHtml {
  if (session.status === "complete") {
    return messagePage(
      "This checkout is complete",
      `You have already subscribed with this checkout session. Nothing more to pay.`,
      { href: safeUrl(successUrl(session)), label: `Continue to ${hostOf(successUrl(session))}` },
    );
  }
  const cancel = safeUrl(session.cancel_url);
  return messagePage(
    "This checkout session has expired",
    "The time to complete this payment ran out. Go back and start again.",
    cancel ? { href: cancel, label: `Return to ${hostOf(cancel)}` } : null,
  );
}

function checkoutPage(
  em: Emulator,
  session: Stripe.Checkout.Session,
  values: CardFormValues,
  problem: FormProblem | null,
): SafeHtml {
  const items = em.state.checkoutLineItems[session.id] ?? [];
  const currency = session.currency ?? "usd";
  const trialDays = sessionTrialDays(em, session);
  const trial = trialDays !== null && trialDays > 0;
  const recurring = items.find((item) => item.price?.recurring)?.price?.recurring ?? null;
  const total = session.amount_total ?? 0;
  const recurringTotal = `${formatMoney(total, currency)} ${perInterval(recurring)}`.trim();
  const names = items.map((item) => item.description ?? "").filter(Boolean);
  const cancel = safeUrl(session.cancel_url);
  const needsEmail = !session.customer;
  const customer = session.customer ? em.state.customers[String(session.customer)] : undefined;
  const heading = `${trial ? "Try" : "Subscribe to"} ${names.join(" + ") || "your plan"}`;

  const summary = html`<section class="panel" aria-labelledby="summary-heading">
${cancel ? html`<a class="back" href="${cancel}">← Back to ${hostOf(cancel)}</a>` : null}
<p class="business">${BUSINESS_NAME}</p>
<h1 id="summary-heading">${heading}</h1>
${
  trial
    ? html`<p class="lead" id="trial-note">${trialDays} days free, then ${recurringTotal}</p>`
    : html`<p class="price">${recurringTotal}</p>`
}
<ul class="items" aria-label="Line items">
${items.map((item) => {
  const price = item.price;
  const quantity = item.quantity ?? 1;
  return html`<li><span><strong>${item.description}</strong>${
    quantity > 1 ? html`<br><span class="muted small">Qty ${quantity}</span>` : null
  }</span>
<span>${price ? priceText(em, price, quantity) : formatMoney(item.amount_total, currency)}</span></li>`;
})}
</ul>
<div class="total"><span>Total due today</span><span>${formatMoney(trial ? 0 : total, currency)}</span></div>
</section>`;

  const form = html`<section class="panel" aria-labelledby="pay-heading">
<h2 id="pay-heading">Pay with card</h2>
${alertBox(problem)}
${
  !needsEmail && customer?.email
    ? html`<p class="muted small">Subscribing as <strong>${customer.email}</strong></p>`
    : null
}
<form method="post" action="/c/pay/${session.id}" novalidate>
${cardFields(
  needsEmail && !values.email && session.customer_email
    ? { ...values, email: session.customer_email }
    : values,
  problem,
  { email: needsEmail },
)}
<button class="wide" type="submit">${trial ? "Start trial" : "Subscribe"}</button>
</form>
${
  trial
    ? html`<p class="muted small">You will not be charged today. After the trial, ${recurringTotal} until you cancel.</p>`
    : html`<p class="muted small">You will be charged ${recurringTotal} until you cancel.</p>`
}
</section>`;

  return shell({
    title: `${heading} · ${BUSINESS_NAME}`,
    body: html`<div class="columns">${summary}${form}</div>`,
  });
}

export function handleCheckout(page: PageRequest, sessionId: string): void {
  const { em, request, response } = page;
  const found = em.state.checkoutSessions[sessionId];
  if (!found) {
    sendNotFound(response, "There is no checkout session at this address.");
    return;
  }
  if (request.method !== "POST") {
    if (!isOpen(em, found)) {
      sendHtml(response, 200, closedPage(found));
      return;
    }
    sendHtml(response, 200, checkoutPage(em, found, EMPTY_CARD_VALUES, null));
    return;
  }

  const form = parseForm(page.body);
  const values = cardValuesOf(form);
  if (!isOpen(em, found)) {
    sendHtml(response, 400, closedPage(found));
    return;
  }
  const read = readCardForm(form, { email: found.customer ? "none" : "required" });
  if ("message" in read) {
    sendHtml(response, 400, checkoutPage(em, found, values, read));
    return;
  }
  const result = mutate(em, () => completeCheckout(em, found, read.card));
  if (result.ok) {
    redirect(response, successUrl(result.value));
    return;
  }
  // The state may have been restored: read the session again.
  const session = em.state.checkoutSessions[sessionId];
  if (!session) {
    sendNotFound(response, "There is no checkout session at this address.");
    return;
  }
  if (!isOpen(em, session)) {
    sendHtml(response, 400, closedPage(session));
    return;
  }
  const status = result.error.status === 402 ? 402 : 400;
  sendHtml(response, status, checkoutPage(em, session, values, problemOf(result.error)));
}
