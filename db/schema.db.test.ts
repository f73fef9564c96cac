import { sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type Database, type DatabaseHandle, selectRows } from "./index";
import { customers, invoices, subscriptions, usageRecords, users, webhookEvents } from "./schema";
import { createTestDatabase } from "./testing";

let handle: DatabaseHandle;
let db: Database;

beforeAll(async () => {
  handle = await createTestDatabase();
  db = handle.db;
});
afterAll(() => handle?.close());

beforeEach(async () => {
  await db.execute(
    sql`truncate ${users}, ${customers}, ${subscriptions}, ${invoices}, ${usageRecords}, ${webhookEvents} cascade`,
  );
});

/** The Postgres error code of a failed statement (drizzle wraps the driver's error). */
async function failureCode(statement: Promise<unknown>): Promise<string | undefined> {
  try {
    await statement;
  } catch (error) {
    let current: unknown = error;
    while (current instanceof Error) {
      const code = (current as Error & { code?: unknown }).code;
      if (typeof code === "string" && /^[0-9A-Z]{5}$/.test(code)) return code;
      current = current.cause;
    }
    throw error;
  }
  return undefined;
}

const UNIQUE_VIOLATION = "23505";
const CHECK_VIOLATION = "23514";

async function makeUser(email = "user@example.com") {
  const [user] = await db.insert(users).values({ email }).returning();
  if (!user) throw new Error("user not created");
  return user;
}

function invoiceRow(overrides: Partial<typeof invoices.$inferInsert> = {}) {
  return {
    stripeInvoiceId: "in_1",
    stripeCustomerId: "cus_1",
    status: "open" as const,
    currency: "usd",
    amountDue: 2900,
    created: new Date("2026-11-01T00:00:00Z"),
    ...overrides,
  };
}

describe("schema invariants", () => {
  it("gives new users the user role", async () => {
    const user = await makeUser();
    expect(user.role).toBe("user");
    expect(user.id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("refuses a role other than user or admin", async () => {
    expect(
      await failureCode(
        db.insert(users).values({ email: "x@example.com", role: "owner" as "user" }),
      ),
    ).toBe(CHECK_VIOLATION);
  });

  it("links one Stripe customer to one user, both ways", async () => {
    const [a, b] = [await makeUser("a@example.com"), await makeUser("b@example.com")];
    await db.insert(customers).values({ userId: a.id, stripeCustomerId: "cus_A" });
    expect(
      await failureCode(db.insert(customers).values({ userId: b.id, stripeCustomerId: "cus_A" })),
    ).toBe(UNIQUE_VIOLATION);
    expect(
      await failureCode(db.insert(customers).values({ userId: a.id, stripeCustomerId: "cus_B" })),
    ).toBe(UNIQUE_VIOLATION);
  });

  it("keeps Stripe subscription ids unique and statuses to Stripe's eight", async () => {
    const user = await makeUser();
    const row = {
      userId: user.id,
      stripeSubscriptionId: "sub_1",
      stripeCustomerId: "cus_1",
      planTier: "pro" as const,
      billingPeriod: "monthly" as const,
      status: "trialing" as const,
    };
    await db.insert(subscriptions).values(row);
    expect(await failureCode(db.insert(subscriptions).values(row))).toBe(UNIQUE_VIOLATION);
    for (const status of ["past_due", "unpaid", "paused", "incomplete_expired"] as const) {
      await db
        .insert(subscriptions)
        .values({ ...row, stripeSubscriptionId: `sub_${status}`, status });
    }
    expect(
      await failureCode(
        db
          .insert(subscriptions)
          .values({ ...row, stripeSubscriptionId: "sub_x", status: "expired" as "active" }),
      ),
    ).toBe(CHECK_VIOLATION);
    expect(
      await failureCode(
        db
          .insert(subscriptions)
          .values({ ...row, stripeSubscriptionId: "sub_y", planTier: "gold" as "pro" }),
      ),
    ).toBe(CHECK_VIOLATION);
    expect(
      await failureCode(
        db
          .insert(subscriptions)
          .values({ ...row, stripeSubscriptionId: "sub_z", billingPeriod: "weekly" as "monthly" }),
      ),
    ).toBe(CHECK_VIOLATION);
  });

  it("keeps Stripe invoice ids unique and refuses negative amounts or unknown statuses", async () => {
    await db.insert(invoices).values(invoiceRow());
    expect(await failureCode(db.insert(invoices).values(invoiceRow()))).toBe(UNIQUE_VIOLATION);
    expect(
      await failureCode(
        db.insert(invoices).values(invoiceRow({ stripeInvoiceId: "in_2", amountDue: -1 })),
      ),
    ).toBe(CHECK_VIOLATION);
    expect(
      await failureCode(
        db.insert(invoices).values(invoiceRow({ stripeInvoiceId: "in_3", amountPaid: -100 })),
      ),
    ).toBe(CHECK_VIOLATION);
    expect(
      await failureCode(
        db
          .insert(invoices)
          .values(invoiceRow({ stripeInvoiceId: "in_4", status: "late" as "open" })),
      ),
    ).toBe(CHECK_VIOLATION);
    expect(
      await failureCode(
        db.insert(invoices).values(invoiceRow({ stripeInvoiceId: "in_5", currency: "USD" })),
      ),
    ).toBe(CHECK_VIOLATION);
    // A credit can make the total negative; that is Stripe's data, not an error.
    await db
      .insert(invoices)
      .values(invoiceRow({ stripeInvoiceId: "in_6", total: -500, amountDue: 0 }));
  });

  it("records a usage idempotency key once per user, and the same key for another user", async () => {
    const [a, b] = [await makeUser("a@example.com"), await makeUser("b@example.com")];
    const row = {
      userId: a.id,
      metric: "api_calls" as const,
      quantity: 1,
      idempotencyKey: "req-1",
    };
    await db.insert(usageRecords).values(row);
    expect(await failureCode(db.insert(usageRecords).values(row))).toBe(UNIQUE_VIOLATION);
    await db.insert(usageRecords).values({ ...row, userId: b.id });
    // Records without a key are never deduplicated.
    await db.insert(usageRecords).values([
      { ...row, idempotencyKey: null },
      { ...row, idempotencyKey: null },
    ]);
    expect(
      await failureCode(
        db.insert(usageRecords).values({ ...row, idempotencyKey: "req-2", quantity: -1 }),
      ),
    ).toBe(CHECK_VIOLATION);
    expect(
      await failureCode(
        db
          .insert(usageRecords)
          .values({ ...row, idempotencyKey: "req-3", metric: "emails" as "api_calls" }),
      ),
    ).toBe(CHECK_VIOLATION);
  });

  it("stores one ledger row per Stripe event id", async () => {
    const row = {
      id: "evt_1",
      type: "invoice.paid",
      created: new Date(),
      payload: { id: "evt_1" },
    };
    await db.insert(webhookEvents).values(row);
    expect(await failureCode(db.insert(webhookEvents).values(row))).toBe(UNIQUE_VIOLATION);
    expect(
      await failureCode(
        db.insert(webhookEvents).values({ ...row, id: "evt_2", status: "done" as "processed" }),
      ),
    ).toBe(CHECK_VIOLATION);
  });

  it("removes a user's billing rows with the user but keeps their invoices", async () => {
    const user = await makeUser();
    await db.insert(customers).values({ userId: user.id, stripeCustomerId: "cus_1" });
    await db.insert(invoices).values(invoiceRow({ userId: user.id }));
    await db.delete(users).where(sql`${users.id} = ${user.id}`);
    expect(await db.$count(customers)).toBe(0);
    const [invoice] = await db.select().from(invoices);
    expect(invoice?.userId).toBeNull();
  });
});

describe("indexes", () => {
  it("serve the pages' queries", async () => {
    const rows = await selectRows<{ indexname: string; indexdef: string }>(
      db,
      sql`select indexname, indexdef from pg_indexes where schemaname = 'public'`,
    );
    const definitions = Object.fromEntries(rows.map((row) => [row.indexname, row.indexdef]));
    expect(definitions.invoices_created_id_idx).toMatch(/\(created DESC.*, id DESC/);
    expect(definitions.invoices_status_created_idx).toMatch(/\(status, created DESC/);
    expect(definitions.invoices_customer_created_idx).toMatch(/\(stripe_customer_id, created DESC/);
    expect(definitions.subscriptions_user_idx).toMatch(/\(user_id/);
    expect(definitions.usage_records_user_metric_occurred_idx).toMatch(
      /\(user_id, metric, occurred_at\)/,
    );
    expect(definitions.usage_records_user_idempotency_key).toMatch(/UNIQUE/);
  });
});
