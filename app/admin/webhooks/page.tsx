import type { Metadata } from "next";
import Link from "next/link";
import { RowActionForm, RowActionOutcome } from "@/components/admin/row-action";
import {
  WEBHOOK_EVENT_STATUS,
  WebhookEventStatusBadge,
} from "@/components/admin/webhook-event-status-badge";
import { FormAlert } from "@/components/ui/form-alert";
import { Cell, EmptyState, NumericCell, Row, RowHeader, Table } from "@/components/ui/table";
import { Moment } from "@/components/ui/time";
import { getDb } from "@/db";
import { WEBHOOK_EVENT_STATUSES, type WebhookEventStatus } from "@/db/schema";
import { listWebhookEvents, parseWebhookEventsQuery } from "@/lib/admin/webhook-events";
import { requireAdmin } from "@/lib/auth/session";
import { replayWebhookEventAction } from "./actions";

export const metadata: Metadata = { title: "Webhook events" };
export const dynamic = "force-dynamic";

const PAGE = "/admin/webhooks";

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
    ...WEBHOOK_EVENT_STATUSES.map((value) => ({
      label: WEBHOOK_EVENT_STATUS[value].label,
      status: value,
    })),
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
        <RowActionOutcome
          testId="replay-outcome"
          key={`${status ?? "all"}:${query?.cursor?.at ?? ""}:${query?.cursor?.id ?? ""}`}
        >
          {events.length === 0 ? (
            <EmptyState testId="webhook-events-empty">
              {query?.cursor
                ? "No older events."
                : status
                  ? `No ${WEBHOOK_EVENT_STATUS[status].label.toLowerCase()} events.`
                  : "No webhook events yet. They appear here as Stripe delivers them."}
            </EmptyState>
          ) : (
            <Table
              caption={`Webhook events${status ? `, ${WEBHOOK_EVENT_STATUS[status].label.toLowerCase()} only` : ""}, newest first`}
              minWidth="min-w-[60rem]"
              testId="webhook-events"
              alignTop
              columns={[
                "Received",
                "Type",
                "Event id",
                "Customer",
                "Status",
                { label: "Attempts", numeric: true },
                "Last error",
                { label: "Actions", hidden: true },
              ]}
            >
              {events.map((event) => (
                <Row key={event.id} testId="webhook-event-row">
                  <Cell className="whitespace-nowrap tabular-nums">
                    <Moment date={event.receivedAt} />
                  </Cell>
                  <Cell className="font-mono text-xs">{event.type}</Cell>
                  <RowHeader plain className="font-mono text-xs">
                    {event.id}
                  </RowHeader>
                  <Cell className="font-mono text-xs">
                    {event.stripeCustomerId ?? <span className="text-slate-500">None</span>}
                  </Cell>
                  <Cell>
                    <WebhookEventStatusBadge status={event.status} />
                  </Cell>
                  <NumericCell>{event.attempts}</NumericCell>
                  <Cell>
                    {event.lastError ? (
                      <p className="line-clamp-3 max-w-xs break-words text-xs text-red-800">
                        {event.lastError}
                      </p>
                    ) : (
                      <span className="text-slate-500">None</span>
                    )}
                  </Cell>
                  <Cell className="text-right">
                    {REPLAYABLE.has(event.status) && (
                      <RowActionForm
                        action={replayWebhookEventAction}
                        fields={{ eventId: event.id }}
                        label="Replay"
                        pendingLabel="Replaying…"
                        what={`event ${event.id}`}
                      />
                    )}
                  </Cell>
                </Row>
              ))}
            </Table>
          )}
        </RowActionOutcome>
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
