import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { InvoiceTable } from "@/components/billing/invoice-table";
import { formatAmount } from "@/components/billing/usage-bars";
import { EmptyState, NumericCell, Row, RowHeader, Table } from "@/components/ui/table";
import { Day, Moment } from "@/components/ui/time";
import { getDb } from "@/db";
import { type CustomerUsage, getCustomerDetail } from "@/lib/admin/customers";
import { requireAdmin } from "@/lib/auth/session";
import { METRIC_LABELS } from "@/lib/billing/catalog/plans";
import { formatMonth } from "@/lib/format/date";
import { EntitlementsView } from "./entitlements-view";
import { EventsTable } from "./events-table";
import { FailedMeterEventsTable } from "./failed-meter-events-table";
import { Fact, Facts, Mono, Section } from "./parts";
import { RoleForm } from "./role-form";
import { SubscriptionFacts } from "./subscription-facts";

export const metadata: Metadata = { title: "Customer" };
export const dynamic = "force-dynamic";

/** Longer than any user id we create; longer ids are answered 404 without a query. */
const MAX_ID_LENGTH = 128;

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

export default async function CustomerPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const viewer = await requireAdmin(`/admin/customers/${encodeURIComponent(id)}`);
  if (id.length > MAX_ID_LENGTH) notFound();
  const detail = await getCustomerDetail(await getDb(), { userId: id });
  if (!detail) notFound();
  const { user, customer, subscription } = detail;
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
        {user.email ?? user.name ?? user.id}
      </h1>

      <Section id="account" title="Account">
        <Facts>
          <Fact term="Email">{user.email ?? "None"}</Fact>
          <Fact term="Name">{user.name ?? "None"}</Fact>
          <Fact term="Role">{user.role === "admin" ? "Admin" : "User"}</Fact>
          <Fact term="Joined">
            <Moment date={user.createdAt} />
          </Fact>
          <Fact term="User id">
            <Mono>{user.id}</Mono>
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
        </Facts>
        <div className="mt-4">
          {viewer.id === user.id ? (
            <p className="text-sm text-slate-600">
              This is you: another admin can change your role.
            </p>
          ) : (
            <RoleForm userId={user.id} role={user.role} />
          )}
        </div>
      </Section>

      <Section id="subscription" title="Subscription">
        {subscription ? (
          <>
            <SubscriptionFacts subscription={subscription} />
            {detail.subscriptionCount > 1 && (
              <p className="mt-2 text-sm text-slate-600">
                The one that decides access, of {detail.subscriptionCount} subscriptions on record.
              </p>
            )}
          </>
        ) : (
          <EmptyState>No subscription: this customer is on Free.</EmptyState>
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
