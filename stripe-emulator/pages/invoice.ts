/**
 * The hosted invoice page, `/i/:invoiceId` (with a card form while the invoice is open,
 * posting to `/i/:invoiceId/pay`), and its PDF at `/i/:invoiceId/pdf`. Drafts have neither, as
 * at Stripe: the page and PDF exist from finalization on.
 */
import type Stripe from "stripe";
import { createCardPaymentMethod } from "../cards";
import type { Emulator } from "../context";
import { parseForm } from "../form";
import { payOnRequest } from "../invoices";
import { payAndSettle } from "../lifecycle";
import { formatMoney } from "../money";
import { renderInvoicePdf } from "../pdf";
import { alertBox, cardFields } from "./card-fields";
import {
  type CardFormValues,
  cardValuesOf,
  EMPTY_CARD_VALUES,
  type FormProblem,
  problemOf,
  readCardForm,
} from "./card-form";
import { formatDate } from "./format";
import { html, type SafeHtml } from "./html";
import { type PageRequest, redirect, sendHtml, sendNotFound } from "./http";
import { mutate } from "./mutate";
import { shell } from "./shell";
import { statusBadge } from "./status-badge";

function hostedInvoice(em: Emulator, id: string): Stripe.Invoice | null {
  const invoice = em.state.invoices[id];
  return invoice && invoice.status !== "draft" ? invoice : null;
}

function payable(invoice: Stripe.Invoice): boolean {
  return invoice.status === "open" && invoice.amount_remaining > 0;
}

function invoicePage(
  invoice: Stripe.Invoice,
  options: { values: CardFormValues; problem: FormProblem | null; notice: string | null },
): SafeHtml {
  const money = (amount: number) => formatMoney(amount, invoice.currency);
  const number = invoice.number ?? invoice.id;
  const issued = invoice.status_transitions.finalized_at ?? invoice.created;
  const paidAt = invoice.status_transitions.paid_at;
  const billTo = [invoice.customer_name, invoice.customer_email].filter(Boolean);
  const facts: Array<[string, string]> = [
    ["Invoice number", number],
    ["Date of issue", formatDate(issued)],
    ...(invoice.due_date ? [["Date due", formatDate(invoice.due_date)] as [string, string]] : []),
    ...(paidAt ? [["Paid on", formatDate(paidAt)] as [string, string]] : []),
    ["Billing period", `${formatDate(invoice.period_start)} – ${formatDate(invoice.period_end)}`],
  ];
  const totals: Array<[string, number, boolean]> = [
    ["Subtotal", invoice.subtotal, false],
    ["Total", invoice.total, true],
    ["Amount paid", invoice.amount_paid, false],
    ["Amount remaining", invoice.amount_remaining, true],
  ];

  const details = html`<section class="panel" aria-labelledby="invoice-heading">
<p class="business">${invoice.account_name ?? ""}</p>
<div class="sub-head"><h1 id="invoice-heading">Invoice ${number}</h1>${statusBadge(invoice.status ?? "open")}</div>
<p class="price">${money(payable(invoice) ? invoice.amount_remaining : invoice.total)}</p>
<p class="muted">${
    invoice.status === "paid"
      ? `Paid ${paidAt ? formatDate(paidAt) : ""}`
      : invoice.status === "open"
        ? invoice.due_date
          ? `Due ${formatDate(invoice.due_date)}`
          : "Due on receipt"
        : invoice.status === "void"
          ? "This invoice has been voided."
          : "This invoice was marked uncollectible."
  }</p>
<dl class="facts">
${facts.map(([name, value]) => html`<dt>${name}</dt><dd>${value}</dd>`)}
<dt>Bill to</dt><dd>${billTo.length > 0 ? billTo.map((line, index) => html`${index > 0 ? html`<br>` : null}${line}`) : "—"}</dd>
</dl>
<p><a class="button secondary" href="/i/${invoice.id}/pdf" download="Invoice-${number}.pdf">Download PDF</a></p>
</section>`;

  const lines = html`<section class="panel" aria-labelledby="lines-heading">
<h2 id="lines-heading">Items</h2>
<div class="table-wrap"><table>
<thead><tr><th scope="col">Description</th><th scope="col" class="num">Qty</th><th scope="col" class="num">Amount</th></tr></thead>
<tbody>
${
  invoice.lines.data.length === 0
    ? html`<tr><td colspan="3" class="muted">No line items</td></tr>`
    : invoice.lines.data.map(
        (line) =>
          html`<tr><td>${line.description ?? ""}${
            line.period
              ? html`<br><span class="muted small">${formatDate(line.period.start)} – ${formatDate(line.period.end)}</span>`
              : null
          }</td><td class="num">${line.quantity ?? ""}</td><td class="num">${money(line.amount)}</td></tr>`,
      )
}
</tbody>
<tfoot>
${totals.map(
  ([name, amount, strong]) =>
    html`<tr><th scope="row" colspan="2" class="num">${strong ? html`<strong>${name}</strong>` : name}</th><td class="num">${
      strong ? html`<strong>${money(amount)}</strong>` : money(amount)
    }</td></tr>`,
)}
</tfoot>
</table></div>
</section>`;

  const pay = payable(invoice)
    ? html`<section class="panel" aria-labelledby="pay-heading">
<h2 id="pay-heading">Pay ${money(invoice.amount_remaining)}</h2>
${alertBox(options.problem)}
<form method="post" action="/i/${invoice.id}/pay" novalidate>
${cardFields(options.values, options.problem, { email: false, prefix: "pay" })}
<button type="submit" class="wide">Pay ${money(invoice.amount_remaining)}</button>
</form>
</section>`
    : alertBox(options.problem);

  return shell({
    title: `Invoice ${number} · ${invoice.account_name ?? ""}`,
    narrow: true,
    body: html`${options.notice ? html`<div class="notice" role="status">${options.notice}</div>` : null}
${details}${pay}${lines}`,
  });
}

function sendPdf(page: PageRequest, invoice: Stripe.Invoice): void {
  const number = invoice.number ?? invoice.id;
  const pdf = renderInvoicePdf({
    accountName: invoice.account_name ?? "",
    number: invoice.number,
    status: invoice.status ?? "open",
    currency: invoice.currency,
    created: invoice.status_transitions.finalized_at ?? invoice.created,
    periodStart: invoice.period_start,
    periodEnd: invoice.period_end,
    customerName: invoice.customer_name,
    customerEmail: invoice.customer_email,
    lines: invoice.lines.data.map((line) => ({
      description: line.description ?? "",
      quantity: line.quantity,
      amount: line.amount,
    })),
    subtotal: invoice.subtotal,
    total: invoice.total,
    amountPaid: invoice.amount_paid,
    amountDue: invoice.amount_due,
    amountRemaining: invoice.amount_remaining,
  });
  page.response.writeHead(200, {
    "content-type": "application/pdf",
    "content-disposition": `inline; filename="Invoice-${number.replace(/[^A-Za-z0-9_-]/g, "_")}.pdf"`,
    "content-length": String(pdf.length),
    "cache-control": "no-store",
    "x-content-type-options": "nosniff",
  });
  page.response.end(pdf);
}

export function handleInvoice(page: PageRequest, invoiceId: string, sub: "" | "pay" | "pdf"): void {
  const { em, response } = page;
  const found = hostedInvoice(em, invoiceId);
  if (!found) {
    sendNotFound(response, "There is no invoice at this address.");
    return;
  }
  if (sub === "pdf") {
    sendPdf(page, found);
    return;
  }
  if (sub === "") {
    const notice = page.url.searchParams.get("notice") === "paid" ? "Payment received." : null;
    sendHtml(
      response,
      200,
      invoicePage(found, { values: EMPTY_CARD_VALUES, problem: null, notice }),
    );
    return;
  }

  // POST /i/:id/pay
  const form = parseForm(page.body);
  const values = cardValuesOf(form);
  if (!payable(found)) {
    const problem = {
      message: `This invoice is ${found.status} and cannot be paid.`,
      field: null,
    };
    sendHtml(response, 400, invoicePage(found, { values, problem, notice: null }));
    return;
  }
  const read = readCardForm(form, { email: "none" });
  if ("message" in read) {
    sendHtml(response, 400, invoicePage(found, { values, problem: read, notice: null }));
    return;
  }
  const result = mutate(em, () => {
    const paymentMethod = createCardPaymentMethod(em, read.card, String(found.customer));
    try {
      payOnRequest(em, found, paymentMethod.id);
    } finally {
      payAndSettle(em, found);
    }
  });
  if (result.ok) {
    redirect(response, `/i/${found.id}?notice=paid`);
    return;
  }
  const invoice = hostedInvoice(em, invoiceId) ?? found;
  const status = result.error.status === 402 ? 402 : 400;
  sendHtml(
    response,
    status,
    invoicePage(invoice, { values, problem: problemOf(result.error), notice: null }),
  );
}
