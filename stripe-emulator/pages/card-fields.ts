/** The card fields and the form's alert, marked up for the problem a post had (if any). */
import type { CardField, CardFormValues, FormProblem } from "./card-form";
import { html, type SafeHtml } from "./html";

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
