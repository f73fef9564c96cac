import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DatabaseHandle, provideDatabase } from "@/db";
import { invoices, users } from "@/db/schema";
import { createTestDatabase } from "@/db/testing";
import { encodeCursor } from "@/lib/http/cursor";
import { sessionCookie, testRequest, withParams } from "@/lib/testing/http";
import { ensurePersonalWorkspace } from "@/lib/workspaces/workspaces";
import { GET } from "./invoices/route";

interface Owner {
  id: string;
  workspaceId: string;
  slug: string;
}

let handle: DatabaseHandle;
let alice: Owner;
let bob: Owner;

/** A user and their personal workspace, which they own. */
async function user(email: string): Promise<Owner> {
  const [row] = await handle.db.insert(users).values({ email }).returning({ id: users.id });
  if (!row) throw new Error("no user");
  const workspace = await ensurePersonalWorkspace(handle.db, row.id);
  return { id: row.id, workspaceId: workspace.id, slug: workspace.slug };
}

function invoiceRow(owner: Owner, n: number) {
  const tag = owner.workspaceId.slice(0, 6);
  return {
    stripeInvoiceId: `in_${tag}_${n}`,
    stripeCustomerId: `cus_${tag}`,
    workspaceId: owner.workspaceId,
    number: `INV-${n}`,
    status: "paid" as const,
    currency: "usd",
    amountDue: 2900,
    amountPaid: 2900,
    total: 2900,
    subtotal: 2900,
    // Pairs share a time, so the order falls back to the row id.
    created: new Date(Date.UTC(2026, 0, 1 + Math.floor(n / 2))),
  };
}

async function page(
  owner: Owner,
  query = "",
): Promise<{ status: number; body: { data: Array<{ id: string }>; nextCursor: string | null } }> {
  const response = await GET(
    testRequest(`/api/workspaces/${owner.slug}/billing/invoices${query}`, {
      cookie: await sessionCookie({ id: owner.id }),
    }),
    withParams({ slug: owner.slug }),
  );
  return { status: response.status, body: await response.json() };
}

beforeAll(async () => {
  handle = await createTestDatabase();
  provideDatabase(handle);
  alice = await user("alice@example.com");
  bob = await user("bob@example.com");
  await handle.db
    .insert(invoices)
    .values(Array.from({ length: 7 }, (_, n) => invoiceRow(alice, n)));
  await handle.db.insert(invoices).values(Array.from({ length: 3 }, (_, n) => invoiceRow(bob, n)));
});
afterAll(async () => {
  await handle.close();
});

describe("GET /api/workspaces/:slug/billing/invoices", () => {
  it("pages through the workspace's own invoices only, newest first, each once", async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const result = await page(alice, `?limit=3${cursor ? `&cursor=${cursor}` : ""}`);
      expect(result.status).toBe(200);
      seen.push(...result.body.data.map((invoice) => invoice.id));
      cursor = result.body.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(7);
    expect(new Set(seen).size).toBe(7);
    expect(seen.every((id) => id.startsWith(`in_${alice.workspaceId.slice(0, 6)}`))).toBe(true);
    const prefix = `in_${alice.workspaceId.slice(0, 6)}_`;
    // Invoice 6 is the newest; 4 and 5 share a time, ordered by row id; then 2 and 3; 0 and 1.
    expect(seen[0]).toBe(`${prefix}6`);
    expect(seen.slice(1, 3).sort()).toEqual([`${prefix}4`, `${prefix}5`]);
    expect(seen.slice(5).sort()).toEqual([`${prefix}0`, `${prefix}1`]);
  });

  it("never shows another workspace's invoices, whatever cursor is sent", async () => {
    const first = await page(alice, "?limit=2");
    const withAlicesCursor = await page(bob, `?cursor=${first.body.nextCursor}`);
    expect(
      withAlicesCursor.body.data.every((invoice) =>
        invoice.id.startsWith(`in_${bob.workspaceId.slice(0, 6)}`),
      ),
    ).toBe(true);
    expect((await page(bob)).body.data).toHaveLength(3);
  });

  it("refuses a malformed cursor and a bad limit", async () => {
    expect((await page(alice, "?cursor=not-a-cursor")).status).toBe(400);
    expect((await page(alice, "?limit=0")).status).toBe(422);
  });

  it("answers 400, never 500, to a cursor naming no real time or no real row id", async () => {
    const uuid = "0b5e3c1e-7d1a-4c53-9a57-2f0d6f1f8a11";
    for (const cursor of [
      encodeCursor({ at: "2026-02-30T00:00:00.000000Z", id: uuid }),
      encodeCursor({ at: "0000-01-01T00:00:00.000000Z", id: uuid }),
      encodeCursor({ at: "2026-01-01T00:00:00.000000Z", id: "-".repeat(36) }),
      Buffer.from(`${Date.UTC(2026, 0, 1)}.${"-".repeat(36)}`).toString("base64url"),
      "A".repeat(1000),
    ]) {
      const result = await page(alice, `?cursor=${cursor}`);
      expect(result.status, cursor).toBe(400);
      expect(result.body).toMatchObject({ error: { code: "bad_request" } });
    }
  });

  it("needs a signed-in user", async () => {
    const anonymous = await GET(
      testRequest(`/api/workspaces/${alice.slug}/billing/invoices`),
      withParams({ slug: alice.slug }),
    );
    expect(anonymous.status).toBe(401);
  });
});
