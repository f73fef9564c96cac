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
  type WorkspaceRole,
  webhookEvents,
  workspaceMembers,
  workspaces,
} from "@/db/schema";
import { createTestDatabase } from "@/db/testing";
import { AppError } from "@/lib/errors";
import { encodeCursor } from "@/lib/http/cursor";
import { utcMonthOf } from "@/lib/usage/windows";
import { listCustomers } from "./customer-list";
import { adminWorkspaceOrThrow, personalWorkspaceIdOf } from "./customer-workspace";
import { getCustomerDetail } from "./customers";

let handle: DatabaseHandle;
const NOW = new Date("2026-11-24T12:00:00Z");
const GB = 1024 ** 3;

/** Ids of the users and workspaces below, by their short name. */
const ids: Record<string, string> = {};
const id = (key: string) => ids[key] ?? "";

const PEOPLE = [
  { key: "alice", email: "alice@example.com", name: "Alice Anders" },
  { key: "bob", email: "bob@example.com", name: "Bob Builder" },
  { key: "carol", email: "carol@example.com", name: "Carol Alison" },
  { key: "dave", email: "dave@example.com", name: null },
  { key: "erin", email: "erin@example.com", name: "Erin" },
  { key: "frank", email: "frank@example.com", name: "Frank" },
  { key: "grace", email: "grace_h@example.com", name: "Grace" },
];

/**
 * Workspaces in creation order (oldest first). `at` is a Postgres timestamp literal: some pairs
 * share a time (ordered by id) and some differ by a microsecond only. Members join in the order
 * listed, a day apart.
 */
const WORKSPACES: Array<{
  key: string;
  name: string;
  slug: string;
  personalOf?: string;
  at: string;
  members: Array<[string, WorkspaceRole]>;
}> = [
  {
    key: "w_alice",
    name: "Personal",
    slug: "personal-alice",
    personalOf: "alice",
    at: "2026-01-01 00:00:00+00",
    members: [["alice", "owner"]],
  },
  {
    key: "w_bob",
    name: "Personal",
    slug: "personal-bob",
    personalOf: "bob",
    at: "2026-01-02 00:00:00+00",
    members: [["bob", "owner"]],
  },
  {
    key: "w_carol",
    name: "Personal",
    slug: "personal-carol",
    personalOf: "carol",
    at: "2026-01-02 00:00:00+00",
    members: [["carol", "owner"]],
  },
  {
    key: "w_acme",
    name: "Acme Corp",
    slug: "acme",
    at: "2026-01-03 00:00:00.000001+00",
    members: [
      ["bob", "owner"],
      ["carol", "member"],
      ["alice", "admin"],
      ["erin", "owner"],
      ["dave", "member"],
    ],
  },
  {
    key: "w_dave",
    name: "Personal",
    slug: "personal-dave",
    personalOf: "dave",
    at: "2026-01-03 00:00:00.000002+00",
    members: [["dave", "owner"]],
  },
  {
    key: "w_frank",
    name: "100% Frank",
    slug: "frank-co",
    at: "2026-01-04 00:00:00+00",
    members: [["frank", "owner"]],
  },
  {
    key: "w_grace",
    name: "Personal",
    slug: "personal-grace",
    personalOf: "grace",
    at: "2026-01-05 00:00:00+00",
    members: [["grace", "owner"]],
  },
];

function subscription(workspaceKey: string, overrides: Partial<NewSubscription>): NewSubscription {
  return {
    workspaceId: id(workspaceKey),
    stripeSubscriptionId: `sub_${workspaceKey}_${overrides.status ?? "active"}`,
    stripeCustomerId: `cus_${workspaceKey}`,
    planTier: "pro",
    billingPeriod: "monthly",
    status: "active",
    currentPeriodStart: new Date("2026-11-10T00:00:00Z"),
    currentPeriodEnd: new Date("2026-12-10T00:00:00Z"),
    createdAt: new Date("2026-06-01T00:00:00Z"),
    ...overrides,
  };
}

function invoice(
  stripeInvoiceId: string,
  workspaceKey: string | null,
  customerKey: string,
  day: number,
): NewInvoice {
  return {
    stripeInvoiceId,
    stripeCustomerId: `cus_${customerKey}`,
    workspaceId: workspaceKey ? id(workspaceKey) : null,
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
      .values({ email: person.email, name: person.name })
      .returning({ id: users.id });
    if (!row) throw new Error("user not inserted");
    ids[person.key] = row.id;
  }
  for (const workspace of WORKSPACES) {
    const [row] = await db
      .insert(workspaces)
      .values({
        name: workspace.name,
        slug: workspace.slug,
        personalUserId: workspace.personalOf ? id(workspace.personalOf) : null,
        createdAt: sql`${workspace.at}::timestamptz`,
      })
      .returning({ id: workspaces.id });
    if (!row) throw new Error("workspace not inserted");
    ids[workspace.key] = row.id;
    await db.insert(workspaceMembers).values(
      workspace.members.map(([person, role], index) => ({
        workspaceId: row.id,
        userId: id(person),
        role,
        createdAt: new Date(Date.UTC(2026, 1, 1 + index)),
      })),
    );
  }

  await db.insert(customers).values([
    { workspaceId: id("w_alice"), stripeCustomerId: "cus_w_alice" },
    { workspaceId: id("w_bob"), stripeCustomerId: "cus_w_bob" },
    { workspaceId: id("w_acme"), stripeCustomerId: "cus_w_acme" },
  ]);
  await db.insert(subscriptions).values([
    // Alice: an old canceled Enterprise and a newer active Pro; the Pro is current.
    subscription("w_alice", {
      planTier: "enterprise",
      status: "canceled",
      stripeCustomerId: "cus_w_alice_old",
      createdAt: new Date("2026-02-01T00:00:00Z"),
      endedAt: new Date("2026-05-01T00:00:00Z"),
    }),
    subscription("w_alice", { status: "active", createdAt: new Date("2026-06-01T00:00:00Z") }),
    subscription("w_bob", { planTier: "enterprise", status: "past_due" }),
    // Five members on Pro (3 included): two extra seats.
    subscription("w_acme", { quantity: 5 }),
    // 27 members on Enterprise yearly (25 included): two extra seats.
    subscription("w_frank", { planTier: "enterprise", billingPeriod: "yearly", quantity: 27 }),
    subscription("w_grace", { status: "trialing", trialEnd: new Date("2026-12-01T00:00:00Z") }),
    subscription("w_carol", { status: "canceled", endedAt: new Date("2026-10-01T00:00:00Z") }),
  ]);

  await db
    .insert(invoicesTable)
    .values([
      invoice("in_alice_1", "w_alice", "w_alice", 1),
      invoice("in_alice_2", "w_alice", "w_alice", 2),
      invoice("in_alice_unlinked", null, "w_alice", 3),
      invoice("in_bob_1", "w_bob", "w_bob", 4),
      invoice("in_acme_1", "w_acme", "w_acme", 6),
      invoice("in_nobody", null, "nobody", 5),
    ]);

  await db.insert(webhookEvents).values([
    // 22 events about Alice's customer: only the newest 20 are shown.
    ...Array.from({ length: 22 }, (_, n) => event(`evt_alice_${n}`, "w_alice", n)),
    event("evt_alice_old_customer", "w_alice_old", 30),
    event("evt_bob", "w_bob", 40),
    event("evt_no_customer", null, 50),
  ]);

  const usage = (
    workspaceKey: string,
    metric: "api_calls" | "videos_processed" | "storage_bytes",
    quantity: number,
    at: string,
  ) => ({
    workspaceId: id(workspaceKey),
    metric,
    quantity,
    occurredAt: new Date(at),
  });
  await db.insert(usageRecords).values([
    usage("w_alice", "api_calls", 10, "2026-11-01T00:00:00Z"),
    usage("w_alice", "api_calls", 5, "2026-11-30T23:59:59Z"),
    usage("w_alice", "videos_processed", 2, "2026-11-15T08:00:00Z"),
    // Outside November 2026 (UTC): not counted.
    usage("w_alice", "api_calls", 1000, "2026-10-31T23:59:59Z"),
    usage("w_alice", "api_calls", 1000, "2026-12-01T00:00:00Z"),
    usage("w_bob", "api_calls", 7, "2026-11-10T00:00:00Z"),
    // Storage is a level: the latest report counts, reports are never added up.
    usage("w_alice", "storage_bytes", 5 * GB, "2026-10-01T00:00:00Z"),
    usage("w_alice", "storage_bytes", 2 * GB, "2026-11-02T00:00:00Z"),
    // The team's usage is the team's, not its members' personal workspaces'.
    usage("w_acme", "api_calls", 40, "2026-11-12T00:00:00Z"),
  ]);
});

afterAll(async () => {
  await handle.close();
});

const slugs = (page: { data: Array<{ slug: string }> }) => page.data.map((row) => row.slug);
const list = (query: string, rest: { cursor?: string | null; limit?: number } = {}) =>
  listCustomers(handle.db, { query, now: NOW, ...rest });

describe("listCustomers", () => {
  it("finds workspaces by a part of their name or the start of their slug, ignoring case", async () => {
    expect(slugs(await list("CORP"))).toEqual(["acme"]);
    expect(slugs(await list("  acm "))).toEqual(["acme"]);
    expect(slugs(await list("frank-"))).toEqual(["frank-co"]);
    // The slug from its start only.
    expect((await list("rank-co")).data).toEqual([]);
  });

  it("finds every workspace a person is a member of by the start of their email", async () => {
    expect(slugs(await list("ALICE@EX"))).toEqual(["acme", "personal-alice"]);
    expect(slugs(await list("erin"))).toEqual(["acme"]);
    expect(slugs(await list("dave@"))).toEqual(["personal-dave", "acme"]);
    expect((await list("example.com")).data).toEqual([]);
  });

  it("returns nothing, and no next page, when nothing matches", async () => {
    expect(await list("zelda")).toEqual({ data: [], nextCursor: null });
  });

  it("takes LIKE wildcards in the search literally", async () => {
    expect(slugs(await list("100%"))).toEqual(["frank-co"]);
    expect(slugs(await list("grace_"))).toEqual(["personal-grace"]);
    expect(slugs(await list("%"))).toEqual(["frank-co"]);
    expect((await list("b_b")).data).toEqual([]);
  });

  it("pages through every workspace once, newest first, ties broken by id, at any page size", async () => {
    // Bob's and Carol's personal workspaces were made at the same instant: the larger id first.
    const tied = [id("w_bob"), id("w_carol")].sort().reverse();
    const expected = [
      id("w_grace"),
      id("w_frank"),
      id("w_dave"),
      id("w_acme"),
      ...tied,
      id("w_alice"),
    ];
    // Size 3 puts a page boundary between Dave's and Acme, a microsecond apart.
    for (const [limit, pageCount] of [
      [1, 7],
      [2, 4],
      [3, 3],
    ] as const) {
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page: Awaited<ReturnType<typeof listCustomers>> = await list("", { cursor, limit });
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
    const first = await list("alice@", { limit: 1 });
    expect(slugs(first)).toEqual(["acme"]);
    const second = await list("alice@", { limit: 1, cursor: first.nextCursor });
    expect(slugs(second)).toEqual(["personal-alice"]);
    expect(second.nextCursor).toBeNull();
  });

  it("shows each workspace's owner, members, current subscription, billed seats and MRR", async () => {
    const { data } = await list("");
    const byKey = (key: string) => data.find((row) => row.id === id(key));
    expect(byKey("w_alice")).toMatchObject({
      name: "Personal",
      personal: true,
      owner: { id: id("alice"), email: "alice@example.com", name: "Alice Anders" },
      members: 1,
      stripeCustomerId: "cus_w_alice",
      subscription: { planTier: "pro", status: "active", billingPeriod: "monthly", quantity: 1 },
      billedSeats: 1,
      mrr: 2900,
    });
    expect(byKey("w_alice")?.createdAt.toISOString()).toBe("2026-01-01T00:00:00.000Z");
    // Two owners: the longest-standing one is shown.
    expect(byKey("w_acme")).toMatchObject({
      name: "Acme Corp",
      personal: false,
      owner: { email: "bob@example.com" },
      members: 5,
      billedSeats: 5,
      mrr: 2900 + 2 * 900,
    });
    expect(byKey("w_frank")).toMatchObject({
      members: 1,
      billedSeats: 27,
      mrr: Math.round((299_000 + 2 * 6_000) / 12),
    });
    // Past due still pays; a trial does not yet; an ended subscription bills no seats.
    expect(byKey("w_bob")).toMatchObject({ billedSeats: 1, mrr: 29_900 });
    expect(byKey("w_grace")).toMatchObject({
      subscription: { status: "trialing" },
      billedSeats: 1,
      mrr: 0,
    });
    expect(byKey("w_carol")).toMatchObject({
      subscription: { status: "canceled" },
      billedSeats: null,
      mrr: 0,
    });
    expect(byKey("w_dave")).toMatchObject({
      stripeCustomerId: null,
      subscription: null,
      billedSeats: null,
      mrr: 0,
    });
  });

  it("refuses a malformed cursor and an over-long search", async () => {
    for (const cursor of [
      "nonsense",
      Buffer.from("2026-01-01|x").toString("base64url"),
      // A workspace list position names a uuid.
      encodeCursor({ at: "2026-01-01T00:00:00.000000Z", id: "x" }),
      // Well-formed but not on the calendar: Postgres would fail the query.
      encodeCursor({
        at: "2026-02-30T00:00:00.000000Z",
        id: "00000000-0000-4000-8000-000000000000",
      }),
      encodeCursor({
        at: "0000-01-01T00:00:00.000000Z",
        id: "00000000-0000-4000-8000-000000000000",
      }),
    ]) {
      const failure = await list("", { cursor }).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(AppError);
      expect((failure as AppError).code).toBe("bad_request");
    }
    const tooLong = await list("a".repeat(201)).catch((error: unknown) => error);
    expect((tooLong as AppError).code).toBe("bad_request");
  });
});

describe("getCustomerDetail", () => {
  const detailOf = (key: string) =>
    getCustomerDetail(handle.db, { workspaceId: id(key), now: NOW, gracePeriodDays: 3 });

  it("is null for an unknown workspace, and for an id that is not a workspace's", async () => {
    const unknown = "00000000-0000-4000-8000-000000000000";
    expect(await getCustomerDetail(handle.db, { workspaceId: unknown, now: NOW })).toBeNull();
    expect(await getCustomerDetail(handle.db, { workspaceId: "no-such", now: NOW })).toBeNull();
    expect(await getCustomerDetail(handle.db, { workspaceId: id("alice"), now: NOW })).toBeNull();
  });

  it("gathers one workspace's subscription, entitlements, invoices, usage and events", async () => {
    const detail = await detailOf("w_alice");
    expect(detail?.workspace).toMatchObject({
      id: id("w_alice"),
      name: "Personal",
      slug: "personal-alice",
      personalUserId: id("alice"),
    });
    expect(detail?.members).toEqual([
      expect.objectContaining({ id: id("alice"), email: "alice@example.com", role: "owner" }),
    ]);
    expect(detail?.customer).toEqual({ stripeCustomerId: "cus_w_alice", deletedAt: null });
    expect(detail?.subscription).toMatchObject({
      stripeSubscriptionId: "sub_w_alice_active",
      planTier: "pro",
      status: "active",
    });
    expect(detail?.subscriptionCount).toBe(2);
    expect(detail?.seats).toEqual({
      tier: "pro",
      members: 1,
      included: 3,
      limit: null,
      billed: 1,
      billedExtra: 0,
    });
    expect(detail?.mrr).toBe(2900);
    expect(detail?.entitlements).toMatchObject({
      tier: "pro",
      source: "subscription",
      status: "active",
    });

    // Its own invoices and its customer's unlinked one, newest first; never another's.
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

    // The newest 20 about its customers (the old one too), newest first.
    const events = detail?.events.map((row) => row.id) ?? [];
    expect(events).toHaveLength(20);
    expect(events[0]).toBe("evt_alice_old_customer");
    expect(events.slice(1, 4)).toEqual(["evt_alice_21", "evt_alice_20", "evt_alice_19"]);
    expect(events.at(-1)).toBe("evt_alice_3");
    expect(events).not.toContain("evt_bob");
    expect(events).not.toContain("evt_no_customer");
  });

  it("lists a team's members, owners first, with their roles, site roles and join dates", async () => {
    const detail = await detailOf("w_acme");
    expect(detail?.workspace).toMatchObject({ name: "Acme Corp", personalUserId: null });
    expect(detail?.memberCount).toBe(5);
    expect(detail?.members.map((member) => [member.email, member.role, member.siteRole])).toEqual([
      ["bob@example.com", "owner", "user"],
      ["erin@example.com", "owner", "user"],
      ["alice@example.com", "admin", "user"],
      ["carol@example.com", "member", "user"],
      ["dave@example.com", "member", "user"],
    ]);
    expect(detail?.members[0]?.joinedAt.toISOString()).toBe("2026-02-01T00:00:00.000Z");
    expect(detail?.seats).toMatchObject({ members: 5, included: 3, billed: 5, billedExtra: 2 });
    expect(detail?.mrr).toBe(4700);
    // The team's own usage and invoices, not those of its members' personal workspaces.
    expect(detail?.usage).toEqual([{ metric: "api_calls", kind: "count", quantity: 40 }]);
    expect(detail?.invoices.map((row) => row.id)).toEqual(["in_acme_1"]);
  });

  it("shows another workspace only what is its own", async () => {
    const detail = await detailOf("w_bob");
    expect(detail?.subscription?.stripeSubscriptionId).toBe("sub_w_bob_past_due");
    expect(detail?.invoices.map((row) => row.id)).toEqual(["in_bob_1"]);
    expect(detail?.events.map((row) => row.id)).toEqual(["evt_bob"]);
    expect(detail?.usage).toEqual([{ metric: "api_calls", kind: "count", quantity: 7 }]);
  });

  it("shows empty lists and Free for a workspace that never bought anything", async () => {
    expect(await detailOf("w_dave")).toMatchObject({
      customer: null,
      subscription: null,
      subscriptionCount: 0,
      seats: { tier: "free", members: 1, included: 2, limit: 2, billed: null, billedExtra: null },
      mrr: 0,
      invoices: [],
      usage: [],
      events: [],
    });
    expect((await detailOf("w_dave"))?.entitlements).toMatchObject({
      tier: "free",
      status: "none",
    });
  });
});

describe("personalWorkspaceIdOf", () => {
  it("leads from a user's id to their personal workspace, and from anything else nowhere", async () => {
    expect(await personalWorkspaceIdOf(handle.db, id("alice"))).toBe(id("w_alice"));
    expect(await personalWorkspaceIdOf(handle.db, id("erin"))).toBeNull();
    expect(await personalWorkspaceIdOf(handle.db, "no-such-user")).toBeNull();
  });
});

describe("adminWorkspaceOrThrow", () => {
  it("finds a workspace by id, and is not_found for any other id", async () => {
    expect(await adminWorkspaceOrThrow(handle.db, id("w_acme"))).toEqual({
      id: id("w_acme"),
      name: "Acme Corp",
      slug: "acme",
    });
    for (const other of ["00000000-0000-4000-8000-000000000000", "nope", id("alice")]) {
      await expect(adminWorkspaceOrThrow(handle.db, other)).rejects.toMatchObject({
        code: "not_found",
      });
    }
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
