import { eq } from "drizzle-orm";
import type Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { customers } from "@/db/schema";
import { createTestUser, useBillingTest } from "@/lib/testing/billing";
import { createWorkspace } from "@/lib/workspaces/workspaces";
import { getOrCreateCustomer } from "./customer";

const t = useBillingTest();

describe("getOrCreateCustomer", () => {
  it("creates one Stripe customer and one link however many requests race", async () => {
    const user = await createTestUser(t, "racer");
    const ids = await Promise.all(
      Array.from({ length: 5 }, () =>
        getOrCreateCustomer({ db: t.db, stripe: t.stripe, workspaceId: user.workspaceId }),
      ),
    );
    expect(new Set(ids).size).toBe(1);
    const links = await t.db
      .select()
      .from(customers)
      .where(eq(customers.workspaceId, user.workspaceId));
    expect(links.map((link) => link.stripeCustomerId)).toEqual([ids[0]]);
    const inStripe = await t.stripe.customers.list({ email: user.email });
    expect(inStripe.data.map((customer) => customer.id)).toEqual([ids[0]]);
    expect(inStripe.data[0]?.metadata).toEqual({ workspaceId: user.workspaceId });
  });

  it("gives two workspaces of one person two customers, never a shared one", async () => {
    const user = await createTestUser(t, "two-hats");
    const team = await createWorkspace(t.db, { userId: user.id, name: "Two Hats Team" });
    const personal = await getOrCreateCustomer({
      db: t.db,
      stripe: t.stripe,
      workspaceId: user.workspaceId,
    });
    const teams = await getOrCreateCustomer({ db: t.db, stripe: t.stripe, workspaceId: team.id });
    expect(teams).not.toBe(personal);
    const inStripe = await t.stripe.customers.list({ email: user.email });
    expect(
      inStripe.data.map((customer) => [customer.id, customer.name, customer.metadata]).sort(),
    ).toEqual(
      [
        [personal, "two-hats", { workspaceId: user.workspaceId }],
        [teams, "Two Hats Team", { workspaceId: team.id }],
      ].sort(),
    );
  });

  it("replaces a customer Stripe deleted with a new one", async () => {
    const user = await createTestUser(t, "phoenix");
    const first = await getOrCreateCustomer({
      db: t.db,
      stripe: t.stripe,
      workspaceId: user.workspaceId,
    });
    await t.stripe.customers.del(first);
    await t.db
      .update(customers)
      .set({ deletedAt: new Date() })
      .where(eq(customers.stripeCustomerId, first));

    const second = await getOrCreateCustomer({
      db: t.db,
      stripe: t.stripe,
      workspaceId: user.workspaceId,
    });
    expect(second).not.toBe(first);
    const customer = (await t.stripe.customers.retrieve(second)) as Stripe.Customer;
    expect(customer.deleted).toBeUndefined();
    const [link] = await t.db
      .select()
      .from(customers)
      .where(eq(customers.workspaceId, user.workspaceId));
    expect(link).toMatchObject({ stripeCustomerId: second, deletedAt: null });
    expect(
      await getOrCreateCustomer({ db: t.db, stripe: t.stripe, workspaceId: user.workspaceId }),
    ).toBe(second);
  });
});
