import { formatAmount } from "@/components/billing/usage-bars";
import { Moment } from "@/components/ui/time";
import type { FailedMeterEvent } from "@/lib/usage/failed-meter-events";
import { td, th } from "./parts";

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
      <div className="relative overflow-x-auto rounded-xl border border-slate-200">
        <table className="w-full min-w-[40rem] text-left text-sm">
          <caption className="sr-only">Meter events that failed for good, newest first</caption>
          <thead className="bg-slate-50 text-slate-700">
            <tr>
              <th scope="col" className={th}>
                Occurred
              </th>
              <th scope="col" className={`${th} text-right`}>
                API calls
              </th>
              <th scope="col" className={`${th} text-right`}>
                Attempts
              </th>
              <th scope="col" className={th}>
                Stripe&apos;s reason
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {events.map((event) => (
              <tr key={event.id}>
                <th scope="row" className={`${td} font-normal whitespace-nowrap`}>
                  <Moment date={event.occurredAt} />
                  <span className="block font-mono text-xs text-slate-600">{event.id}</span>
                </th>
                <td className={`${td} text-right tabular-nums`}>
                  {formatAmount("api_calls", event.quantity)}
                </td>
                <td className={`${td} text-right tabular-nums`}>{event.reportAttempts}</td>
                <td className={`${td} max-w-md break-words text-red-700`}>
                  {event.lastReportError ?? "No reason recorded"}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
