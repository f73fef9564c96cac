import { afterEach, describe, expect, it, vi } from "vitest";
import { usageRecords } from "@/db/schema";
import { createTestUser, subscribe, useBillingTest } from "@/lib/testing/billing";
import { noParams, testRequest } from "@/lib/testing/http";
import { recordUsage } from "@/lib/usage/record";

const SECRET = "cron-secret-for-the-jobs-test";

const t = useBillingTest();
afterEach(() => {
  vi.unstubAllEnvs();
});

/**
 * The route as loaded with CRON_SECRET set to `secret` (or unset): the configuration is read
 * once per module instance, so each setting gets fresh modules.
 */
async function flushRoute(secret: string | undefined) {
  vi.stubEnv("CRON_SECRET", secret ?? "");
  vi.resetModules();
  return import("./route");
}

function call(
  handler: Awaited<ReturnType<typeof flushRoute>>["POST"],
  authorization?: string,
  method = "POST",
) {
  return handler(
    testRequest("/api/internal/jobs?seconds=3", {
      method,
      headers: authorization ? { authorization } : {},
    }),
    noParams(),
  );
}

describe("POST /api/internal/jobs", () => {
  it("does not exist without CRON_SECRET", async () => {
    const { POST } = await flushRoute(undefined);
    expect((await call(POST, `Bearer ${SECRET}`)).status).toBe(404);
  });

  it("refuses a missing or wrong secret", async () => {
    const { POST } = await flushRoute(SECRET);
    expect((await call(POST)).status).toBe(401);
    expect((await call(POST, "Bearer not-the-secret")).status).toBe(401);
    expect((await call(POST, SECRET)).status).toBe(401);
  });

  it("runs due jobs for the cron job, its schedules included, by POST or GET", async () => {
    const user = await createTestUser(t, "cron");
    await subscribe(t, user, "pro", "monthly");
    await recordUsage(t.db, { workspaceId: user.workspaceId, metric: "api_calls", quantity: 3 });
    await recordUsage(t.db, { workspaceId: user.workspaceId, metric: "api_calls", quantity: 4 });

    const { GET, POST } = await flushRoute(SECRET);
    const started = Date.now();
    const response = await call(POST, `Bearer ${SECRET}`);
    expect(response.status).toBe(200);
    // The every-minute usage flush was due: its cron job was sent and run within the seconds.
    expect(await response.json()).toMatchObject({ completed: expect.any(Number), failed: 0 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(3_000);
    const outbox = await t.db.select().from(usageRecords);
    expect(outbox.map((row) => row.reportStatus)).toEqual(["sent", "sent"]);

    const again = await call(GET, `Bearer ${SECRET}`, "GET");
    expect(again.status).toBe(200);
  });

  it("refuses a number of seconds out of range", async () => {
    const { POST } = await flushRoute(SECRET);
    const response = await POST(
      testRequest("/api/internal/jobs?seconds=900", {
        method: "POST",
        headers: { authorization: `Bearer ${SECRET}` },
      }),
      noParams(),
    );
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      error: { message: "seconds must be a whole number from 1 to 300." },
    });
  });
});
