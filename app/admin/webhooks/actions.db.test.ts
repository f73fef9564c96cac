import { eq } from "drizzle-orm";
import { beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { webhookEvents } from "@/db/schema";
import { IDLE } from "@/lib/form-state";
import { createTestUser, useBillingTest } from "@/lib/testing/billing";
import { testForm } from "@/lib/testing/http";
import { putInLedger } from "@/lib/testing/webhooks";

// Who is signed in and Next's cache are request-scoped in Next; here they are stand-ins.
const requireAdminSession = vi.hoisted(() => vi.fn());
const revalidatePath = vi.hoisted(() => vi.fn());
vi.mock("@/lib/auth/session", () => ({ requireAdminSession }));
vi.mock("next/cache", () => ({ revalidatePath }));

const { replayWebhookEventAction } = await import("./actions");

const billing = useBillingTest();
let eventId: string;

async function ledgerRow() {
  const [row] = await billing.db.select().from(webhookEvents).where(eq(webhookEvents.id, eventId));
  return row;
}

beforeAll(async () => {
  const user = await createTestUser(billing, "action");
  const stripe = billing.stripe;
  const customer = await stripe.customers.create({
    email: user.email,
    metadata: { userId: user.id },
  });
  const method = await stripe.paymentMethods.attach("pm_card_visa", { customer: customer.id });
  const [price] = (await stripe.prices.list({ lookup_keys: ["enterprise_yearly"] })).data;
  await stripe.subscriptions.create({
    customer: customer.id,
    items: [{ price: price?.id ?? "" }],
    default_payment_method: method.id,
  });
  const [event] = (await stripe.events.list({ type: "invoice.paid", limit: 1 })).data;
  if (!event) throw new Error("the emulator made no invoice.paid event");
  eventId = event.id;
  await putInLedger(billing.db, event, {
    status: "failed",
    attempts: 1,
    lastError: "connection reset",
  });
}, 60_000);

beforeEach(() => {
  requireAdminSession.mockReset();
  revalidatePath.mockReset();
});

describe("replayWebhookEventAction", () => {
  it("replays nothing for someone who is not an admin", async () => {
    requireAdminSession.mockRejectedValue(new Error("NEXT_HTTP_ERROR_FALLBACK;404"));
    await expect(replayWebhookEventAction(IDLE, testForm({ eventId }))).rejects.toThrow("404");
    expect(requireAdminSession).toHaveBeenCalledWith("/admin/webhooks");
    expect(await ledgerRow()).toMatchObject({ status: "failed", attempts: 1 });
    expect(revalidatePath).not.toHaveBeenCalled();
  });

  it("replays a failed event for an admin, says so, and refreshes the page", async () => {
    requireAdminSession.mockResolvedValue({
      user: { id: "admin-1", role: "admin" },
      sessionVersion: 0,
    });
    expect(await replayWebhookEventAction(IDLE, testForm({ eventId }))).toEqual({
      status: "success",
      message: `Event ${eventId} was applied.`,
      values: { eventId },
    });
    expect(await ledgerRow()).toMatchObject({ status: "processed", attempts: 2, lastError: null });
    expect(revalidatePath).toHaveBeenCalledWith("/admin/webhooks");
  });

  it("says when a replayed event still waits for its customer to be linked to a user", async () => {
    requireAdminSession.mockResolvedValue({
      user: { id: "admin-1", role: "admin" },
      sessionVersion: 0,
    });
    const stripe = billing.stripe;
    const stranger = await stripe.customers.create({ email: "stranger@example.com" });
    const waiting = await stripe.customers.update(stranger.id, { name: "Stranger" });
    const [event] = (await stripe.events.list({ type: "customer.updated", limit: 10 })).data.filter(
      (candidate) => (candidate.data.object as { id?: string }).id === waiting.id,
    );
    if (!event) throw new Error("no customer.updated event");
    await putInLedger(billing.db, event, {
      status: "unlinked",
      attempts: 1,
      stripeCustomerId: stranger.id,
    });
    expect(await replayWebhookEventAction(IDLE, testForm({ eventId: event.id }))).toEqual({
      status: "success",
      message: `Event ${event.id} is about a Stripe customer linked to no user yet; it waits for the link.`,
      values: { eventId: event.id },
    });
  });

  it("answers with the reason when there is nothing to replay", async () => {
    requireAdminSession.mockResolvedValue({
      user: { id: "admin-1", role: "admin" },
      sessionVersion: 0,
    });
    expect(await replayWebhookEventAction(IDLE, testForm({ eventId: "evt_nowhere" }))).toEqual({
      status: "error",
      message: "Replay failed: There is no event evt_nowhere in the ledger.",
      values: { eventId: "evt_nowhere" },
    });
  });
});
