import { afterEach, describe, expect, it, vi } from "vitest";

import { createTestUser, subscribe, useBillingTest } from "@/lib/testing/billing";
import { noParams, testRequest } from "@/lib/testing/http";
import { recordUsage } from "@/lib/usage/record";

const SECRET = "cron-secret-for-the-flush-test";

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
    testRequest("/api/internal/usage/flush", {
      method,
      headers: authorization ? { authorization } : {},
    }),
    noParams(),
  );
}

describe("POST /api/internal/usage/flush", () => {
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

  it("flushes the outbox for the cron job, by POST or GET", async () => {
    const user = await createTestUser(t, "cron");
    await subscribe(t, user, "pro", "monthly");
    await recordUsage(t.db, { userId: user.id, metric: "api_calls", quantity: 3 });
    await recordUsage(t.db, { userId: user.id, metric: "api_calls", quantity: 4 });

    const { GET, POST } = await flushRoute(SECRET);
    const response = await call(POST, `Bearer ${SECRET}`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ sent: 2, failed: 0, abandoned: 0, remaining: 0 });
    const again = await call(GET, `Bearer ${SECRET}`, "GET");
    expect(await again.json()).toEqual({ sent: 0, failed: 0, abandoned: 0, remaining: 0 });
  });
});
