import { describe, expect, it } from "vitest";

import { usageRecords } from "@/db/schema";
import { getCustomerDetail } from "@/lib/admin/customers";
import { createTestUser, subscribe, useBillingTest } from "@/lib/testing/billing";
import { recordUsage } from "./record";
import { flushUsage } from "./report";
import { formatVerification, verifyUsage } from "./verify";
import { usageWindow } from "./windows";

const t = useBillingTest();

/** This calendar month in UTC: the period the records below fall in. */
const period = () => {
  const month = usageWindow("api_calls", new Date());
  return { from: month.start, to: month.end };
};

describe("verifyUsage", () => {
  it("finds the ledger and Stripe in agreement after a flush, with unsent usage shown apart", async () => {
    const user = await createTestUser(t, "verified");
    const subscription = await subscribe(t, user, "pro", "monthly");
    const customer = String(subscription.customer);
    await recordUsage(t.db, { workspaceId: user.workspaceId, metric: "api_calls", quantity: 40 });
    await recordUsage(t.db, { workspaceId: user.workspaceId, metric: "api_calls", quantity: 2 });
    await flushUsage(t.db, t.stripe);
    await recordUsage(t.db, { workspaceId: user.workspaceId, metric: "api_calls", quantity: 5 });

    const result = await verifyUsage(t.db, t.stripe, period());
    expect(result.customers).toEqual([
      {
        stripeCustomerId: customer,
        ledgerSent: 42,
        ledgerPending: 5,
        ledgerFailed: 0,
        stripe: 42,
        difference: 0,
      },
    ]);
    expect(result.mismatches).toEqual([]);
    const text = formatVerification(result);
    expect(text).toContain(`ok       ${customer}: ledger 42, Stripe 42, 5 not yet sent`);
    expect(text).toContain("The ledger and Stripe agree.");
  });

  it("reports a customer whose ledger says sent what Stripe never counted", async () => {
    const user = await createTestUser(t, "drifted");
    const subscription = await subscribe(t, user, "pro", "monthly");
    const customer = String(subscription.customer);
    await recordUsage(t.db, { workspaceId: user.workspaceId, metric: "api_calls", quantity: 10 });
    await flushUsage(t.db, t.stripe);
    // A row marked sent that never reached Stripe (say, restored from a backup).
    await t.db.insert(usageRecords).values({
      workspaceId: user.workspaceId,
      metric: "api_calls",
      quantity: 3,
      reportStatus: "sent",
      stripeCustomerId: customer,
      reportedAt: new Date(),
    });

    const result = await verifyUsage(t.db, t.stripe, period());
    expect(result.mismatches).toEqual([
      {
        stripeCustomerId: customer,
        ledgerSent: 13,
        ledgerPending: 0,
        ledgerFailed: 0,
        stripe: 10,
        difference: -3,
      },
    ]);
    expect(formatVerification(result)).toContain(
      `MISMATCH ${customer}: ledger 13, Stripe 10, difference -3`,
    );
  });

  it("shows a meter event Stripe refused for good in the verification and on the admin customer page, with Stripe's reason", async () => {
    const user = await createTestUser(t, "refused");
    const subscription = await subscribe(t, user, "pro", "monthly");
    const customer = String(subscription.customer);
    await recordUsage(t.db, { workspaceId: user.workspaceId, metric: "api_calls", quantity: 7 });
    await t.stripe.customers.del(customer);
    const flushed = await flushUsage(t.db, t.stripe, { maxAttempts: 1 });
    expect(flushed).toMatchObject({ failed: 1, abandoned: 1 });
    const reason = `404: No such customer: '${customer}'`;

    const result = await verifyUsage(t.db, t.stripe, period());
    expect(result.failed.total).toBe(1);
    expect(result.failed.events).toEqual([
      expect.objectContaining({
        stripeCustomerId: customer,
        quantity: 7,
        reportAttempts: 1,
        lastReportError: reason,
      }),
    ]);
    // Stripe never counted it: it is not compared, it is listed.
    expect(result.customers.map((row) => row.stripeCustomerId)).not.toContain(customer);
    expect(formatVerification(result)).toContain(
      "1 meter event(s) failed for good and will not be billed:",
    );
    expect(formatVerification(result)).toMatch(
      new RegExp(`FAILED {3}\\S+ ${customer}: 7 at \\S+, 1 attempt\\(s\\): ${reason}`),
    );

    const detail = await getCustomerDetail(t.db, { workspaceId: user.workspaceId });
    expect(detail?.failedMeterEvents).toEqual({
      total: 1,
      events: [expect.objectContaining({ quantity: 7, lastReportError: reason })],
    });
    const other = await createTestUser(t, "bystander");
    expect(
      (await getCustomerDetail(t.db, { workspaceId: other.workspaceId }))?.failedMeterEvents,
    ).toEqual({
      total: 0,
      events: [],
    });
  });

  it("refuses a period that does not end after it starts or is not on whole minutes", async () => {
    const from = new Date("2026-11-01T00:00:00Z");
    await expect(verifyUsage(t.db, t.stripe, { from, to: from })).rejects.toThrow(/must end/);
    await expect(
      verifyUsage(t.db, t.stripe, { from, to: new Date("2026-11-02T00:00:30Z") }),
    ).rejects.toThrow(/whole minutes/);
  });
});
