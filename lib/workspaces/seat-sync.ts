import "server-only";
import { eq } from "drizzle-orm";
import type Stripe from "stripe";
import type { Database } from "@/db";
import { workspaces } from "@/db/schema";
import { planOfSubscription } from "@/lib/billing/catalog/subscription";
import { resyncCustomer } from "@/lib/billing/mirror/resync-customer";
import { callStripe } from "@/lib/billing/stripe/call-stripe";
import type { BillingDeps } from "@/lib/billing/stripe/client";
import { log } from "@/lib/log";
import { SEAT_BILLED_STATUSES, seatBilledSubscription } from "./seat-subscription";
import { memberCount } from "./workspaces";

export type SeatSyncResult =
  | { outcome: "no_workspace" | "no_subscription" }
  | {
      outcome: "unchanged" | "raised" | "lowered";
      members: number;
      membershipVersion: number;
      /** The quantity Stripe billed before; now it bills `members`. */
      previous: number;
    };

/**
 * The `workspace-seats` job: sets the quantity of the workspace's paid subscription's licensed
 * item (the plan's tiered price, never the metered API-calls item) to its member count, then
 * re-syncs the customer so the mirror's `subscriptions.quantity` is the billed quantity.
 *
 * - More members: `create_prorations`, so the rest of this period's extra seats are charged on
 *   the next invoice. Fewer: `proration_behavior: "none"` — no credit now, the next renewal
 *   bills fewer seats.
 * - Idempotent and convergent: the count is read when the job runs (after any membership change
 *   in flight has committed: the share lock waits for it), Stripe's quantity is read fresh and
 *   only a difference is written, under the idempotency key
 *   `seats:<workspaceId>:<membership_version>:<quantity>`, so a retry after a lost answer bills
 *   nothing twice.
 * - No paid subscription (Free, canceled): nothing to do. A Stripe error throws (an AppError
 *   from `callStripe`) and the job is retried with backoff.
 */
export async function syncSeats(deps: BillingDeps, workspaceId: string): Promise<SeatSyncResult> {
  const { db, stripe } = deps;
  const membership = await countedMembership(db, workspaceId);
  if (!membership) return { outcome: "no_workspace" };
  const row = await seatBilledSubscription(db, workspaceId);
  if (!row) return { outcome: "no_subscription" };

  const subscription = await callStripe("subscriptions.retrieve", () =>
    stripe.subscriptions.retrieve(row.stripeSubscriptionId),
  );
  const plan = planOfSubscription(subscription);
  const billsSeats = (SEAT_BILLED_STATUSES as readonly string[]).includes(subscription.status);
  // `planOfSubscription` answers Free, with whatever item comes first, for a subscription without
  // a plan price: the quantity is only ever set on the plan's own item.
  if (
    idOf(subscription.customer) !== row.stripeCustomerId ||
    !billsSeats ||
    plan.tier === "free" ||
    !plan.item
  ) {
    // The mirror is behind Stripe (the subscription ended or left the plan, say): it catches up,
    // and the next membership change or the replay job looks again.
    await resyncCustomer(deps, row.stripeCustomerId);
    return { outcome: "no_subscription" };
  }

  const { members, membershipVersion } = membership;
  const previous = plan.item.quantity ?? 1;
  if (previous !== members) {
    await setQuantity(stripe, {
      subscription,
      item: plan.item,
      quantity: members,
      raising: members > previous,
      idempotencyKey: `seats:${workspaceId}:${membershipVersion}:${members}`,
    });
  }
  if (previous !== members || row.quantity !== members) {
    await resyncCustomer(deps, row.stripeCustomerId);
  }
  const outcome = previous === members ? "unchanged" : members > previous ? "raised" : "lowered";
  log.info(
    { workspaceId, stripeSubscriptionId: subscription.id, previous, members, outcome },
    "seats synced",
  );
  return { outcome, members, membershipVersion, previous };
}

/**
 * The member count and the version it belongs to. The share lock on the workspace's row waits
 * for a membership change still in flight (`requestSeatSync` holds the row until its commit),
 * and the count is read after it, by a statement that sees that change.
 */
async function countedMembership(
  db: Database,
  workspaceId: string,
): Promise<{ members: number; membershipVersion: number } | null> {
  return db.transaction(async (tx) => {
    const [workspace] = await tx
      .select({ membershipVersion: workspaces.membershipVersion })
      .from(workspaces)
      .where(eq(workspaces.id, workspaceId))
      .for("share");
    if (!workspace) return null;
    return {
      members: await memberCount(tx, workspaceId),
      membershipVersion: workspace.membershipVersion,
    };
  });
}

async function setQuantity(
  stripe: Stripe,
  change: {
    subscription: Stripe.Subscription;
    item: Stripe.SubscriptionItem;
    quantity: number;
    raising: boolean;
    idempotencyKey: string;
  },
): Promise<void> {
  const { subscription, item, quantity, raising, idempotencyKey } = change;
  await callStripe("subscriptions.update", () =>
    stripe.subscriptions.update(
      subscription.id,
      {
        items: [{ id: item.id, quantity }],
        proration_behavior: raising ? "create_prorations" : "none",
      },
      { idempotencyKey },
    ),
  );
}

function idOf(value: string | { id: string }): string {
  return typeof value === "string" ? value : value.id;
}
