import type { ReactNode } from "react";
import { SubscriptionStatusBadge } from "@/components/billing/subscription-status-badge";
import { Day, Moment } from "@/components/ui/time";
import type { Subscription } from "@/db/schema";
import { PLANS } from "@/lib/billing/catalog/plans";
import { Fact, Facts, Mono } from "./parts";

/** Who asked for the cancellation, when Tollgate recorded it. */
const BY = { admin: " by an admin", user: " by the user" } as const;

function cancellation(subscription: Subscription): ReactNode {
  const by = subscription.cancelRequestedBy ? BY[subscription.cancelRequestedBy] : "";
  return (
    <>
      {cancellationTiming(subscription)}
      {by && <span data-testid="cancel-requested-by">{`, scheduled${by}`}</span>}
    </>
  );
}

function cancellationTiming(subscription: Subscription): ReactNode {
  const { endedAt, cancelAt, cancelAtPeriodEnd, currentPeriodEnd, canceledAt } = subscription;
  if (endedAt) {
    return (
      <>
        Ended on <Day date={endedAt} />
      </>
    );
  }
  if (cancelAt) {
    return (
      <>
        Cancels on <Day date={cancelAt} />
      </>
    );
  }
  if (cancelAtPeriodEnd) {
    return currentPeriodEnd ? (
      <>
        Cancels at the period end, <Day date={currentPeriodEnd} />
      </>
    ) : (
      "Cancels at the period end"
    );
  }
  if (canceledAt) {
    return (
      <>
        Canceled on <Day date={canceledAt} />
      </>
    );
  }
  return "Not set to cancel";
}

/** The subscription as an admin needs it: plan, status, period, what happens next. */
export function SubscriptionFacts({ subscription }: { subscription: Subscription }) {
  const { currentPeriodStart: start, currentPeriodEnd: end, status, trialEnd } = subscription;
  const renews = status === "active" && !subscription.cancelAtPeriodEnd && !subscription.cancelAt;
  return (
    <Facts>
      <Fact term="Plan">
        {PLANS[subscription.planTier].name}
        {subscription.billingPeriod && `, billed ${subscription.billingPeriod}`}
      </Fact>
      <Fact term="Status">
        <SubscriptionStatusBadge status={status} />
      </Fact>
      <Fact term="Subscription">
        <Mono>{subscription.stripeSubscriptionId}</Mono>
      </Fact>
      <Fact term="Current period">
        {start && end ? (
          <>
            <Day date={start} /> to <Day date={end} />
          </>
        ) : (
          "Unknown"
        )}
      </Fact>
      {status === "trialing" && trialEnd && (
        <Fact term="Trial ends">
          <Day date={trialEnd} />
        </Fact>
      )}
      {renews && end && (
        <Fact term="Renews on">
          <Day date={end} />
        </Fact>
      )}
      <Fact term="Cancellation">{cancellation(subscription)}</Fact>
      {subscription.meteredItemRestoredAt && (
        <Fact term="Metered item">
          Removed outside Tollgate; restored on <Day date={subscription.meteredItemRestoredAt} />
        </Fact>
      )}
      {subscription.paymentFailedAt && (
        <Fact term="First failed payment">
          <Moment date={subscription.paymentFailedAt} />
        </Fact>
      )}
    </Facts>
  );
}
