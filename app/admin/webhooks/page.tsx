import type { Metadata } from "next";
import Link from "next/link";
import { FormAlert } from "@/components/ui/form-alert";
import { Moment } from "@/components/ui/time";
import { getDb } from "@/db";
import { WEBHOOK_EVENT_STATUSES, type WebhookEventStatus } from "@/db/schema";
import { listWebhookEvents, parseWebhookEventsQuery } from "@/lib/admin/webhook-events";
import { requireAdmin } from "@/lib/auth/session";
import { ReplayEventForm, ReplayOutcome } from "./replay-event-form";

export const metadata: Metadata = { title: "Webhook events" };
export const dynamic = "force-dynamic";

const PAGE = "/admin/webhooks";

const STATUS_LABELS: Record<WebhookEventStatus, string> = {
  received: "Received",
  processed: "Processed",
  failed: "Failed",
  ignored: "Ignored",
  unlinked: "Waiting for customer link",
};

const STATUS_STYLES: Record<WebhookEventStatus, string> = {
  received: "bg-amber-50 text-amber-900 ring-amber-200",
  processed: "bg-emerald-50 text-emerald-900 ring-emerald-200",
  failed: "bg-red-50 text-red-800 ring-red-200",
  ignored: "bg-slate-100 text-slate-700 ring-slate-200",
  unlinked: "bg-amber-50 text-amber-900 ring-amber-200",
};

/** Events still waiting to be applied; the others have nothing left to apply. */
const REPLAYABLE: ReadonlySet<WebhookEventStatus> = new Set(["failed", "unlinked"]);

function pageHref(params: { status?: WebhookEventStatus | undefined; cursor?: string }): string {
  const search = new URLSearchParams();
  if (params.status) search.set("status", params.status);
  if (params.cursor) search.set("cursor", params.cursor);
  const query = search.toString();
  return query ? `${PAGE}?${query}` : PAGE;
}

const filterLink = "rounded-full px-3 py-1.5 font-medium ring-1 ring-inset";

export default async function WebhookEventsPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  await requireAdmin(PAGE);
  const query = parseWebhookEventsQuery(await searchParams);
  const status = query?.status;
  const { events, nextCursor } = await listWebhookEvents(await getDb(), query ?? {});
  const filters: { label: string; status: WebhookEventStatus | undefined }[] = [
    { label: "All", status: undefined },
    ...WEBHOOK_EVENT_STATUSES.map((value) => ({ label: STATUS_LABELS[value], status: value })),
  ];

  return (
    <>
      <h1 className="text-2xl font-bold tracking-tight text-slate-900">Webhook events</h1>
      <p className="mt-2 max-w-2xl text-sm text-slate-600">
        Every event Stripe delivered, newest first. A failed event is retried by Stripe and by
        reconciliation; an event waiting for its customer&apos;s link is applied by reconciliation
        once the customer is linked to a user. Replay applies either now from its stored payload.
      </p>

      <nav aria-label="Filter by status" className="mt-6">
        <ul className="flex flex-wrap gap-2 text-sm">
          {filters.map((filter) => {
            const current = filter.status === status;
            return (
              <li key={filter.label}>
                <Link
                  href={pageHref({ status: filter.status })}
                  aria-current={current ? "page" : undefined}
                  className={`${filterLink} ${current ? "bg-slate-900 text-white ring-slate-900" : "text-slate-700 ring-slate-200 hover:bg-slate-100"}`}
                >
                  {filter.label}
                </Link>
              </li>
            );
          })}
        </ul>
      </nav>

      <div className="mt-6">
        {query === null && (
          <div className="mb-4">
            <FormAlert tone="info">
              That page link is not valid; showing the newest events.
            </FormAlert>
          </div>
        )}
        {/* Keyed by the listing, so a replay's outcome is not carried to another page. */}
        <ReplayOutcome
          key={`${status ?? "all"}:${query?.cursor?.at ?? ""}:${query?.cursor?.id ?? ""}`}
        >
          {events.length === 0 ? (
            <p
              className="rounded-xl border border-dashed border-slate-300 p-8 text-center text-sm text-slate-600"
              data-testid="webhook-events-empty"
            >
              {query?.cursor
                ? "No older events."
                : status
                  ? `No ${STATUS_LABELS[status].toLowerCase()} events.`
                  : "No webhook events yet. They appear here as Stripe delivers them."}
            </p>
          ) : (
            <div className="relative overflow-x-auto rounded-xl border border-slate-200">
              <table
                className="w-full min-w-[60rem] text-left text-sm"
                data-testid="webhook-events"
              >
                <caption className="sr-only">
                  Webhook events{status ? `, ${STATUS_LABELS[status].toLowerCase()} only` : ""},
                  newest first
                </caption>
                <thead className="bg-slate-50 text-slate-700">
                  <tr>
                    <th scope="col" className="px-4 py-2 font-medium">
                      Received
                    </th>
                    <th scope="col" className="px-4 py-2 font-medium">
                      Type
                    </th>
                    <th scope="col" className="px-4 py-2 font-medium">
                      Event id
                    </th>
                    <th scope="col" className="px-4 py-2 font-medium">
                      Customer
                    </th>
                    <th scope="col" className="px-4 py-2 font-medium">
                      Status
                    </th>
                    <th scope="col" className="px-4 py-2 text-right font-medium">
                      Attempts
                    </th>
                    <th scope="col" className="px-4 py-2 font-medium">
                      Last error
                    </th>
                    <th scope="col" className="px-4 py-2 font-medium">
                      <span className="sr-only">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-100 align-top">
                  {events.map((event) => (
                    <tr key={event.id} data-testid="webhook-event-row">
                      <td className="whitespace-nowrap px-4 py-2 tabular-nums">
                        <Moment date={event.receivedAt} />
                      </td>
                      <td className="px-4 py-2 font-mono text-xs">{event.type}</td>
                      <th scope="row" className="px-4 py-2 font-mono text-xs font-normal">
                        {event.id}
                      </th>
                      <td className="px-4 py-2 font-mono text-xs">
                        {event.stripeCustomerId ?? <span className="text-slate-500">None</span>}
                      </td>
                      <td className="px-4 py-2">
                        <span
                          className={`inline-block rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${STATUS_STYLES[event.status]}`}
                        >
                          {STATUS_LABELS[event.status]}
                        </span>
                      </td>
                      <td className="px-4 py-2 text-right tabular-nums">{event.attempts}</td>
                      <td className="px-4 py-2">
                        {event.lastError ? (
                          <p className="line-clamp-3 max-w-xs break-words text-xs text-red-800">
                            {event.lastError}
                          </p>
                        ) : (
                          <span className="text-slate-500">None</span>
                        )}
                      </td>
                      <td className="px-4 py-2 text-right">
                        {REPLAYABLE.has(event.status) && <ReplayEventForm eventId={event.id} />}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </ReplayOutcome>
      </div>

      {(query?.cursor || nextCursor) && (
        <nav aria-label="Pages" className="mt-4 flex flex-wrap justify-between gap-2 text-sm">
          {query?.cursor ? (
            <Link
              href={pageHref({ status })}
              className="rounded-md px-3 py-2 font-medium text-brand-700 hover:bg-slate-100"
            >
              ← Newest events
            </Link>
          ) : (
            <span />
          )}
          {nextCursor && (
            <Link
              href={pageHref({ status, cursor: nextCursor })}
              className="rounded-md px-3 py-2 font-medium text-brand-700 hover:bg-slate-100"
            >
              Older events →
            </Link>
          )}
        </nav>
      )}
    </>
  );
}
