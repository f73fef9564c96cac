// The webhook secret of this file's tests; set before anything reads the configuration.
process.env.STRIPE_WEBHOOK_SECRET = "whsec_tollgate_seat_checkout_tests";

import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { POST } from "@/app/api/stripe/webhook/route";
import { subscriptions } from "@/db/schema";
import { isHandledWebhookEvent } from "@/lib/billing/mirror/webhook-events";
import {
  checkoutSessionId,
  createTestUser,
  givePastSubscription,
  payCheckout,
  startTestCheckout,
  useBillingTest,
} from "@/lib/testing/billing";
import { eventsAbout, webhookDelivery } from "@/lib/testing/webhooks";
import { addTestMember } from "./seat-testing";

const t = useBillingTest();
const hooks = webhookDelivery(POST, t, "whsec_tollgate_seat_checkout_tests");

describe("seats and Checkout", () => {
  it("bills the members who joined while Checkout was open once its webhooks arrive", async () => {
    const owner = await createTestUser(t, "checkout");
    await givePastSubscription(t, owner);
    const url = await startTestCheckout(t, owner, "pro", "monthly");
    for (const name of ["two", "three", "four"]) {
      await addTestMember(t, owner.workspaceId, await createTestUser(t, name));
    }
    // No subscription yet: the seat job has nothing to bill.
    await t.runJobs();

    expect((await payCheckout(t, url)).status).toBe(200);
    const session = await t.stripe.checkout.sessions.retrieve(checkoutSessionId(url));
    const customerId = String(session.customer);
    for (const event of await eventsAbout(t.stripe, customerId)) {
      if (isHandledWebhookEvent(event.type)) await hooks.deliver(event);
    }

    const subscription = await t.stripe.subscriptions.retrieve(String(session.subscription));
    const plan = subscription.items.data.find((item) => item.price.lookup_key === "pro_monthly");
    expect(plan?.quantity).toBe(4);
    const [row] = await t.db
      .select({ quantity: subscriptions.quantity })
      .from(subscriptions)
      .where(eq(subscriptions.stripeSubscriptionId, subscription.id));
    expect(row?.quantity).toBe(4);
  });
});
