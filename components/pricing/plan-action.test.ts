import { describe, expect, it } from "vitest";
import { getPlan } from "@/lib/billing/catalog/plans";
import { planAction, startsCheckout } from "./plan-action";

const free = getPlan("free");
const pro = getPlan("pro");
const enterprise = getPlan("enterprise");

describe("planAction", () => {
  it("sends a visitor to sign up, and on into checkout for a paid plan", () => {
    const viewer = { signedIn: false } as const;
    expect(planAction(free, "monthly", viewer, 14)).toEqual({
      href: "/sign-up",
      label: "Get started",
    });
    expect(planAction(pro, "yearly", viewer, 14)).toEqual({
      href: "/sign-up?callbackUrl=%2Faccount%2Fcheckout%3Fplan%3Dpro%26period%3Dyearly",
      label: "Start 14-day free trial",
    });
    expect(planAction(enterprise, "monthly", viewer, 0).label).toBe("Choose Enterprise");
  });

  it("sends a Free user into checkout and marks Free as theirs", () => {
    const viewer = { signedIn: true, tier: "free", period: null, paid: false } as const;
    expect(planAction(free, "yearly", viewer, 14)).toEqual({
      href: null,
      label: "Your current plan",
    });
    expect(planAction(pro, "monthly", viewer, 14)).toEqual({
      href: "/account/checkout?plan=pro&period=monthly",
      label: "Choose Pro",
    });
  });

  it("sends a subscriber to the change or cancel confirmation, and marks their plan and period", () => {
    const viewer = { signedIn: true, tier: "pro", period: "monthly", paid: true } as const;
    expect(planAction(pro, "monthly", viewer, 14).href).toBeNull();
    expect(planAction(pro, "yearly", viewer, 14)).toEqual({
      href: "/account/billing?change=pro&period=yearly",
      label: "Switch to Pro",
    });
    expect(planAction(enterprise, "monthly", viewer, 14).href).toBe(
      "/account/billing?change=enterprise&period=monthly",
    );
    expect(planAction(free, "monthly", viewer, 14)).toEqual({
      href: "/account/billing?confirm=cancel",
      label: "Switch to Free",
    });
  });
});

describe("startsCheckout", () => {
  it("tells the links that start Checkout from the pages of the app", () => {
    expect(startsCheckout("/account/checkout?plan=pro&period=monthly")).toBe(true);
    expect(startsCheckout("/account/checkout/confirm?plan=pro&period=monthly")).toBe(false);
    expect(startsCheckout("/account/billing?change=pro&period=yearly")).toBe(false);
    expect(startsCheckout("/sign-up?callbackUrl=%2Faccount%2Fcheckout%3Fplan%3Dpro")).toBe(false);
  });
});
