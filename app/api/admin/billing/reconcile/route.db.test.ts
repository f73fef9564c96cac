import { beforeAll, describe, expect, it } from "vitest";
import { leases, users } from "@/db/schema";
import { type BillingTest, useBillingTest } from "@/lib/testing/billing";
import { noParams, sessionCookie, testRequest } from "@/lib/testing/http";
import { captureLog } from "@/lib/testing/log-capture";
import { subscriberWithoutWebhooks } from "@/lib/testing/webhooks";
import type { TestEmulator } from "@/stripe-emulator/testing";
import { POST as reconcileRoute } from "./route";

const billing = useBillingTest();
let db: BillingTest["db"];
let t: TestEmulator;
let userId: string;

/** Two customers whose webhooks never arrived: one known by metadata.userId, one by our link. */
beforeAll(async () => {
  db = billing.db;
  t = billing.emulator;
  ({ userId } = await subscriberWithoutWebhooks(db, t.stripe, "lost@example.com"));
  await subscriberWithoutWebhooks(db, t.stripe, "plain@example.com", {
    lookupKey: "enterprise_yearly",
    knownBy: "link",
  });
}, 60_000);

function leaseRows() {
  return db.select().from(leases);
}

describe("POST /api/admin/billing/reconcile", () => {
  async function post(cookie: string): Promise<Response> {
    return reconcileRoute(
      testRequest("/api/admin/billing/reconcile", { method: "POST", cookie }),
      noParams(),
    );
  }

  it("refuses a user who is not an admin", async () => {
    expect((await post(await sessionCookie({ id: userId }))).status).toBe(403);
    expect(await leaseRows()).toEqual([]);
  });

  it("answers 202 at once, goes on in the background and logs its counts, and answers 409 meanwhile", async () => {
    const [admin] = await db
      .insert(users)
      .values({ email: "root@example.com", role: "admin" })
      .returning({ id: users.id, role: users.role });
    if (!admin) throw new Error("no admin");
    const cookie = await sessionCookie(admin);
    // Stripe is slow to answer the reconcile's first call: it is still running when asked again.
    await t.control("POST", "/faults", { hangMs: 1_500, count: 1 });
    const captured = captureLog();
    try {
      const started = await post(cookie);
      expect(started.status).toBe(202);
      expect(await started.json()).toEqual({ started: true });

      const again = await post(cookie);
      expect(again.status).toBe(409);
      expect(await again.json()).toMatchObject({
        error: { code: "conflict", message: expect.stringContaining("already running since") },
      });

      await expect.poll(leaseRows, { timeout: 20_000, interval: 100 }).toEqual([]);
    } finally {
      captured.restore();
    }
    expect(captured.lines()).toContainEqual(
      expect.objectContaining({
        msg: "billing reconciled",
        customers: 2,
        customerFailures: 0,
        stillFailing: 0,
      }),
    );
    expect((await post(cookie)).status).toBe(202);
    await expect.poll(leaseRows, { timeout: 20_000, interval: 100 }).toEqual([]);
  });
});
