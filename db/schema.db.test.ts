import { sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type Database, type DatabaseHandle, selectRows } from "./index";
import {
  apiKeys,
  customers,
  invitations,
  invoices,
  subscriptions,
  usageRecords,
  users,
  webhookEvents,
  workspaceMembers,
  workspaces,
} from "./schema";
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
    sql`truncate ${users}, ${workspaces}, ${customers}, ${subscriptions}, ${invoices}, ${usageRecords}, ${webhookEvents} cascade`,
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

/** A user's personal workspace, as sign-up makes it: the user is its owner. */
async function makeWorkspace(email = "user@example.com") {
  const user = await makeUser(email);
  const [workspace] = await db
    .insert(workspaces)
    .values({ name: "Personal", slug: `personal-${email.split("@")[0]}`, personalUserId: user.id })
    .returning();
  if (!workspace) throw new Error("workspace not created");
  await db
    .insert(workspaceMembers)
    .values({ workspaceId: workspace.id, userId: user.id, role: "owner" });
  return { user, workspace };
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

  it("links one Stripe customer to one workspace, both ways", async () => {
    const a = (await makeWorkspace("a@example.com")).workspace.id;
    const b = (await makeWorkspace("b@example.com")).workspace.id;
    await db.insert(customers).values({ workspaceId: a, stripeCustomerId: "cus_A" });
    expect(
      await failureCode(db.insert(customers).values({ workspaceId: b, stripeCustomerId: "cus_A" })),
    ).toBe(UNIQUE_VIOLATION);
    expect(
      await failureCode(db.insert(customers).values({ workspaceId: a, stripeCustomerId: "cus_B" })),
    ).toBe(UNIQUE_VIOLATION);
  });

  it("gives a user one personal workspace, keeps slugs unique and to their pattern, and roles to three", async () => {
    const { user, workspace } = await makeWorkspace("solo@example.com");
    expect(
      await failureCode(
        db.insert(workspaces).values({ name: "Again", slug: "again", personalUserId: user.id }),
      ),
    ).toBe(UNIQUE_VIOLATION);
    expect(
      await failureCode(db.insert(workspaces).values({ name: "Copy", slug: workspace.slug })),
    ).toBe(UNIQUE_VIOLATION);
    for (const slug of ["Upper", "-dash", "dash-", "under_score", "a".repeat(49)]) {
      expect(await failureCode(db.insert(workspaces).values({ name: "Bad", slug }))).toBe(
        CHECK_VIOLATION,
      );
    }
    const [team] = await db.insert(workspaces).values({ name: "Team", slug: "t" }).returning();
    if (!team) throw new Error("team not created");
    expect(
      await failureCode(
        db
          .insert(workspaceMembers)
          .values({ workspaceId: team.id, userId: user.id, role: "guest" as "member" }),
      ),
    ).toBe(CHECK_VIOLATION);
    await db
      .insert(workspaceMembers)
      .values({ workspaceId: team.id, userId: user.id, role: "member" });
    expect(
      await failureCode(
        db
          .insert(workspaceMembers)
          .values({ workspaceId: team.id, userId: user.id, role: "admin" }),
      ),
    ).toBe(UNIQUE_VIOLATION);
  });

  it("keeps one open invitation per workspace and address, and never invites an owner", async () => {
    const { user, workspace } = await makeWorkspace("inviter@example.com");
    const invitation = (
      tokenHash: string,
      overrides: Partial<typeof invitations.$inferInsert> = {},
    ) =>
      db.insert(invitations).values({
        workspaceId: workspace.id,
        email: "guest@example.com",
        role: "member",
        tokenHash,
        invitedByUserId: user.id,
        expiresAt: new Date("2026-12-08T00:00:00Z"),
        ...overrides,
      });
    await invitation("hash-1");
    expect(await failureCode(invitation("hash-2"))).toBe(UNIQUE_VIOLATION);
    expect(await failureCode(invitation("hash-1", { email: "other@example.com" }))).toBe(
      UNIQUE_VIOLATION,
    );
    // Once revoked (or accepted), the address can be invited again.
    await db.update(invitations).set({ revokedAt: new Date() });
    await invitation("hash-3");
    expect(
      await failureCode(
        invitation("hash-4", { email: "boss@example.com", role: "owner" as "admin" }),
      ),
    ).toBe(CHECK_VIOLATION);
  });

  it("keeps Stripe subscription ids unique and statuses to Stripe's eight", async () => {
    const { workspace } = await makeWorkspace();
    const row = {
      workspaceId: workspace.id,
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

  it("records a usage idempotency key once per workspace, and the same key for another workspace", async () => {
    const a = (await makeWorkspace("a@example.com")).workspace.id;
    const b = (await makeWorkspace("b@example.com")).workspace.id;
    const row = {
      workspaceId: a,
      metric: "api_calls" as const,
      quantity: 1,
      idempotencyKey: "req-1",
    };
    await db.insert(usageRecords).values(row);
    expect(await failureCode(db.insert(usageRecords).values(row))).toBe(UNIQUE_VIOLATION);
    await db.insert(usageRecords).values({ ...row, workspaceId: b });
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

  it("removes a workspace's billing rows and API keys with it but keeps its invoices", async () => {
    const { user, workspace } = await makeWorkspace();
    const workspaceId = workspace.id;
    await db.insert(customers).values({ workspaceId, stripeCustomerId: "cus_1" });
    await db.insert(subscriptions).values({
      workspaceId,
      stripeSubscriptionId: "sub_1",
      stripeCustomerId: "cus_1",
      planTier: "pro",
      billingPeriod: "monthly",
      status: "active",
    });
    await db.insert(usageRecords).values({ workspaceId, metric: "api_calls", quantity: 1 });
    await db
      .insert(apiKeys)
      .values({ workspaceId, userId: user.id, name: "ci", prefix: "tg_x", keyHash: "h" });
    await db.insert(invoices).values(invoiceRow({ workspaceId }));
    await db.delete(workspaces).where(sql`${workspaces.id} = ${workspaceId}`);
    expect(
      await Promise.all(
        [customers, subscriptions, usageRecords, apiKeys, workspaceMembers].map((table) =>
          db.$count(table),
        ),
      ),
    ).toEqual([0, 0, 0, 0, 0]);
    const [invoice] = await db.select().from(invoices);
    expect(invoice?.workspaceId).toBeNull();
  });

  it("removes a user's personal workspace, memberships and API keys with the user", async () => {
    const { user } = await makeWorkspace();
    const [team] = await db.insert(workspaces).values({ name: "Team", slug: "team" }).returning();
    if (!team) throw new Error("team not created");
    await db
      .insert(workspaceMembers)
      .values({ workspaceId: team.id, userId: user.id, role: "owner" });
    await db
      .insert(apiKeys)
      .values({ workspaceId: team.id, userId: user.id, name: "ci", prefix: "tg_x", keyHash: "h" });
    await db.delete(users).where(sql`${users.id} = ${user.id}`);
    expect(
      (await db.select({ slug: workspaces.slug }).from(workspaces)).map((row) => row.slug),
    ).toEqual(["team"]);
    expect(await Promise.all([workspaceMembers, apiKeys].map((table) => db.$count(table)))).toEqual(
      [0, 0],
    );
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
    expect(definitions.invoices_workspace_created_idx).toMatch(
      /\(workspace_id, created DESC.*, id DESC/,
    );
    expect(definitions.subscriptions_workspace_idx).toMatch(/\(workspace_id/);
    expect(definitions.usage_records_workspace_metric_occurred_idx).toMatch(
      /\(workspace_id, metric, occurred_at\)/,
    );
    expect(definitions.usage_records_workspace_idempotency_key).toMatch(
      /UNIQUE .*\(workspace_id, idempotency_key\)/,
    );
    expect(definitions.api_keys_workspace_idx).toMatch(/\(workspace_id/);
    expect(definitions.workspace_members_user_idx).toMatch(/\(user_id\)/);
  });
});
