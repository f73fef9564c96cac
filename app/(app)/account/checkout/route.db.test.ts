import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type BillingTest,
  createTestUser,
  givePastSubscription,
  startBillingTest,
  subscribe,
  userRequest,
} from "@/lib/testing/billing";
import { testRequest } from "@/lib/testing/http";
import { POST as checkoutRoute } from "../../../api/billing/checkout/route";
import { GET } from "./route";

let t: BillingTest;
beforeAll(async () => {
  t = await startBillingTest();
});
afterAll(async () => {
  await t.close();
});

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
    await subscribe(t, user, "pro", "monthly", checkoutRoute);
    const other = await GET(userRequest(user, "/account/checkout?plan=enterprise&period=monthly"));
    expect(location(other)).toBe(
      "http://localhost:3000/account/billing?change=enterprise&period=monthly",
    );
    const same = await GET(userRequest(user, "/account/checkout?plan=pro&period=monthly"));
    expect(location(same)).toBe("http://localhost:3000/account/billing?notice=already_on_plan");
  });
});
