import type { Metadata } from "next";
import Link from "next/link";
import { notFound, redirect } from "next/navigation";
import { InvoiceTable } from "@/components/billing/invoice-table";
import { formatAmount } from "@/components/billing/usage-bars";
import { EmptyState, NumericCell, Row, RowHeader, Table } from "@/components/ui/table";
import { Day, Moment } from "@/components/ui/time";
import { SeatSummary } from "@/components/workspaces/seat-summary";
import { getDb } from "@/db";
import { ENDED_SUBSCRIPTION_STATUSES, type SubscriptionStatus } from "@/db/schema";
import { personalWorkspaceIdOf } from "@/lib/admin/customer-workspace";
import { type CustomerDetail, type CustomerUsage, getCustomerDetail } from "@/lib/admin/customers";
import { requireAdmin } from "@/lib/auth/session";
import { CURRENCY, METRIC_LABELS } from "@/lib/billing/catalog/plans";
import { formatMonth } from "@/lib/format/date";
import { formatMoney } from "@/lib/format/money";
import { EntitlementsView } from "./entitlements-view";
import { EventsTable } from "./events-table";
import { FailedMeterEventsTable } from "./failed-meter-events-table";
import { MembersTable } from "./members-table";
import { Fact, Facts, Mono, Section } from "./parts";
import { SubscriptionActions } from "./subscription-actions";
import { SubscriptionFacts } from "./subscription-facts";

export const metadata: Metadata = { title: "Customer" };
export const dynamic = "force-dynamic";

/** Longer than any workspace or user id we create; longer ids are answered 404 without a query. */
const MAX_ID_LENGTH = 128;
const whole = new Intl.NumberFormat("en-US");
const ENDED: readonly SubscriptionStatus[] = ENDED_SUBSCRIPTION_STATUSES;

function UsageTable({ usage, month }: { usage: readonly CustomerUsage[]; month: string }) {
  return (
    <Table
      caption={`Usage in ${month}, per metric`}
      minWidth="min-w-[20rem]"
      columns={["Metric", { label: "Amount", numeric: true }]}
    >
      {usage.map((row) => (
        <Row key={row.metric}>
          <RowHeader plain className="text-slate-700">
            {METRIC_LABELS[row.metric]}
          </RowHeader>
          <NumericCell>
            {formatAmount(row.metric, row.quantity)}{" "}
            {row.kind === "level" ? "in use" : "this month"}
          </NumericCell>
        </Row>
      ))}
    </Table>
  );
}

/** A personal workspace is known by its person: "Personal" alone names nobody. */
function title(detail: CustomerDetail): string {
  const { workspace, members } = detail;
  if (!workspace.personalUserId) return workspace.name;
  const person = members.find((member) => member.id === workspace.personalUserId);
  return `${person?.email ?? person?.name ?? workspace.name} (personal)`;
}

export default async function CustomerPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const viewer = await requireAdmin(`/admin/customers/${encodeURIComponent(id)}`);
  if (id.length > MAX_ID_LENGTH) notFound();
  const db = await getDb();
  const detail = await getCustomerDetail(db, { workspaceId: id });
  if (!detail) {
    // Customer pages were per user before workspaces: a user's id leads to their personal one.
    const personal = await personalWorkspaceIdOf(db, id);
    if (personal) redirect(`/admin/customers/${personal}`);
    notFound();
  }
  const { workspace, customer, subscription } = detail;
  const month = formatMonth(detail.usagePeriod.start);

  return (
    <>
      <Link
        href="/admin/customers"
        className="rounded text-sm font-medium text-brand-700 underline underline-offset-2 hover:text-brand-900"
      >
        All customers
      </Link>
      <h1 className="mt-2 text-2xl font-bold tracking-tight break-words text-slate-900">
        {title(detail)}
      </h1>

      <Section id="workspace" title="Workspace">
        <Facts>
          <Fact term="Name">{workspace.name}</Fact>
          <Fact term="Address">
            <Mono>{workspace.slug}</Mono>
          </Fact>
          <Fact term="Kind">{workspace.personalUserId ? "Personal" : "Team"}</Fact>
          <Fact term="Created">
            <Moment date={workspace.createdAt} />
          </Fact>
          <Fact term="Workspace id">
            <Mono>{workspace.id}</Mono>
          </Fact>
          <Fact term="Stripe customer">
            {customer ? (
              <>
                <Mono>{customer.stripeCustomerId}</Mono>
                {customer.deletedAt && (
                  <>
                    {" "}
                    (deleted in Stripe on <Day date={customer.deletedAt} />)
                  </>
                )}
              </>
            ) : (
              "None yet (never started a checkout)"
            )}
          </Fact>
          <Fact term="Seats">
            <SeatSummary seats={detail.seats} />
          </Fact>
          <Fact term="MRR">
            <span data-testid="workspace-mrr">{formatMoney(detail.mrr, CURRENCY)}</span>
          </Fact>
        </Facts>
      </Section>

      <Section id="members" title="Members">
        {detail.members.length === 0 ? (
          <EmptyState>No members.</EmptyState>
        ) : (
          <>
            <MembersTable
              members={detail.members}
              workspaceId={workspace.id}
              viewerId={viewer.id}
            />
            {detail.memberCount > detail.members.length && (
              <p className="mt-2 text-sm text-slate-600">
                The first {whole.format(detail.members.length)} of{" "}
                {whole.format(detail.memberCount)} members.
              </p>
            )}
          </>
        )}
      </Section>

      <Section id="subscription" title="Subscription">
        {subscription ? (
          <>
            <SubscriptionFacts subscription={subscription} />
            {!ENDED.includes(subscription.status) && (
              <div className="mt-4">
                <SubscriptionActions
                  workspaceId={workspace.id}
                  scheduledToEnd={subscription.cancelAtPeriodEnd || subscription.cancelAt !== null}
                />
              </div>
            )}
            {detail.subscriptionCount > 1 && (
              <p className="mt-2 text-sm text-slate-600">
                The one that decides access, of {detail.subscriptionCount} subscriptions on record.
              </p>
            )}
          </>
        ) : (
          <EmptyState>No subscription: this workspace is on Free.</EmptyState>
        )}
      </Section>

      <Section id="entitlements" title="Entitlements">
        <EntitlementsView entitlements={detail.entitlements} />
      </Section>

      <Section id="usage" title={`Usage in ${month} (UTC)`}>
        {detail.usage.length === 0 ? (
          <EmptyState>No usage recorded this month.</EmptyState>
        ) : (
          <UsageTable usage={detail.usage} month={month} />
        )}
      </Section>

      {detail.failedMeterEvents.total > 0 && (
        <Section id="failed-meter-events" title="Usage Stripe refused">
          <FailedMeterEventsTable
            events={detail.failedMeterEvents.events}
            total={detail.failedMeterEvents.total}
          />
        </Section>
      )}

      <Section id="invoices" title="Latest invoices">
        {detail.invoices.length === 0 ? (
          <EmptyState>No invoices.</EmptyState>
        ) : (
          <InvoiceTable invoices={detail.invoices} caption="Latest invoices, newest first" />
        )}
      </Section>

      <Section id="events" title="Webhook events">
        {detail.events.length === 0 ? (
          <EmptyState>
            {customer
              ? "No webhook events about this customer."
              : "No Stripe customer yet, so no webhook events."}
          </EmptyState>
        ) : (
          <EventsTable events={detail.events} />
        )}
      </Section>
    </>
  );
}
