import { describe, expect, it } from "vitest";
import { getOrCreateCustomer } from "@/lib/billing/service/customer";
import { createTestUser, useBillingTest } from "@/lib/testing/billing";
import { createWorkspace } from "./workspaces";

const t = useBillingTest();

describe("one Stripe customer per workspace", () => {
  it("gives two team workspaces of one person two customers, each naming its workspace", async () => {
    const person = await createTestUser(t, "founder");
    const acme = await createWorkspace(t.db, { userId: person.id, name: "Acme" });
    const globex = await createWorkspace(t.db, { userId: person.id, name: "Globex" });

    const [acmeCustomer, globexCustomer] = await Promise.all([
      getOrCreateCustomer({ db: t.db, stripe: t.stripe, workspaceId: acme.id }),
      getOrCreateCustomer({ db: t.db, stripe: t.stripe, workspaceId: globex.id }),
    ]);
    expect(acmeCustomer).not.toBe(globexCustomer);
    const personal = await getOrCreateCustomer({
      db: t.db,
      stripe: t.stripe,
      workspaceId: person.workspaceId,
    });
    expect(new Set([acmeCustomer, globexCustomer, personal]).size).toBe(3);

    for (const [id, workspace] of [
      [acmeCustomer, acme],
      [globexCustomer, globex],
    ] as const) {
      const customer = await t.stripe.customers.retrieve(id);
      if (customer.deleted) throw new Error("customer deleted");
      expect(customer.metadata.workspaceId).toBe(workspace.id);
      expect(customer.name).toBe(workspace.name);
      expect(customer.email).toBe(person.email);
    }
    // Asked again, each workspace keeps its customer.
    expect(await getOrCreateCustomer({ db: t.db, stripe: t.stripe, workspaceId: acme.id })).toBe(
      acmeCustomer,
    );
  });
});
