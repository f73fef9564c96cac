import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { rateLimits } from "@/db/schema";
import { findCustomer, getOrCreateCustomer } from "@/lib/billing/service/customer";
import {
  createTestUser,
  givePastSubscription,
  subscribe,
  type TestUser,
  useBillingTest,
  userRequest,
} from "@/lib/testing/billing";
import { testRequest, withParams } from "@/lib/testing/http";
import { deleteMembership, insertMembership } from "@/lib/testing/workspace-members";

import { GET, POST } from "./route";

const t = useBillingTest();

const location = (response: Response) => response.headers.get("location");

/** The checkout link of the user's personal workspace, as the browser follows it. */
const get = (user: TestUser, query: string) =>
  GET(
    userRequest(user, `/w/${user.workspaceSlug}/checkout?${query}`),
    withParams({ slug: user.workspaceSlug }),
  );
const billing = (user: TestUser, query: string) =>
  `http://localhost:3000/w/${user.workspaceSlug}/billing?${query}`;

describe("GET /w/:slug/checkout", () => {
  it("sends a signed-in user straight to Stripe's checkout page for the plan", async () => {
    const user = await createTestUser(t, "link-buyer");
    const response = await get(user, "plan=enterprise&period=yearly");
    expect(response.status).toBe(303);
    const target = location(response) ?? "";
    expect(target.startsWith(`${t.emulator.emu.url}/c/pay/cs_`)).toBe(true);
    const sessionId = target.slice(target.lastIndexOf("/") + 1);
    const session = await t.stripe.checkout.sessions.retrieve(sessionId, {
      expand: ["line_items"],
    });
    expect(session.line_items?.data[0]?.price?.lookup_key).toBe("enterprise_yearly");
    expect(session.client_reference_id).toBe(user.workspaceId);
  });

  it("sends a signed-out visitor to sign up, coming back to the same checkout", async () => {
    const response = await GET(
      testRequest("/w/acme/checkout?plan=pro&period=monthly"),
      withParams({ slug: "acme" }),
    );
    expect(response.status).toBe(303);
    const target = new URL(location(response) ?? "");
    expect(target.pathname).toBe("/sign-up");
    expect(target.searchParams.get("callbackUrl")).toBe("/w/acme/checkout?plan=pro&period=monthly");
  });

  it("sends an unknown plan or period to the pricing page, and Free to a notice", async () => {
    const user = await createTestUser(t, "link-odd");
    for (const query of ["plan=gold&period=monthly", "plan=pro&period=weekly", "plan=pro"]) {
      const response = await get(user, query);
      expect(response.status).toBe(303);
      expect(location(response)).toBe("http://localhost:3000/pricing");
    }
    const free = await get(user, "plan=free&period=monthly");
    expect(location(free)).toBe(billing(user, "notice=plan_not_purchasable"));
  });

  it("turns a subscriber's choice of another plan into the change confirmation", async () => {
    const user = await createTestUser(t, "link-subscriber");
    await givePastSubscription(t, user);
    await subscribe(t, user, "pro", "monthly");
    const other = await get(user, "plan=enterprise&period=monthly");
    expect(location(other)).toBe(billing(user, "change=enterprise&period=monthly"));
    const same = await get(user, "plan=pro&period=monthly");
    expect(location(same)).toBe(billing(user, "notice=already_on_plan"));
  });
});

describe("who may start a workspace's checkout", () => {
  it("answers 404 to a member, to someone outside it and to a removed admin, starting nothing", async () => {
    const owner = await createTestUser(t, "buying-owner");
    const member = await createTestUser(t, "plain-member");
    const outsider = await createTestUser(t, "outsider");
    const removed = await createTestUser(t, "removed-admin");
    const { workspaceId } = owner;
    await insertMembership(t.db, { workspaceId, userId: member.id, role: "member" });
    await insertMembership(t.db, { workspaceId, userId: removed.id, role: "admin" });
    await deleteMembership(t.db, { workspaceId, userId: removed.id });
    for (const user of [member, outsider, removed]) {
      const response = await GET(
        userRequest(user, `/w/${owner.workspaceSlug}/checkout?plan=pro&period=monthly`),
        withParams({ slug: owner.workspaceSlug }),
      );
      expect(response.status).toBe(404);
    }
    expect(await findCustomer(t.db, workspaceId)).toBeNull();
  });
});

describe("a checkout link followed from another site", () => {
  const openSessions = async (user: TestUser) => {
    const customer = await getOrCreateCustomer({
      db: t.db,
      stripe: t.stripe,
      workspaceId: user.workspaceId,
    });
    const { data } = await t.stripe.checkout.sessions.list({ customer, status: "open" });
    return data.map((session) => session.id);
  };
  const checkoutHits = async (user: TestUser) => {
    const [row] = await t.db
      .select({ count: rateLimits.count })
      .from(rateLimits)
      .where(eq(rateLimits.key, `checkout:${user.workspaceId}`));
    return row?.count ?? 0;
  };
  const post = (user: TestUser, body: string, origin: string) =>
    POST(
      userRequest(user, `/w/${user.workspaceSlug}/checkout`, {
        method: "POST",
        body,
        headers: { "content-type": "application/x-www-form-urlencoded", origin },
      }),
      withParams({ slug: user.workspaceSlug }),
    );

  it("shows the confirmation and starts nothing: the person's open checkout stays payable", async () => {
    const user = await createTestUser(t, "link-victim");
    await get(user, "plan=pro&period=monthly");
    const before = await openSessions(user);
    expect(before).toHaveLength(1);
    const hits = await checkoutHits(user);

    for (const site of ["cross-site", "same-site"]) {
      const response = await GET(
        userRequest(user, `/w/${user.workspaceSlug}/checkout?plan=enterprise&period=yearly`, {
          headers: { "sec-fetch-site": site },
        }),
        withParams({ slug: user.workspaceSlug }),
      );
      expect(response.status).toBe(303);
      expect(location(response)).toBe(
        `http://localhost:3000/w/${user.workspaceSlug}/checkout/confirm?plan=enterprise&period=yearly`,
      );
    }
    expect(await openSessions(user)).toEqual(before);
    expect(await checkoutHits(user)).toBe(hits);
  });

  it("starts checkout when the confirmation posts, and refuses a post from another site", async () => {
    const user = await createTestUser(t, "link-confirmer");
    const foreign = await post(user, "plan=pro&period=yearly", "https://evil.example");
    expect(foreign.status).toBe(403);
    expect(await openSessions(user)).toEqual([]);
    expect(await checkoutHits(user)).toBe(0);

    const response = await post(user, "plan=pro&period=yearly", "http://localhost:3000");
    expect(response.status).toBe(303);
    const target = location(response) ?? "";
    expect(target.startsWith(`${t.emulator.emu.url}/c/pay/cs_`)).toBe(true);
    expect(await openSessions(user)).toEqual([target.slice(target.lastIndexOf("/") + 1)]);
    expect(await checkoutHits(user)).toBe(1);
  });
});
