import { Cell, NumericCell, Row, RowHeader, Table } from "@/components/ui/table";
import { Day } from "@/components/ui/time";
import type { InvoiceListItem } from "@/lib/billing/invoices";
import { safeExternalUrl } from "@/lib/format/external-url";
import { formatMoney } from "@/lib/format/money";
import { InvoiceStatusBadge } from "./invoice-status-badge";

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
    <Table
      caption={caption}
      minWidth="min-w-[40rem]"
      columns={[
        "Number",
        "Date (UTC)",
        { label: "Amount", numeric: true },
        "Status",
        { label: "Links", hidden: true },
      ]}
    >
      {invoices.map((invoice) => {
        const label = invoice.number ?? invoice.id;
        const hosted = safeExternalUrl(invoice.hostedInvoiceUrl);
        const pdf = safeExternalUrl(invoice.invoicePdf);
        return (
          <Row key={invoice.id}>
            <RowHeader className="font-mono text-xs">{label}</RowHeader>
            <Cell className="whitespace-nowrap text-slate-700">
              <Day date={invoice.created} />
            </Cell>
            <NumericCell>{formatMoney(invoice.total, invoice.currency)}</NumericCell>
            <Cell>
              <InvoiceStatusBadge status={invoice.status} />
            </Cell>
            <Cell>
              <div className="flex justify-end gap-4">
                {hosted && (
                  <a href={hosted} target="_blank" rel="noopener noreferrer" className={linkClass}>
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
            </Cell>
          </Row>
        );
      })}
    </Table>
  );
}
