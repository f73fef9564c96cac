/**
 * The hosted pages (checkout, portal, invoice), server-rendered HTML with plain form posts:
 * - `GET|POST /c/pay/:sessionId`      Checkout (`checkout.ts`)
 * - `GET|POST /p/session/:sessionId`  the customer portal (`portal.ts`)
 * - `GET /i/:invoiceId`, `POST /i/:invoiceId/pay`, `GET /i/:invoiceId/pdf`  invoices
 *   (`invoice.ts`)
 * A form posted from another site is refused (403); other methods get 405.
 *
 * What the pages share, each depending only on those listed before it: `html.ts` (the escaping
 * template tag), `stylesheet.ts`, `shell.ts` (the document and message pages), `status-badge.ts`,
 * `format.ts` (dates, prices), `card-form.ts` (reading the card fields) and `card-fields.ts`
 * (drawing them), `http.ts` (the request and the answers), `mutate.ts` (all-or-nothing posts).
 */
import { handleCheckout } from "./checkout";
import { type PageRequest, sameOrigin, sendHtml } from "./http";
import { handleInvoice } from "./invoice";
import { handlePortal } from "./portal";
import { messagePage } from "./shell";

interface PageRoute {
  pattern: RegExp;
  methods: ReadonlyArray<"GET" | "POST">;
  serve: (page: PageRequest, id: string) => void;
}

const ROUTES: PageRoute[] = [
  { pattern: /^\/c\/pay\/([^/]+)\/?$/, methods: ["GET", "POST"], serve: handleCheckout },
  { pattern: /^\/p\/session\/([^/]+)\/?$/, methods: ["GET", "POST"], serve: handlePortal },
  {
    pattern: /^\/i\/([^/]+)\/pdf$/,
    methods: ["GET"],
    serve: (page, id) => handleInvoice(page, id, "pdf"),
  },
  {
    pattern: /^\/i\/([^/]+)\/pay$/,
    methods: ["POST"],
    serve: (page, id) => handleInvoice(page, id, "pay"),
  },
  {
    pattern: /^\/i\/([^/]+)\/?$/,
    methods: ["GET"],
    serve: (page, id) => handleInvoice(page, id, ""),
  },
];

function decode(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}

/** Serves a hosted page; false when the path is not one. */
export function handlePage(page: PageRequest): boolean {
  const { request, response, url } = page;
  for (const route of ROUTES) {
    const match = route.pattern.exec(url.pathname);
    if (!match?.[1]) continue;
    const method = request.method === "HEAD" ? "GET" : (request.method ?? "GET");
    if (!route.methods.some((allowed) => allowed === method)) {
      response.setHeader(
        "allow",
        route.methods.includes("GET") ? [...route.methods, "HEAD"] : route.methods,
      );
      sendHtml(
        response,
        405,
        messagePage("Method not allowed", `This page does not accept ${method}.`),
      );
      return true;
    }
    if (method === "POST" && !sameOrigin(request.headers.origin, request.headers.host)) {
      sendHtml(
        response,
        403,
        messagePage("Form refused", "This form was posted from another site, so it was ignored."),
      );
      return true;
    }
    const id = decode(match[1]);
    if (id === null) return false;
    route.serve(page, id);
    return true;
  }
  return false;
}
