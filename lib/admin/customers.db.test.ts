import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "@/db";
import {
  customers,
  invoices as invoicesTable,
  type NewInvoice,
  type NewSubscription,
  type NewWebhookEvent,
  subscriptions,
  usageRecords,
  users,
  webhookEvents,
} from "@/db/schema";
import { createTestDatabase } from "@/db/testing";
import { AppError } from "@/lib/errors";
import { encodeCursor } from "@/lib/http/cursor";
import { utcMonthOf } from "@/lib/usage/windows";
import { getCustomerDetail, listCustomers } from "./customers";

let handle: DatabaseHandle;
const NOW = new Date("2026-11-24T12:00:00Z");
const GB = 1024 ** 3;

/** Ids of the users below, by their short name. */
const ids: Record<string, string> = {};

/**
 * Users in sign-up order (oldest first). `at` is a Postgres timestamp literal: some pairs share
 * a time (ordered by id) and some differ by a microsecond only.
 */
const PEOPLE = [
  { key: "alice", email: "alice@example.com", name: "Alice Anders", at: "2026-01-01 00:00:00+00" },
  { key: "bob", email: "bob@example.com", name: "Bob Builder", at: "2026-01-02 00:00:00+00" },
  { key: "carol", email: "carol@example.com", name: "Carol Alison", at: "2026-01-02 00:00:00+00" },
  { key: "dave", email: "dave@example.com", name: null, at: "2026-01-03 00:00:00.000001+00" },
  { key: "erin", email: "erin@example.com", name: "Erin", at: "2026-01-03 00:00:00.000002+00" },
  { key: "frank", email: "frank@example.com", name: "100% Frank", at: "2026-01-04 00:00:00+00" },
  { key: "grace", email: "grace_h@example.com", name: "Grace", at: "2026-01-05 00:00:00+00" },
];

function subscription(userKey: string, overrides: Partial<NewSubscription>): NewSubscription {
  const userId = ids[userKey] ?? "";
  return {
    userId,
    stripeSubscriptionId: `sub_${userKey}_${overrides.status ?? "active"}`,
    stripeCustomerId: `cus_${userKey}`,
    planTier: "pro",
    billingPeriod: "monthly",
    status: "active",
    currentPeriodStart: new Date("2026-11-10T00:00:00Z"),
    currentPeriodEnd: new Date("2026-12-10T00:00:00Z"),
    ...overrides,
  };
}

function invoice(
  stripeInvoiceId: string,
  userKey: string | null,
  customerKey: string,
  day: number,
): NewInvoice {
  return {
    stripeInvoiceId,
    stripeCustomerId: `cus_${customerKey}`,
    userId: userKey ? (ids[userKey] ?? null) : null,
    number: stripeInvoiceId.toUpperCase(),
    status: "paid",
    currency: "usd",
    amountDue: 2900,
    amountPaid: 2900,
    subtotal: 2900,
    total: 2900,
    hostedInvoiceUrl: `https://invoice.example/${stripeInvoiceId}`,
    invoicePdf: `https://invoice.example/${stripeInvoiceId}/pdf`,
    created: new Date(Date.UTC(2026, 9, day)),
  };
}

function event(id: string, customerKey: string | null, minute: number): NewWebhookEvent {
  return {
    id,
    type: "invoice.paid",
    created: new Date(Date.UTC(2026, 10, 1, 0, minute)),
    status: "processed",
    stripeCustomerId: customerKey ? `cus_${customerKey}` : null,
    payload: {},
  };
}

beforeAll(async () => {
  handle = await createTestDatabase();
  const { db } = handle;
  for (const person of PEOPLE) {
    const [row] = await db
      .insert(users)
      .values({ email: person.email, name: person.name, createdAt: sql`${person.at}::timestamptz` })
      .returning({ id: users.id });
    if (!row) throw new Error("user not inserted");
    ids[person.key] = row.id;
  }

  await db.insert(customers).values([
    { userId: ids.alice ?? "", stripeCustomerId: "cus_alice" },
    { userId: ids.bob ?? "", stripeCustomerId: "cus_bob" },
  ]);
  await db.insert(subscriptions).values([
    // Alice: an old canceled Enterprise and a newer active Pro; the Pro is current.
    subscription("alice", {
      planTier: "enterprise",
      status: "canceled",
      stripeCustomerId: "cus_alice_old",
      createdAt: new Date("2026-02-01T00:00:00Z"),
    }),
    subscription("alice", { status: "active", createdAt: new Date("2026-06-01T00:00:00Z") }),
    subscription("bob", { planTier: "enterprise", status: "past_due" }),
  ]);

  await db
    .insert(invoicesTable)
    .values([
      invoice("in_alice_1", "alice", "alice", 1),
      invoice("in_alice_2", "alice", "alice", 2),
      invoice("in_alice_unlinked", null, "alice", 3),
      invoice("in_bob_1", "bob", "bob", 4),
      invoice("in_nobody", null, "nobody", 5),
    ]);

  await db.insert(webhookEvents).values([
    // 22 events about Alice's customer: only the newest 20 are shown.
    ...Array.from({ length: 22 }, (_, n) => event(`evt_alice_${n}`, "alice", n)),
    event("evt_alice_old_customer", "alice_old", 30),
    event("evt_bob", "bob", 40),
    event("evt_no_customer", null, 50),
  ]);

  const usage = (
    userKey: string,
    metric: "api_calls" | "videos_processed" | "storage_bytes",
    quantity: number,
    at: string,
  ) => ({
    userId: ids[userKey] ?? "",
    metric,
    quantity,
    occurredAt: new Date(at),
  });
  await db.insert(usageRecords).values([
    usage("alice", "api_calls", 10, "2026-11-01T00:00:00Z"),
    usage("alice", "api_calls", 5, "2026-11-30T23:59:59Z"),
    usage("alice", "videos_processed", 2, "2026-11-15T08:00:00Z"),
    // Outside November 2026 (UTC): not counted.
    usage("alice", "api_calls", 1000, "2026-10-31T23:59:59Z"),
    usage("alice", "api_calls", 1000, "2026-12-01T00:00:00Z"),
    usage("bob", "api_calls", 7, "2026-11-10T00:00:00Z"),
    // Storage is a level: the latest report counts, reports are never added up.
    usage("alice", "storage_bytes", 5 * GB, "2026-10-01T00:00:00Z"),
    usage("alice", "storage_bytes", 2 * GB, "2026-11-02T00:00:00Z"),
  ]);
});

afterAll(async () => {
  await handle.close();
});

const emails = (page: { data: Array<{ email: string | null }> }) =>
  page.data.map((row) => row.email);

describe("listCustomers", () => {
  it("finds users by email prefix or by a part of their name, ignoring case", async () => {
    expect(emails(await listCustomers(handle.db, { query: "ali" }))).toEqual([
      "carol@example.com",
      "alice@example.com",
    ]);
    expect(emails(await listCustomers(handle.db, { query: "  ALI " }))).toEqual([
      "carol@example.com",
      "alice@example.com",
    ]);
    expect(emails(await listCustomers(handle.db, { query: "BOB@EX" }))).toEqual([
      "bob@example.com",
    ]);
  });

  it("matches the email from its start only", async () => {
    expect((await listCustomers(handle.db, { query: "example.com" })).data).toEqual([]);
  });

  it("returns nothing, and no next page, when nobody matches", async () => {
    expect(await listCustomers(handle.db, { query: "zelda" })).toEqual({
      data: [],
      nextCursor: null,
    });
  });

  it("takes LIKE wildcards in the search literally", async () => {
    expect(emails(await listCustomers(handle.db, { query: "100%" }))).toEqual([
      "frank@example.com",
    ]);
    expect(emails(await listCustomers(handle.db, { query: "grace_" }))).toEqual([
      "grace_h@example.com",
    ]);
    expect(emails(await listCustomers(handle.db, { query: "%" }))).toEqual(["frank@example.com"]);
    expect((await listCustomers(handle.db, { query: "b_b" })).data).toEqual([]);
  });

  it("pages through every user once, newest first, ties broken by id, at any page size", async () => {
    // Bob and Carol signed up at the same instant: the larger id comes first.
    const tied = [ids.bob ?? "", ids.carol ?? ""].sort().reverse();
    const expected = [ids.grace, ids.frank, ids.erin, ids.dave, ...tied, ids.alice];
    // Size 3 puts a page boundary between Erin and Dave, a microsecond apart.
    for (const [limit, pageCount] of [
      [1, 7],
      [2, 4],
      [3, 3],
    ] as const) {
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page: Awaited<ReturnType<typeof listCustomers>> = await listCustomers(handle.db, {
          cursor,
          limit,
        });
        expect(page.data.length).toBeLessThanOrEqual(limit);
        seen.push(...page.data.map((row) => row.id));
        cursor = page.nextCursor;
        pages += 1;
      } while (cursor);
      expect(pages).toBe(pageCount);
      expect(seen).toEqual(expected);
    }
  });

  it("pages through a search's matches only", async () => {
    const first = await listCustomers(handle.db, { query: "ali", limit: 1 });
    expect(emails(first)).toEqual(["carol@example.com"]);
    const second = await listCustomers(handle.db, {
      query: "ali",
      limit: 1,
      cursor: first.nextCursor,
    });
    expect(emails(second)).toEqual(["alice@example.com"]);
    expect(second.nextCursor).toBeNull();
  });

  it("shows each user's current subscription and Stripe customer", async () => {
    const { data } = await listCustomers(handle.db, {});
    const byKey = (key: string) => data.find((row) => row.id === ids[key]);
    expect(byKey("alice")).toMatchObject({
      email: "alice@example.com",
      name: "Alice Anders",
      role: "user",
      stripeCustomerId: "cus_alice",
      subscription: { planTier: "pro", status: "active", billingPeriod: "monthly" },
    });
    expect(byKey("alice")?.createdAt.toISOString()).toBe("2026-01-01T00:00:00.000Z");
    expect(byKey("bob")).toMatchObject({
      stripeCustomerId: "cus_bob",
      subscription: { planTier: "enterprise", status: "past_due" },
    });
    expect(byKey("dave")).toMatchObject({ stripeCustomerId: null, subscription: null });
  });

  it("refuses a malformed cursor and an over-long search", async () => {
    for (const cursor of [
      "nonsense",
      Buffer.from("2026-01-01|x").toString("base64url"),
      // Well-formed but not on the calendar: Postgres would fail the query.
      encodeCursor({ at: "2026-02-30T00:00:00.000000Z", id: "x" }),
      encodeCursor({ at: "0000-01-01T00:00:00.000000Z", id: "x" }),
    ]) {
      const failure = await listCustomers(handle.db, { cursor }).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(AppError);
      expect((failure as AppError).code).toBe("bad_request");
    }
    const tooLong = await listCustomers(handle.db, { query: "a".repeat(201) }).catch(
      (error: unknown) => error,
    );
    expect((tooLong as AppError).code).toBe("bad_request");
  });
});

describe("getCustomerDetail", () => {
  it("is null for an unknown user", async () => {
    expect(await getCustomerDetail(handle.db, { userId: "no-such-user", now: NOW })).toBeNull();
  });

  it("gathers one user's subscription, entitlements, invoices, usage and events", async () => {
    const detail = await getCustomerDetail(handle.db, {
      userId: ids.alice ?? "",
      now: NOW,
      gracePeriodDays: 3,
    });
    expect(detail?.user).toMatchObject({ email: "alice@example.com", role: "user" });
    expect(detail?.customer).toEqual({ stripeCustomerId: "cus_alice", deletedAt: null });
    expect(detail?.subscription).toMatchObject({
      stripeSubscriptionId: "sub_alice_active",
      planTier: "pro",
      status: "active",
    });
    expect(detail?.subscriptionCount).toBe(2);
    expect(detail?.entitlements).toMatchObject({
      tier: "pro",
      source: "subscription",
      status: "active",
    });

    // Her own invoices and her customer's unlinked one, newest first; never Bob's.
    expect(detail?.invoices.map((row) => row.id)).toEqual([
      "in_alice_unlinked",
      "in_alice_2",
      "in_alice_1",
    ]);
    expect(detail?.invoices[1]).toMatchObject({
      number: "IN_ALICE_2",
      total: 2900,
      currency: "usd",
      created: "2026-10-02T00:00:00.000Z",
      hostedInvoiceUrl: "https://invoice.example/in_alice_2",
    });

    expect(detail?.usagePeriod).toEqual({
      start: new Date("2026-11-01T00:00:00Z"),
      end: new Date("2026-12-01T00:00:00Z"),
    });
    expect(detail?.usage).toEqual([
      { metric: "api_calls", kind: "count", quantity: 15 },
      { metric: "storage_bytes", kind: "level", quantity: 2_147_483_648 },
      { metric: "videos_processed", kind: "count", quantity: 2 },
    ]);

    // The newest 20 about her customers (the old one too), newest first.
    const events = detail?.events.map((row) => row.id) ?? [];
    expect(events).toHaveLength(20);
    expect(events[0]).toBe("evt_alice_old_customer");
    expect(events.slice(1, 4)).toEqual(["evt_alice_21", "evt_alice_20", "evt_alice_19"]);
    expect(events.at(-1)).toBe("evt_alice_3");
    expect(events).not.toContain("evt_bob");
    expect(events).not.toContain("evt_no_customer");
  });

  it("shows another user only what is theirs", async () => {
    const detail = await getCustomerDetail(handle.db, {
      userId: ids.bob ?? "",
      now: NOW,
      gracePeriodDays: 3,
    });
    expect(detail?.subscription?.stripeSubscriptionId).toBe("sub_bob_past_due");
    expect(detail?.invoices.map((row) => row.id)).toEqual(["in_bob_1"]);
    expect(detail?.events.map((row) => row.id)).toEqual(["evt_bob"]);
    expect(detail?.usage).toEqual([{ metric: "api_calls", kind: "count", quantity: 7 }]);
  });

  it("shows empty lists and Free for a user who never bought anything", async () => {
    const detail = await getCustomerDetail(handle.db, {
      userId: ids.dave ?? "",
      now: NOW,
      gracePeriodDays: 3,
    });
    expect(detail).toMatchObject({
      customer: null,
      subscription: null,
      subscriptionCount: 0,
      invoices: [],
      usage: [],
      events: [],
    });
    expect(detail?.entitlements).toMatchObject({ tier: "free", status: "none" });
  });
});

describe("utcMonthOf", () => {
  it("spans the UTC calendar month, across a year end", () => {
    expect(utcMonthOf(new Date("2026-12-31T23:59:59Z"))).toEqual({
      start: new Date("2026-12-01T00:00:00Z"),
      end: new Date("2027-01-01T00:00:00Z"),
    });
  });
});
