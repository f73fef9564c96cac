import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "@/db";
import {
  invoices,
  type NewInvoice,
  type NewSubscription,
  subscriptions,
  webhookEvents,
  workspaces,
} from "@/db/schema";
import { createTestDatabase } from "@/db/testing";
import {
  getChurn,
  getDashboardMetrics,
  getFailedPayments,
  getMrrSeries,
  getRevenueThisMonth,
  getSubscriptionMetrics,
  isPayingAt,
  monthlyAmountOf,
} from "./metrics";

let handle: DatabaseHandle;
let db: DatabaseHandle["db"];
let workspaceId: string;

/** The fixed clock of every test: mid-July 2026, UTC. */
const NOW = new Date("2026-07-15T12:00:00.000Z");
const at = (iso: string) => new Date(iso);

beforeAll(async () => {
  handle = await createTestDatabase();
  db = handle.db;
  const [workspace] = await db
    .insert(workspaces)
    .values({ name: "Acme", slug: "acme" })
    .returning({ id: workspaces.id });
  if (!workspace) throw new Error("no workspace");
  workspaceId = workspace.id;
});

afterAll(async () => {
  await handle.close();
});

let sequence = 0;

function subscription(fields: Partial<NewSubscription> & Pick<NewSubscription, "status">) {
  sequence += 1;
  return {
    workspaceId,
    stripeSubscriptionId: `sub_${sequence}`,
    stripeCustomerId: `cus_${sequence}`,
    planTier: "pro" as const,
    billingPeriod: "monthly" as const,
    ...fields,
  } satisfies NewSubscription;
}

function invoice(fields: Partial<NewInvoice> & Pick<NewInvoice, "status">) {
  sequence += 1;
  return {
    stripeInvoiceId: `in_${sequence}`,
    stripeCustomerId: "cus_1",
    currency: "usd",
    created: at("2026-06-01T00:00:00Z"),
    ...fields,
  } satisfies NewInvoice;
}

describe("on an empty database", () => {
  it("reports zeros, no churn rate and twelve empty months", async () => {
    const metrics = await getDashboardMetrics(db, NOW);
    expect(metrics.subscriptions).toEqual({
      mrr: { amount: 0, currency: "usd" },
      active: 0,
      pastDue: 0,
      trialing: 0,
      byPlan: [
        { tier: "free", active: 0, pastDue: 0, trialing: 0, seats: 0, mrr: 0 },
        { tier: "pro", active: 0, pastDue: 0, trialing: 0, seats: 0, mrr: 0 },
        { tier: "enterprise", active: 0, pastDue: 0, trialing: 0, seats: 0, mrr: 0 },
      ],
    });
    expect(metrics.churn).toMatchObject({ churned: 0, payingAtStart: 0, rate: null });
    expect(metrics.revenue.collected).toEqual([]);
    expect(metrics.failedPayments).toEqual({
      openInvoices: 0,
      amountDue: [],
      failedAttemptsLast30Days: 0,
    });
    expect(metrics.series.points.map((point) => [point.month, point.mrr])).toEqual([
      ["2025-08", 0],
      ["2025-09", 0],
      ["2025-10", 0],
      ["2025-11", 0],
      ["2025-12", 0],
      ["2026-01", 0],
      ["2026-02", 0],
      ["2026-03", 0],
      ["2026-04", 0],
      ["2026-05", 0],
      ["2026-06", 0],
      ["2026-07", 0],
    ]);
  });

  it("takes each month at its close across a year boundary, and the current one at now", async () => {
    const now = at("2026-01-10T08:30:00.000Z");
    const { points } = await getMrrSeries(db, now);
    expect(points).toHaveLength(12);
    expect(points[0]).toMatchObject({
      month: "2025-02",
      at: at("2025-03-01T00:00:00.000Z"),
      partial: false,
    });
    expect(points[10]).toMatchObject({
      month: "2025-12",
      at: at("2026-01-01T00:00:00.000Z"),
      partial: false,
    });
    expect(points[11]).toMatchObject({ month: "2026-01", at: now, partial: true });
  });
});

describe("monthlyAmountOf", () => {
  it("adds each seat beyond the plan's included members at its seat price, a year as a twelfth", () => {
    const pro = { planTier: "pro", billingPeriod: "monthly" } as const;
    expect(monthlyAmountOf({ ...pro, quantity: 5 })).toBe(2900 + 2 * 900);
    expect(monthlyAmountOf({ ...pro, quantity: 3 })).toBe(2900);
    // The base price includes its members even when fewer (or none) are billed.
    expect(monthlyAmountOf({ ...pro, quantity: 1 })).toBe(2900);
    expect(monthlyAmountOf({ ...pro, quantity: 0 })).toBe(2900);
    expect(
      monthlyAmountOf({ planTier: "enterprise", billingPeriod: "yearly", quantity: 27 }),
    ).toBeCloseTo((299_000 + 2 * 6_000) / 12, 9);
    expect(monthlyAmountOf({ planTier: "pro", billingPeriod: "yearly", quantity: 4 })).toBeCloseTo(
      (29_000 + 9_000) / 12,
      9,
    );
    expect(monthlyAmountOf({ planTier: "free", billingPeriod: "monthly", quantity: 2 })).toBe(0);
    expect(monthlyAmountOf({ planTier: "pro", billingPeriod: null, quantity: 5 })).toBe(0);
  });
});

describe("with a book of subscriptions", () => {
  beforeAll(async () => {
    await db.insert(subscriptions).values([
      // A: Pro monthly with 5 members (3 included), paying since before the chart:
      // 2900 + 2 × 900 = 4700.
      subscription({ status: "active", quantity: 5, createdAt: at("2025-06-10T00:00:00Z") }),
      // B: Pro monthly, payment failing but still counted: 2900.
      subscription({ status: "past_due", createdAt: at("2026-01-20T00:00:00Z") }),
      // C: Enterprise yearly with 27 members (25 included) after a trial that ended on Mar 19:
      // (299000 + 2 × 6000) / 12 = 25916.67.
      subscription({
        status: "active",
        planTier: "enterprise",
        billingPeriod: "yearly",
        quantity: 27,
        createdAt: at("2026-03-05T00:00:00Z"),
        trialStart: at("2026-03-05T00:00:00Z"),
        trialEnd: at("2026-03-19T00:00:00Z"),
      }),
      // D: Pro yearly, created a second before June: 29000 / 12 = 2416.67.
      subscription({
        status: "active",
        billingPeriod: "yearly",
        createdAt: at("2026-05-31T23:59:59Z"),
      }),
      // E: Enterprise monthly, still in its trial: not revenue.
      subscription({
        status: "trialing",
        planTier: "enterprise",
        createdAt: at("2026-07-10T00:00:00Z"),
        trialStart: at("2026-07-10T00:00:00Z"),
        trialEnd: at("2026-07-24T00:00:00Z"),
      }),
      // F: Pro monthly, cancellation asked on Jun 1, ended on Jun 20 (in the churn window).
      subscription({
        status: "canceled",
        createdAt: at("2025-10-02T00:00:00Z"),
        canceledAt: at("2026-06-01T00:00:00Z"),
        endedAt: at("2026-06-20T00:00:00Z"),
      }),
      // G: Enterprise monthly (29900), ended on Apr 30.
      subscription({
        status: "canceled",
        planTier: "enterprise",
        createdAt: at("2025-08-15T00:00:00Z"),
        canceledAt: at("2026-04-30T00:00:00Z"),
        endedAt: at("2026-04-30T00:00:00Z"),
      }),
      // H: a trial canceled before it converted: never paid, never churn.
      subscription({
        status: "canceled",
        createdAt: at("2026-06-20T00:00:00Z"),
        trialStart: at("2026-06-20T00:00:00Z"),
        trialEnd: at("2026-07-04T00:00:00Z"),
        canceledAt: at("2026-06-25T00:00:00Z"),
        endedAt: at("2026-06-25T00:00:00Z"),
      }),
      // I: a first payment still pending: not revenue.
      subscription({ status: "incomplete", createdAt: at("2026-07-02T00:00:00Z") }),
      // J: Pro monthly set to cancel at the period end: still paying, not churn yet.
      subscription({
        status: "active",
        createdAt: at("2026-02-10T00:00:00Z"),
        cancelAtPeriodEnd: true,
        canceledAt: at("2026-07-05T00:00:00Z"),
      }),
      // L: Pro monthly from exactly Jan 1 to exactly Jun 1, midnight UTC.
      subscription({
        status: "canceled",
        createdAt: at("2026-01-01T00:00:00Z"),
        canceledAt: at("2026-05-20T00:00:00Z"),
        endedAt: at("2026-06-01T00:00:00Z"),
      }),
    ]);
  });

  it("sums MRR with seats from catalog prices over active and past_due subscriptions, rounding once", async () => {
    // A 4700 + B 2900 + C 25916.67 + D 2416.67 + J 2900 = 38833.33
    expect(await getSubscriptionMetrics(db, NOW)).toEqual({
      mrr: { amount: 38_833, currency: "usd" },
      active: 4,
      pastDue: 1,
      trialing: 1,
      byPlan: [
        { tier: "free", active: 0, pastDue: 0, trialing: 0, seats: 0, mrr: 0 },
        // A 4700 + B 2900 + D 2416.67 + J 2900 = 12916.67; seats 5 + 1 + 1 + 1
        { tier: "pro", active: 3, pastDue: 1, trialing: 0, seats: 8, mrr: 12_917 },
        { tier: "enterprise", active: 1, pastDue: 0, trialing: 1, seats: 27, mrr: 25_917 },
      ],
    });
  });

  it("prices a subscription in code exactly as the dashboard does in SQL", async () => {
    const rows = await db.select().from(subscriptions);
    const { points } = await getMrrSeries(db, NOW);
    for (const point of points) {
      const paying = rows.filter((row) => isPayingAt(row, point.at));
      const mrr = paying.reduce((total, row) => total + monthlyAmountOf(row), 0);
      expect([point.month, Math.round(mrr), paying.length]).toEqual([
        point.month,
        point.mrr,
        point.subscriptions,
      ]);
    }
  });

  it("reconstructs MRR at the close of each of the last twelve months", async () => {
    const { currency, points } = await getMrrSeries(db, NOW);
    expect(currency).toBe("usd");
    expect(points.map((point) => [point.month, point.mrr, point.subscriptions])).toEqual([
      ["2025-08", 34_600, 2], // A 4700, G 29900
      ["2025-09", 34_600, 2], // F starts on Oct 2
      ["2025-10", 37_500, 3], // + F 2900
      ["2025-11", 37_500, 3],
      ["2025-12", 37_500, 3], // L starts at Jan 1 00:00, after the close of December
      ["2026-01", 43_300, 5], // + L, + B
      ["2026-02", 46_200, 6], // + J
      ["2026-03", 72_117, 7], // + C once its trial ended: 72116.67
      ["2026-04", 42_217, 6], // − G, ended Apr 30
      ["2026-05", 44_633, 7], // + D; L ends exactly at the close and still counts
      ["2026-06", 38_833, 5], // − L, − F
      ["2026-07", 38_833, 5], // at now: H, E and I never count
    ]);
    expect(points.at(-1)).toMatchObject({ at: NOW, partial: true });
  });

  it("counts churn in the last 30 days against the subscriptions paying when it began", async () => {
    // Paying at Jun 15 12:00: A, B, C, D, F, J. Ended since: F (J only asked to cancel).
    expect(await getChurn(db, NOW)).toEqual({
      windowStart: at("2026-06-15T12:00:00.000Z"),
      windowEnd: NOW,
      churned: 1,
      churnedMrr: { amount: 2_900, currency: "usd" },
      payingAtStart: 6,
      rate: 1 / 6,
    });
  });

  it("moves churn with the clock: a month earlier, only L ended in the window", async () => {
    // Window May 16 – Jun 15: L ended on Jun 1; G (Apr 30) ended before it and F (Jun 20)
    // after it. Paying at May 16: A, B, C, F, J, L (D only started on May 31).
    const churn = await getChurn(db, at("2026-06-15T00:00:00.000Z"));
    expect(churn).toMatchObject({ churned: 1, payingAtStart: 6, rate: 1 / 6 });
    expect(churn.churnedMrr.amount).toBe(2_900);
  });
});

describe("revenue and failed payments", () => {
  beforeEach(async () => {
    await db.delete(invoices);
    await db.delete(webhookEvents);
  });

  it("collects amounts paid in the current UTC month, per currency, boundaries included", async () => {
    await db.insert(invoices).values([
      invoice({ status: "paid", amountPaid: 2_900, paidAt: at("2026-07-01T00:00:00.000Z") }),
      invoice({ status: "paid", amountPaid: 29_000, paidAt: at("2026-06-30T23:59:59.999Z") }),
      invoice({ status: "paid", amountPaid: 299_000, paidAt: at("2026-07-15T11:00:00.000Z") }),
      invoice({
        status: "paid",
        currency: "eur",
        amountPaid: 5_000,
        paidAt: at("2026-07-03T00:00:00.000Z"),
      }),
      invoice({ status: "paid", amountPaid: 1_000, paidAt: at("2026-08-01T00:00:00.000Z") }),
      invoice({ status: "open", amountDue: 2_900, amountRemaining: 2_900 }),
    ]);
    expect(await getRevenueThisMonth(db, NOW)).toEqual({
      monthStart: at("2026-07-01T00:00:00.000Z"),
      collected: [
        { currency: "eur", amount: 5_000 },
        { currency: "usd", amount: 301_900 },
      ],
    });
  });

  it("counts open invoices that failed at least once, and failures from the ledger in 30 days", async () => {
    await db.insert(invoices).values([
      invoice({ status: "open", attemptCount: 2, amountDue: 2_900, amountRemaining: 2_900 }),
      invoice({ status: "open", attemptCount: 1, amountDue: 299_000, amountRemaining: 299_000 }),
      invoice({
        status: "open",
        attemptCount: 1,
        currency: "eur",
        amountDue: 5_000,
        amountRemaining: 4_000,
      }),
      // Finalized, not attempted yet.
      invoice({ status: "open", attemptCount: 0, amountDue: 29_900, amountRemaining: 29_900 }),
      // Given up on: no longer being retried.
      invoice({ status: "uncollectible", attemptCount: 4, amountRemaining: 2_900 }),
      invoice({ status: "paid", attemptCount: 2, amountPaid: 2_900 }),
    ]);
    const event = (id: string, type: string, created: string) => ({
      id,
      type,
      created: at(created),
      objectId: "in_x",
      payload: { id, type },
    });
    await db
      .insert(webhookEvents)
      .values([
        event("evt_1", "invoice.payment_failed", "2026-07-01T00:00:00Z"),
        event("evt_2", "invoice.payment_failed", "2026-07-10T00:00:00Z"),
        event("evt_3", "invoice.payment_failed", "2026-06-15T12:00:00Z"),
        event("evt_4", "invoice.payment_failed", "2026-06-15T11:59:59Z"),
        event("evt_5", "invoice.paid", "2026-07-11T00:00:00Z"),
      ]);
    expect(await getFailedPayments(db, NOW)).toEqual({
      openInvoices: 3,
      amountDue: [
        { currency: "eur", amount: 4_000 },
        { currency: "usd", amount: 301_900 },
      ],
      failedAttemptsLast30Days: 3,
    });
  });
});
