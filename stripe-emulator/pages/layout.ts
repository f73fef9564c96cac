/**
 * What the hosted pages share: an HTML template tag that escapes every interpolated value, the
 * page shell (with its small stylesheet and the test-mode badge), money and date formatting,
 * the card fields and their validation, responses, and `mutate`, which makes a page's state
 * change all-or-nothing the way the API's requests are.
 */

import type { ServerResponse } from "node:http";
import type Stripe from "stripe";
import type { CardDetails } from "../cards";
import type { Emulator } from "../context";
import { StripeApiError } from "../errors";
import type { FormObject } from "../form";
import { formatMoney } from "../money";

/** Markup that is already safe to send: only `html` and `raw` make one. */
export class SafeHtml {
  constructor(readonly value: string) {}

  toString(): string {
    return this.value;
  }
}

export type HtmlValue = SafeHtml | string | number | boolean | null | undefined | HtmlValue[];

const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
  "`": "&#96;",
};

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"'`]/g, (char) => ESCAPES[char] ?? char);
}

function render(value: HtmlValue): string {
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(render).join("");
  if (value === null || value === undefined || value === false || value === true) return "";
  return escapeHtml(String(value));
}

/** A template tag: literal parts are markup, every `${value}` is escaped (arrays joined). */
export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  let out = strings[0] ?? "";
  values.forEach((value, index) => {
    out += render(value) + (strings[index + 1] ?? "");
  });
  return new SafeHtml(out);
}

/** Trusted markup made in this module only (the stylesheet). */
function raw(markup: string): SafeHtml {
  return new SafeHtml(markup);
}

/** The business the pages speak for; the emulator has no account object. */
export { formatMoney };

export const BUSINESS_NAME = "Tollgate";

const dateFormat = new Intl.DateTimeFormat("en-US", {
  month: "long",
  day: "numeric",
  year: "numeric",
  timeZone: "UTC",
});

/** "November 25, 2026" (UTC), as the hosted pages write dates. */
export function formatDate(unix: number): string {
  return dateFormat.format(new Date(unix * 1000));
}

/** "per month", "every 3 months". */
export function perInterval(recurring: Stripe.Price.Recurring | null): string {
  if (!recurring) return "";
  const count = recurring.interval_count;
  return count === 1 ? `per ${recurring.interval}` : `every ${count} ${recurring.interval}s`;
}

/** What a price costs for a quantity: "$29.00 per month" or "$0.10 per unit, billed monthly". */
export function priceText(price: Stripe.Price, quantity = 1): string {
  const unit = price.unit_amount ?? 0;
  if (price.recurring?.usage_type === "metered") {
    return `${formatMoney(unit, price.currency)} per unit, billed ${perInterval(price.recurring)}`;
  }
  const amount = formatMoney(unit * quantity, price.currency);
  return price.recurring ? `${amount} ${perInterval(price.recurring)}` : amount;
}

export function productName(em: Emulator, price: Stripe.Price): string {
  return em.state.products[String(price.product)]?.name ?? price.nickname ?? price.id;
}

/** An http(s) URL for an href, or null: a stored URL is not trusted to be one. */
export function safeUrl(value: string | null | undefined): string | null {
  if (!value) return null;
  try {
    const url = new URL(value);
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
  } catch {
    return null;
  }
}

export function hostOf(value: string): string {
  try {
    return new URL(value).host;
  } catch {
    return value;
  }
}

const STYLES = `
:root{color-scheme:light;--ink:#1a1f36;--muted:#4a5068;--line:#d5d9e2;--bg:#f6f8fa;
--brand:#4338ca;--brand-dark:#3730a3;--focus:#1d4ed8;--bad:#9f1239;--bad-bg:#fff1f2;
--good:#166534;--good-bg:#f0fdf4}
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--ink);
background:var(--bg)}
a{color:var(--brand)}
a:hover{color:var(--brand-dark)}
:focus-visible{outline:3px solid var(--focus);outline-offset:2px}
.badge-bar{background:#fef3c7;color:#713f12;text-align:center;font-size:.875rem;font-weight:600;
padding:.375rem 1rem;border-bottom:1px solid #fcd34d}
main{max-width:64rem;margin:0 auto;padding:1.5rem 1rem 3rem}
main.narrow{max-width:36rem}
h1{font-size:1.5rem;line-height:1.25;margin:.25rem 0 1rem}
h2{font-size:1.125rem;margin:0 0 .75rem}
h3{font-size:1rem;margin:0}
p{margin:.5rem 0}
.muted{color:var(--muted)}
.small{font-size:.875rem}
.panel{background:#fff;border:1px solid var(--line);border-radius:12px;padding:1.25rem;
margin-bottom:1.25rem}
.columns{display:grid;gap:1.25rem}
@media (min-width:800px){.columns{grid-template-columns:1fr 1fr;align-items:start}}
.business{font-weight:600;color:var(--muted);margin:0}
.price{font-size:2rem;font-weight:700;line-height:1.2;margin:.25rem 0}
.plan-price{font-size:1.25rem;font-weight:700;margin:.25rem 0}
.lead{font-size:1.25rem;font-weight:600;margin:.25rem 0}
.items{list-style:none;margin:1rem 0;padding:0}
.items li{display:flex;justify-content:space-between;gap:1rem;padding:.625rem 0;
border-top:1px solid var(--line)}
.items li:first-child{border-top:0}
.total{display:flex;justify-content:space-between;gap:1rem;font-weight:700;
border-top:2px solid var(--ink);padding-top:.75rem;margin-top:.25rem}
label{display:block;font-weight:600;font-size:.9375rem;margin:.875rem 0 .25rem}
input{display:block;width:100%;font:inherit;color:var(--ink);background:#fff;
border:1px solid #8a91a5;border-radius:8px;padding:.625rem .75rem;min-height:2.75rem}
input[aria-invalid=true]{border-color:var(--bad);border-width:2px}
input:focus-visible{outline:3px solid var(--focus);outline-offset:1px;border-color:var(--focus)}
.row{display:grid;grid-template-columns:1fr 1fr;gap:.75rem}
.field-error{color:var(--bad);font-size:.875rem;margin:.25rem 0 0}
.hint{background:var(--bg);border:1px solid var(--line);border-radius:8px;padding:.75rem;
font-size:.875rem;margin-top:1rem}
.hint ul{margin:.25rem 0 0;padding-left:1.25rem}
code{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:.875em;white-space:nowrap}
button,.button{display:inline-flex;align-items:center;justify-content:center;font:inherit;
font-weight:600;border-radius:8px;padding:.625rem 1rem;min-height:2.75rem;cursor:pointer;
text-decoration:none;border:1px solid var(--brand);background:var(--brand);color:#fff}
button:hover,.button:hover{background:var(--brand-dark);color:#fff}
button.secondary,.button.secondary{background:#fff;color:var(--brand)}
button.secondary:hover,.button.secondary:hover{background:#eef2ff;color:var(--brand-dark)}
button.danger{background:var(--bad);border-color:var(--bad)}
button.danger:hover{background:#881337}
button.wide{width:100%;margin-top:1.25rem}
.actions{display:flex;flex-wrap:wrap;gap:.5rem;margin-top:1rem}
.actions form{margin:0}
.alert{background:var(--bad-bg);color:var(--bad);border:1px solid #fda4af;border-radius:8px;
padding:.75rem 1rem;margin:0 0 1rem;font-weight:600}
.notice{background:var(--good-bg);color:var(--good);border:1px solid #86efac;border-radius:8px;
padding:.75rem 1rem;margin:0 0 1rem;font-weight:600}
.status{display:inline-block;font-size:.8125rem;font-weight:700;border-radius:999px;
padding:.125rem .625rem;background:#e5e7eb;color:#1f2937;vertical-align:middle}
.status.good{background:#dcfce7;color:#14532d}
.status.warn{background:#fef3c7;color:#713f12}
.status.bad{background:#ffe4e6;color:#881337}
.status.info{background:#e0e7ff;color:#312e81}
.sub-head{display:flex;flex-wrap:wrap;align-items:center;justify-content:space-between;gap:.5rem}
.table-wrap{overflow-x:auto}
table{width:100%;border-collapse:collapse;font-size:.9375rem}
th,td{text-align:left;padding:.5rem;border-bottom:1px solid var(--line);vertical-align:top}
thead th{font-size:.8125rem;text-transform:uppercase;letter-spacing:.03em;color:var(--muted)}
tfoot th{font-weight:400}
td.num,th.num{text-align:right;white-space:nowrap}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem;margin:0}
dl.facts dt{color:var(--muted)}
dl.facts dd{margin:0}
.back{display:inline-block;margin-bottom:.75rem}
summary{list-style:none}
summary::-webkit-details-marker{display:none}
details[open]>summary{margin-bottom:1rem}
@media (max-width:480px){main{padding:1rem .75rem 2rem}.panel{padding:1rem}}
`;

export interface ShellOptions {
  title: string;
  body: SafeHtml;
  narrow?: boolean;
}

/** A whole document: the badge, then the page's own markup. */
export function shell({ title, body, narrow = false }: ShellOptions): SafeHtml {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${title}</title>
<style>${raw(STYLES)}</style>
</head>
<body>
<div class="badge-bar" role="note">Test mode · Stripe emulator</div>
<main class="${narrow ? "narrow" : ""}">
${body}
</main>
</body>
</html>
`;
}

const SECURITY_HEADERS = {
  "cache-control": "no-store",
  "content-security-policy":
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; frame-ancestors 'none'",
  // Not no-referrer: under it a browser sends `Origin: null` with form posts.
  "referrer-policy": "same-origin",
  "x-content-type-options": "nosniff",
};

export function sendHtml(response: ServerResponse, status: number, document: SafeHtml): void {
  response.writeHead(status, { "content-type": "text/html; charset=utf-8", ...SECURITY_HEADERS });
  response.end(document.value);
}

/** Post/Redirect/Get. */
export function redirect(response: ServerResponse, location: string): void {
  response.writeHead(303, { location, "cache-control": "no-store" });
  response.end();
}

/** A short page that only says something (not found, expired, finished). */
export function messagePage(
  heading: string,
  message: string,
  link: { href: string | null; label: string } | null = null,
): SafeHtml {
  const href = link ? safeUrl(link.href) : null;
  return shell({
    title: heading,
    narrow: true,
    body: html`<div class="panel">
<h1>${heading}</h1>
<p>${message}</p>
${link && href ? html`<p><a class="button secondary" href="${href}">${link.label}</a></p>` : null}
</div>`,
  });
}

export function sendNotFound(response: ServerResponse, message: string): void {
  sendHtml(response, 404, messagePage("Page not found", message));
}

/** A string field of a decoded form; anything else (absent, nested) is "". */
export function field(form: FormObject, name: string): string {
  const value = form[name];
  return typeof value === "string" ? value : "";
}

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

function input(
  id: string,
  label: string,
  attributes: SafeHtml,
  problem: FormProblem | null,
  fieldName: CardField,
  describedBy: string[] = [],
): SafeHtml {
  const invalid = problem?.field === fieldName;
  const errorId = `${id}-error`;
  const described = [...describedBy, ...(invalid ? [errorId] : [])].join(" ");
  return html`<label for="${id}">${label}</label>
<input id="${id}" ${attributes}${invalid ? html` aria-invalid="true"` : null}${
    described ? html` aria-describedby="${described}"` : null
  }>
${invalid && problem ? html`<p class="field-error" id="${errorId}">${problem.message}</p>` : null}`;
}

/** Email (optional), cardholder name, number, expiry and CVC, with the test cards listed. */
export function cardFields(
  values: CardFormValues,
  problem: FormProblem | null,
  options: { email: boolean; prefix?: string },
): SafeHtml {
  const p = options.prefix ?? "card";
  return html`${
    options.email
      ? input(
          `${p}-email`,
          "Email",
          html`name="email" type="email" autocomplete="email" required value="${values.email}"`,
          problem,
          "email",
        )
      : null
  }
${input(
  `${p}-name`,
  "Name on card",
  html`name="name" type="text" autocomplete="cc-name" required value="${values.name}"`,
  problem,
  "name",
)}
${input(
  `${p}-number`,
  "Card number",
  html`name="number" type="text" inputmode="numeric" autocomplete="cc-number" required placeholder="1234 1234 1234 1234" maxlength="23" value=""`,
  problem,
  "number",
  [`${p}-test-cards`],
)}
<div class="row">
<div>${input(
    `${p}-expiry`,
    "Expiry (MM / YY)",
    html`name="expiry" type="text" inputmode="numeric" autocomplete="cc-exp" required placeholder="MM / YY" maxlength="7" value="${values.expiry}"`,
    problem,
    "expiry",
  )}</div>
<div>${input(
    `${p}-cvc`,
    "CVC",
    html`name="cvc" type="text" inputmode="numeric" autocomplete="cc-csc" required placeholder="123" maxlength="4" value=""`,
    problem,
    "cvc",
  )}</div>
</div>
<div class="hint" id="${p}-test-cards">
<strong>Test cards</strong> (any future expiry, any CVC):
<ul>
<li><code>4242 4242 4242 4242</code> succeeds</li>
<li><code>4000 0000 0000 0341</code> attaches, later charges fail</li>
<li><code>4000 0000 0000 9995</code> declined, insufficient funds</li>
</ul>
</div>`;
}

/** The alert a form shows above itself. */
export function alertBox(problem: FormProblem | null): SafeHtml | null {
  return problem ? html`<div class="alert" role="alert">${problem.message}</div>` : null;
}

export type Mutation<T> = { ok: true; value: T } | { ok: false; error: StripeApiError };

/**
 * Runs a state change as the API runs a request: a thrown error puts `em.state` back as it
 * was, except a 402 card error, whose failed attempt (and its events) is real. Other errors
 * than Stripe's are thrown on after the state is restored. Persists in every case.
 *
 * Objects read before the call may belong to the discarded state afterwards: read them again.
 */
export function mutate<T>(em: Emulator, change: () => T): Mutation<T> {
  const snapshot = structuredClone(em.state);
  try {
    return { ok: true, value: change() };
  } catch (error) {
    const keepsChanges = error instanceof StripeApiError && error.status === 402;
    if (!keepsChanges) em.state = snapshot;
    if (error instanceof StripeApiError) return { ok: false, error };
    throw error;
  } finally {
    em.changed();
  }
}

/**
 * Whether a POST may act: no Origin (a program, not a browser) or this server's own. A form
 * posted from another site (or an opaque origin) is refused.
 */
export function sameOrigin(origin: string | undefined, host: string | undefined): boolean {
  if (origin === undefined) return true;
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

export function statusBadge(status: string): SafeHtml {
  const tone: Record<string, string> = {
    active: "good",
    paid: "good",
    trialing: "info",
    open: "info",
    past_due: "warn",
    unpaid: "bad",
    incomplete: "warn",
    paused: "warn",
    void: "",
    uncollectible: "bad",
    canceled: "",
    draft: "",
  };
  const label: Record<string, string> = {
    active: "Active",
    trialing: "Trial",
    past_due: "Past due",
    unpaid: "Unpaid",
    incomplete: "Incomplete",
    paused: "Paused",
    canceled: "Canceled",
    open: "Open",
    paid: "Paid",
    void: "Void",
    uncollectible: "Uncollectible",
    draft: "Draft",
  };
  return html`<span class="status ${tone[status] ?? ""}">${label[status] ?? status}</span>`;
}
