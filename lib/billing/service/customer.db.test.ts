import { eq } from "drizzle-orm";
import type Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { customers } from "@/db/schema";
import { createTestUser, useBillingTest } from "@/lib/testing/billing";
import { getOrCreateCustomer } from "./customer";

const t = useBillingTest();

describe("getOrCreateCustomer", () => {
  it("creates one Stripe customer and one link however many requests race", async () => {
    const user = await createTestUser(t, "racer");
    const ids = await Promise.all(
      Array.from({ length: 5 }, () =>
        getOrCreateCustomer({ db: t.db, stripe: t.stripe, userId: user.id }),
      ),
    );
    expect(new Set(ids).size).toBe(1);
    const links = await t.db.select().from(customers).where(eq(customers.userId, user.id));
    expect(links.map((link) => link.stripeCustomerId)).toEqual([ids[0]]);
    const inStripe = await t.stripe.customers.list({ email: user.email });
    expect(inStripe.data.map((customer) => customer.id)).toEqual([ids[0]]);
    expect(inStripe.data[0]?.metadata).toEqual({ userId: user.id });
  });

  it("replaces a customer Stripe deleted with a new one", async () => {
    const user = await createTestUser(t, "phoenix");
    const first = await getOrCreateCustomer({ db: t.db, stripe: t.stripe, userId: user.id });
    await t.stripe.customers.del(first);
    await t.db
      .update(customers)
      .set({ deletedAt: new Date() })
      .where(eq(customers.stripeCustomerId, first));

    const second = await getOrCreateCustomer({ db: t.db, stripe: t.stripe, userId: user.id });
    expect(second).not.toBe(first);
    const customer = (await t.stripe.customers.retrieve(second)) as Stripe.Customer;
    expect(customer.deleted).toBeUndefined();
    const [link] = await t.db.select().from(customers).where(eq(customers.userId, user.id));
    expect(link).toMatchObject({ stripeCustomerId: second, deletedAt: null });
    expect(await getOrCreateCustomer({ db: t.db, stripe: t.stripe, userId: user.id })).toBe(second);
  });
});
