import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DatabaseHandle, provideDatabase } from "@/db";
import { invoices, type UserRole, users, workspaces } from "@/db/schema";
import { createTestDatabase } from "@/db/testing";
import { noParams, sessionCookie, testRequest } from "@/lib/testing/http";
import { GET } from "./export/route";

let handle: DatabaseHandle;
let admin: { id: string; role: UserRole };
let member: { id: string; role: UserRole };
let workspaceId: string;

async function user(email: string, role: UserRole) {
  const [row] = await handle.db
    .insert(users)
    .values({ email, role })
    .returning({ id: users.id, role: users.role });
  if (!row) throw new Error("no user");
  return row;
}

async function exportCsv(query: string, as?: { id: string; role: UserRole }) {
  const cookie = as ? await sessionCookie(as) : undefined;
  return GET(testRequest(`/admin/invoices/export${query}`, { cookie }), noParams());
}

beforeAll(async () => {
  handle = await createTestDatabase();
  provideDatabase(handle);
  admin = await user("boss@example.com", "admin");
  member = await user("member@example.com", "user");
  const [workspace] = await handle.db
    .insert(workspaces)
    .values({ name: "Acme", slug: "acme" })
    .returning({ id: workspaces.id });
  workspaceId = workspace?.id ?? "";
  await handle.db.insert(invoices).values([
    {
      stripeInvoiceId: "in_paid",
      stripeCustomerId: "cus_1",
      workspaceId,
      number: "EXP-0001",
      status: "paid",
      planTier: "pro",
      customerEmail: "member@example.com",
      currency: "usd",
      total: 2900,
      amountDue: 2900,
      amountPaid: 2900,
      created: new Date("2026-02-01T10:00:00Z"),
    },
    {
      stripeInvoiceId: "in_open",
      stripeCustomerId: "cus_1",
      workspaceId,
      number: "EXP-0002",
      status: "open",
      planTier: "pro",
      customerEmail: "member@example.com",
      currency: "usd",
      total: 2900,
      amountDue: 2900,
      amountRemaining: 2900,
      created: new Date("2026-03-01T10:00:00Z"),
    },
  ]);
});
afterAll(async () => {
  await handle.close();
});

describe("GET /admin/invoices/export", () => {
  it("gives an admin the matching invoices as a CSV download", async () => {
    const response = await exportCsv("?status=paid", admin);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(response.headers.get("content-disposition")).toMatch(
      /^attachment; filename="invoices-\d{4}-\d{2}-\d{2}\.csv"$/,
    );
    expect(response.headers.get("cache-control")).toBe("no-store");
    const lines = (await response.text()).split("\r\n");
    expect(lines[0]).toMatch(/^invoice_id,number,created,status,/);
    expect(lines.slice(1)).toEqual([
      `in_paid,EXP-0001,2026-02-01T10:00:00.000Z,paid,pro,member@example.com,${workspaceId},usd,29.00,29.00,29.00,0.00,,,`,
      "",
    ]);
  });

  it("exports everything when no filter is given, newest first", async () => {
    const text = await (await exportCsv("", admin)).text();
    expect(text.split("\r\n").map((line) => line.split(",")[0])).toEqual([
      "invoice_id",
      "in_open",
      "in_paid",
      "",
    ]);
  });

  it("is not found for a signed-in user who is not an admin", async () => {
    const response = await exportCsv("", member);
    expect(response.status).toBe(404);
    expect(await response.text()).not.toContain("in_paid");
  });

  it("needs a signed-in session", async () => {
    expect((await exportCsv("")).status).toBe(401);
  });

  it("refuses a bad filter with a message", async () => {
    const badStatus = await exportCsv("?status=late", admin);
    expect(badStatus.status).toBe(400);
    expect(await badStatus.json()).toEqual({
      error: {
        code: "bad_request",
        message: "Status must be one of draft, open, paid, uncollectible, void.",
      },
    });
    expect((await exportCsv("?from=2026-13-01", admin)).status).toBe(400);
    expect((await exportCsv("?cursor=nope", admin)).status).toBe(400);
  });
});
