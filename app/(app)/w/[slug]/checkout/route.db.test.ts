import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { rateLimits } from "@/db/schema";
import { getOrCreateCustomer } from "@/lib/billing/service/customer";
import {
  createTestUser,
  givePastSubscription,
  subscribe,
  type TestUser,
  useBillingTest,
  userRequest,
} from "@/lib/testing/billing";
import { testRequest } from "@/lib/testing/http";

import { GET, POST } from "./route";

const t = useBillingTest();

const location = (response: Response) => response.headers.get("location");

describe("GET /account/checkout", () => {
  it("sends a signed-in user straight to Stripe's checkout page for the plan", async () => {
    const user = await createTestUser(t, "link-buyer");
    const response = await GET(
      userRequest(user, "/account/checkout?plan=enterprise&period=yearly"),
    );
    expect(response.status).toBe(303);
    const target = location(response) ?? "";
    expect(target.startsWith(`${t.emulator.emu.url}/c/pay/cs_`)).toBe(true);
    const sessionId = target.slice(target.lastIndexOf("/") + 1);
    const session = await t.stripe.checkout.sessions.retrieve(sessionId, {
      expand: ["line_items"],
    });
    expect(session.line_items?.data[0]?.price?.lookup_key).toBe("enterprise_yearly");
    expect(session.client_reference_id).toBe(user.id);
  });

  it("sends a signed-out visitor to sign up, coming back to the same checkout", async () => {
    const response = await GET(testRequest("/account/checkout?plan=pro&period=monthly"));
    expect(response.status).toBe(303);
    const target = new URL(location(response) ?? "");
    expect(target.pathname).toBe("/sign-up");
    expect(target.searchParams.get("callbackUrl")).toBe(
      "/account/checkout?plan=pro&period=monthly",
    );
  });

  it("sends an unknown plan or period to the pricing page, and Free to a notice", async () => {
    const user = await createTestUser(t, "link-odd");
    for (const query of ["plan=gold&period=monthly", "plan=pro&period=weekly", "plan=pro"]) {
      const response = await GET(userRequest(user, `/account/checkout?${query}`));
      expect(response.status).toBe(303);
      expect(location(response)).toBe("http://localhost:3000/pricing");
    }
    const free = await GET(userRequest(user, "/account/checkout?plan=free&period=monthly"));
    expect(location(free)).toBe(
      "http://localhost:3000/account/billing?notice=plan_not_purchasable",
    );
  });

  it("turns a subscriber's choice of another plan into the change confirmation", async () => {
    const user = await createTestUser(t, "link-subscriber");
    await givePastSubscription(t, user);
    await subscribe(t, user, "pro", "monthly");
    const other = await GET(userRequest(user, "/account/checkout?plan=enterprise&period=monthly"));
    expect(location(other)).toBe(
      "http://localhost:3000/account/billing?change=enterprise&period=monthly",
    );
    const same = await GET(userRequest(user, "/account/checkout?plan=pro&period=monthly"));
    expect(location(same)).toBe("http://localhost:3000/account/billing?notice=already_on_plan");
  });
});

describe("a checkout link followed from another site", () => {
  const openSessions = async (user: TestUser) => {
    const customer = await getOrCreateCustomer({ db: t.db, stripe: t.stripe, userId: user.id });
    const { data } = await t.stripe.checkout.sessions.list({ customer, status: "open" });
    return data.map((session) => session.id);
  };
  const checkoutHits = async (user: TestUser) => {
    const [row] = await t.db
      .select({ count: rateLimits.count })
      .from(rateLimits)
      .where(eq(rateLimits.key, `checkout:${user.id}`));
    return row?.count ?? 0;
  };
  const post = (user: TestUser, body: string, origin: string) =>
    POST(
      userRequest(user, "/account/checkout", {
        method: "POST",
        body,
        headers: { "content-type": "application/x-www-form-urlencoded", origin },
      }),
    );

  it("shows the confirmation and starts nothing: the person's open checkout stays payable", async () => {
    const user = await createTestUser(t, "link-victim");
    await GET(userRequest(user, "/account/checkout?plan=pro&period=monthly"));
    const before = await openSessions(user);
    expect(before).toHaveLength(1);
    const hits = await checkoutHits(user);

    for (const site of ["cross-site", "same-site"]) {
      const response = await GET(
        userRequest(user, "/account/checkout?plan=enterprise&period=yearly", {
          headers: { "sec-fetch-site": site },
        }),
      );
      expect(response.status).toBe(303);
      expect(location(response)).toBe(
        "http://localhost:3000/account/checkout/confirm?plan=enterprise&period=yearly",
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
