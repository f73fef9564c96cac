// Invitations accepted at the same moment, billed: both people join, and the seat job leaves
// Stripe's subscription (and its mirror) billing exactly the members. Against the emulator over
// HTTP and the real job engine.
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { subscriptions } from "@/db/schema";
import { createTestUser, subscribe, useBillingTest } from "@/lib/testing/billing";
import { acceptInvitation, createInvitation } from "./invitations";
import { addTestMember } from "./seat-testing";
import { createPerson } from "./testing";
import { createWorkspace, memberCount } from "./workspaces";

const t = useBillingTest();

describe("invitations accepted at once", () => {
  it("bill exactly the members: two joining a Pro team of three make five seats", async () => {
    const owner = await createTestUser(t, "acme-owner");
    const team = await createWorkspace(t.db, { userId: owner.id, name: "Acme", slug: "acme" });
    const subscription = await subscribe(
      t,
      { ...owner, workspaceId: team.id, workspaceSlug: team.slug },
      "pro",
      "monthly",
    );
    for (const name of ["second", "third"]) {
      await addTestMember(t, team.id, await createTestUser(t, name));
    }
    await t.runJobs();

    const [fourth, fifth] = [await createPerson(t.db, "fourth"), await createPerson(t.db, "fifth")];
    const tokens = await Promise.all(
      [fourth, fifth].map(async (person) => {
        const { token } = await createInvitation(t.db, {
          workspaceId: team.id,
          inviterId: owner.id,
          email: person.email,
          role: "member",
        });
        return { person, token };
      }),
    );
    const accepted = await Promise.all(
      tokens.map(({ person, token }) => acceptInvitation(t.db, { token, userId: person.id })),
    );
    expect(accepted.map((result) => result.joined)).toEqual([true, true]);
    expect(await memberCount(t.db, team.id)).toBe(5);

    await t.runJobs();
    const billed = await t.stripe.subscriptions.retrieve(subscription.id);
    const plan = billed.items.data.find((item) => item.price.lookup_key === "pro_monthly");
    expect(plan?.quantity).toBe(5);
    const [mirrored] = await t.db
      .select({ quantity: subscriptions.quantity })
      .from(subscriptions)
      .where(eq(subscriptions.stripeSubscriptionId, subscription.id));
    expect(mirrored?.quantity).toBe(5);
  });
});
