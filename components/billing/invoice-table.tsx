import type { InvoiceStatus } from "@/db/schema";
import type { InvoiceListItem } from "@/lib/billing/invoices";
import { formatDate, isoDate } from "@/lib/format/date";
import { safeExternalUrl } from "@/lib/format/external-url";
import { formatMoney } from "@/lib/format/money";

const STATUS_STYLES: Record<InvoiceStatus, { label: string; className: string }> = {
  paid: { label: "Paid", className: "bg-emerald-50 text-emerald-800 ring-emerald-200" },
  open: { label: "Open", className: "bg-amber-50 text-amber-900 ring-amber-200" },
  draft: { label: "Draft", className: "bg-slate-100 text-slate-700 ring-slate-200" },
  uncollectible: { label: "Uncollectible", className: "bg-red-50 text-red-800 ring-red-200" },
  void: { label: "Void", className: "bg-slate-100 text-slate-700 ring-slate-200" },
};

function isInvoiceStatus(status: string): status is InvoiceStatus {
  return Object.hasOwn(STATUS_STYLES, status);
}

/** An invoice's status in words, tinted; the words alone carry the meaning. */
export function InvoiceStatusBadge({ status }: { status: string }) {
  const style = isInvoiceStatus(status)
    ? STATUS_STYLES[status]
    : { label: status, className: "bg-slate-100 text-slate-700 ring-slate-200" };
  return (
    <span
      className={`inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${style.className}`}
    >
      {style.label}
    </span>
  );
}

const linkClass =
  "rounded font-medium whitespace-nowrap text-brand-700 underline underline-offset-2 hover:text-brand-900";

/**
 * Invoices as a table: number, date (UTC), total in the invoice's currency, status, and links
 * to Stripe's hosted page and PDF, each opening in a new tab. Horizontally scrollable on
 * narrow screens. A draft has no links yet.
 */
export function InvoiceTable({
  invoices,
  caption,
}: {
  invoices: readonly InvoiceListItem[];
  caption: string;
}) {
  return (
    <div className="relative overflow-x-auto rounded-xl border border-slate-200">
      <table className="w-full min-w-[40rem] text-left text-sm">
        <caption className="sr-only">{caption}</caption>
        <thead className="bg-slate-50 text-slate-700">
          <tr>
            <th scope="col" className="px-4 py-2 font-medium">
              Number
            </th>
            <th scope="col" className="px-4 py-2 font-medium">
              Date (UTC)
            </th>
            <th scope="col" className="px-4 py-2 text-right font-medium">
              Amount
            </th>
            <th scope="col" className="px-4 py-2 font-medium">
              Status
            </th>
            <th scope="col" className="px-4 py-2 text-right font-medium">
              <span className="sr-only">Links</span>
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {invoices.map((invoice) => {
            const label = invoice.number ?? invoice.id;
            const hosted = safeExternalUrl(invoice.hostedInvoiceUrl);
            const pdf = safeExternalUrl(invoice.invoicePdf);
            return (
              <tr key={invoice.id}>
                <th scope="row" className="px-4 py-2 font-mono text-xs font-medium text-slate-900">
                  {label}
                </th>
                <td className="px-4 py-2 whitespace-nowrap text-slate-700">
                  <time dateTime={isoDate(invoice.created)}>{formatDate(invoice.created)}</time>
                </td>
                <td className="px-4 py-2 text-right whitespace-nowrap text-slate-900 tabular-nums">
                  {formatMoney(invoice.total, invoice.currency)}
                </td>
                <td className="px-4 py-2">
                  <InvoiceStatusBadge status={invoice.status} />
                </td>
                <td className="px-4 py-2">
                  <div className="flex justify-end gap-4">
                    {hosted && (
                      <a
                        href={hosted}
                        target="_blank"
                        rel="noopener noreferrer"
                        className={linkClass}
                      >
                        View<span className="sr-only"> invoice {label} (opens in a new tab)</span>
                      </a>
                    )}
                    {pdf && (
                      <a href={pdf} target="_blank" rel="noopener noreferrer" className={linkClass}>
                        PDF<span className="sr-only"> of invoice {label} (opens in a new tab)</span>
                      </a>
                    )}
                    {!hosted && !pdf && <span className="text-slate-600">Not available yet</span>}
                  </div>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
