import { formatAmount } from "@/components/billing/usage-bars";
import { Cell, NumericCell, Row, RowHeader, Table } from "@/components/ui/table";
import { Moment } from "@/components/ui/time";
import type { FailedMeterEvent } from "@/lib/usage/failed-meter-events";

/** API-call usage Stripe refused for good: when, how much, attempts and Stripe's reason. */
export function FailedMeterEventsTable({
  events,
  total,
}: {
  events: readonly FailedMeterEvent[];
  total: number;
}) {
  return (
    <>
      <p className="mb-3 text-sm text-slate-700">
        {total === 1 ? "One record" : `${total.toLocaleString("en-US")} records`} of API calls will
        not be billed: Stripe refused {total === 1 ? "its meter event" : "their meter events"} for
        good, or {total === 1 ? "it was" : "they were"} too old to send.
        {total > events.length && ` The newest ${events.length} are shown.`}
      </p>
      <Table
        caption="Meter events that failed for good, newest first"
        minWidth="min-w-[40rem]"
        columns={[
          "Occurred",
          { label: "API calls", numeric: true },
          { label: "Attempts", numeric: true },
          "Stripe's reason",
        ]}
      >
        {events.map((event) => (
          <Row key={event.id}>
            <RowHeader plain className="whitespace-nowrap">
              <Moment date={event.occurredAt} />
              <span className="block font-mono text-xs text-slate-600">{event.id}</span>
            </RowHeader>
            <NumericCell>{formatAmount("api_calls", event.quantity)}</NumericCell>
            <NumericCell>{event.reportAttempts}</NumericCell>
            <Cell className="max-w-md break-words text-red-700">
              {event.lastReportError ?? "No reason recorded"}
            </Cell>
          </Row>
        ))}
      </Table>
    </>
  );
}
