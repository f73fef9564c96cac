import { beforeAll, describe, expect, it } from "vitest";

import { AppError } from "@/lib/errors";
import { createTestUser, subscribe, type TestUser, useBillingTest } from "@/lib/testing/billing";
import { getInvoice } from "./invoice";

const t = useBillingTest();
let alice: TestUser;
let bob: TestUser;
let aliceInvoice: string;

beforeAll(async () => {
  alice = await createTestUser(t, "alice");
  bob = await createTestUser(t, "bob");
  const subscription = await subscribe(t, alice, "pro", "monthly");
  aliceInvoice = String(subscription.latest_invoice);
  await subscribe(t, bob, "pro", "yearly");
}, 60_000);

async function code(call: Promise<unknown>): Promise<string> {
  try {
    await call;
  } catch (error) {
    if (error instanceof AppError) return error.code;
    throw error;
  }
  return "(no error)";
}

describe("getInvoice", () => {
  it("returns the workspace's own invoice", async () => {
    const invoice = await getInvoice({
      db: t.db,
      stripe: t.stripe,
      workspaceId: alice.workspaceId,
      invoiceId: aliceInvoice,
    });
    expect(invoice.id).toBe(aliceInvoice);
    expect(invoice.status).toBe("paid");
  });

  it("answers another workspace's invoice, a missing one and a malformed id alike", async () => {
    const deps = { db: t.db, stripe: t.stripe };
    expect(
      await code(getInvoice({ ...deps, workspaceId: bob.workspaceId, invoiceId: aliceInvoice })),
    ).toBe("not_found");
    expect(
      await code(
        getInvoice({ ...deps, workspaceId: alice.workspaceId, invoiceId: "in_doesnotexist" }),
      ),
    ).toBe("not_found");
    expect(
      await code(
        getInvoice({ ...deps, workspaceId: alice.workspaceId, invoiceId: "../customers" }),
      ),
    ).toBe("not_found");
  });
});
