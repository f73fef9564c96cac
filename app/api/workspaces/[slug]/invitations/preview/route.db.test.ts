// GET /api/workspaces/:slug/invitations/preview against the emulator: who may ask, and the three
// answers an invite form needs (included, priced, refused).
import { describe, expect, it } from "vitest";
import { createTestUser, useBillingTest, userRequest } from "@/lib/testing/billing";
import { withParams } from "@/lib/testing/http";
import { addTestMember, paidTestWorkspace } from "@/lib/workspaces/seat-testing";
import { GET } from "./route";

const t = useBillingTest();

const preview = (user: Parameters<typeof userRequest>[0], slug: string) =>
  GET(userRequest(user, `/api/workspaces/${slug}/invitations/preview`), withParams({ slug }));

describe("GET /api/workspaces/:slug/invitations/preview", () => {
  it("prices the next member for the owner when it takes a paid seat", async () => {
    const { owner } = await paidTestWorkspace(t, "priced", { members: 3 });
    const response = await preview(owner, owner.workspaceSlug);
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(await response.json()).toMatchObject({
      paidSeat: true,
      plan: "pro",
      period: "monthly",
      seats: 4,
      included: 3,
      perPeriod: 9_00,
      currency: "usd",
      prorationAmount: expect.any(Number),
      prorationDate: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      nextInvoiceAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
  });

  it("says the next member is included while one is", async () => {
    const { owner } = await paidTestWorkspace(t, "included", { members: 2 });
    const response = await preview(owner, owner.workspaceSlug);
    expect(await response.json()).toEqual({ paidSeat: false });
  });

  it("refuses a third member on Free with 402 and the upgrade link", async () => {
    const owner = await createTestUser(t, "free");
    expect(await (await preview(owner, owner.workspaceSlug)).json()).toEqual({ paidSeat: false });
    await addTestMember(t, owner.workspaceId, await createTestUser(t, "second"));

    const response = await preview(owner, owner.workspaceSlug);
    expect(response.status).toBe(402);
    expect(await response.json()).toMatchObject({
      error: {
        code: "payment_required",
        upgradeUrl: `/w/${owner.workspaceSlug}/billing?plan=pro`,
      },
    });
  });

  it("is for owners and admins: 403 for a member, 404 for anyone else", async () => {
    const { owner } = await paidTestWorkspace(t, "closed", { members: 1 });
    const member = await createTestUser(t, "member");
    await addTestMember(t, owner.workspaceId, member);
    const outsider = await createTestUser(t, "outsider");

    expect((await preview(member, owner.workspaceSlug)).status).toBe(403);
    expect((await preview(outsider, owner.workspaceSlug)).status).toBe(404);
  });
});
