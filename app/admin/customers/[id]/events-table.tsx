import { Moment } from "@/components/ui/time";
import type { WebhookEventStatus } from "@/db/schema";
import type { CustomerEvent } from "@/lib/admin/customers";
import { td, th } from "./parts";

const STATUS_LABELS: Record<WebhookEventStatus, string> = {
  received: "Received",
  processed: "Processed",
  failed: "Failed",
  ignored: "Ignored",
  unlinked: "Waiting for customer link",
};

/** Webhook events about one customer: type and id, status and last error, attempts, arrival. */
export function EventsTable({ events }: { events: readonly CustomerEvent[] }) {
  return (
    <div className="relative overflow-x-auto rounded-xl border border-slate-200">
      <table className="w-full min-w-[40rem] text-left text-sm">
        <caption className="sr-only">
          Latest webhook events about this customer, newest first
        </caption>
        <thead className="bg-slate-50 text-slate-700">
          <tr>
            <th scope="col" className={th}>
              Type
            </th>
            <th scope="col" className={th}>
              Status
            </th>
            <th scope="col" className={`${th} text-right`}>
              Attempts
            </th>
            <th scope="col" className={th}>
              Received
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {events.map((event) => (
            <tr key={event.id}>
              <th scope="row" className={`${td} font-normal`}>
                <span className="font-mono text-xs text-slate-900">{event.type}</span>
                <span className="block font-mono text-xs text-slate-600">{event.id}</span>
              </th>
              <td className={td}>
                <span className={event.status === "failed" ? "font-medium text-red-700" : ""}>
                  {STATUS_LABELS[event.status]}
                </span>
                {event.lastError && (
                  <span className="block max-w-xs break-words text-xs text-slate-600">
                    {event.lastError}
                  </span>
                )}
              </td>
              <td className={`${td} text-right tabular-nums`}>{event.attempts}</td>
              <td className={`${td} whitespace-nowrap`}>
                <Moment date={event.receivedAt} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
