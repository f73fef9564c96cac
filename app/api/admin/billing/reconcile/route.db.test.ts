import { beforeAll, describe, expect, it } from "vitest";
import { subscriptions, users } from "@/db/schema";
import { type BillingTest, useBillingTest } from "@/lib/testing/billing";
import { noParams, sessionCookie, testRequest } from "@/lib/testing/http";
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

describe("POST /api/admin/billing/reconcile", () => {
  async function post(cookie: string): Promise<Response> {
    return reconcileRoute(
      testRequest("/api/admin/billing/reconcile", { method: "POST", cookie }),
      noParams(),
    );
  }

  it("refuses a user who is not an admin", async () => {
    expect((await post(await sessionCookie({ id: userId }))).status).toBe(403);
  });

  it("answers 202 with the job at once, 409 while it waits, and the jobs mirror every customer", async () => {
    const [admin] = await db
      .insert(users)
      .values({ email: "root@example.com", role: "admin" })
      .returning({ id: users.id, role: users.role });
    if (!admin) throw new Error("no admin");
    const cookie = await sessionCookie(admin);
    const started = await post(cookie);
    expect(started.status).toBe(202);
    expect(await started.json()).toEqual({ queued: true, jobId: expect.any(String) });

    const again = await post(cookie);
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({
      error: { code: "conflict", message: expect.stringContaining("already waiting") },
    });

    // The reconcile job queues one job per customer; each mirrors its customer.
    const report = await billing.runJobs();
    expect(report).toEqual({ completed: 3, failed: 0 });
    const rows = await db.select().from(subscriptions);
    expect(rows.map((row) => [row.planTier, row.status]).sort()).toEqual([
      ["enterprise", "active"],
      ["pro", "active"],
    ]);
    expect((await post(cookie)).status).toBe(202);
  });
});
