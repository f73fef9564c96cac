import { WebhookEventStatusBadge } from "@/components/admin/webhook-event-status-badge";
import { Cell, NumericCell, Row, RowHeader, Table } from "@/components/ui/table";
import { Moment } from "@/components/ui/time";
import type { CustomerEvent } from "@/lib/admin/customers";

/** Webhook events about one customer: type and id, status and last error, attempts, arrival. */
export function EventsTable({ events }: { events: readonly CustomerEvent[] }) {
  return (
    <Table
      caption="Latest webhook events about this customer, newest first"
      minWidth="min-w-[40rem]"
      columns={["Type", "Status", { label: "Attempts", numeric: true }, "Received"]}
    >
      {events.map((event) => (
        <Row key={event.id}>
          <RowHeader plain>
            <span className="font-mono text-xs text-slate-900">{event.type}</span>
            <span className="block font-mono text-xs text-slate-600">{event.id}</span>
          </RowHeader>
          <Cell>
            <WebhookEventStatusBadge status={event.status} />
            {event.lastError && (
              <span className="mt-1 block max-w-xs break-words text-xs text-slate-600">
                {event.lastError}
              </span>
            )}
          </Cell>
          <NumericCell>{event.attempts}</NumericCell>
          <Cell className="whitespace-nowrap">
            <Moment date={event.receivedAt} />
          </Cell>
        </Row>
      ))}
    </Table>
  );
}
