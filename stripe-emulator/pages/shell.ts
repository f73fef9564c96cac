/** The document every hosted page is: the test-mode badge, then the page's own markup. */
import { html, type SafeHtml, safeUrl } from "./html";
import { stylesheet } from "./stylesheet";

/** The business the pages speak for; the emulator has no account object. */
export const BUSINESS_NAME = "Tollgate";

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
<style>${stylesheet}</style>
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
