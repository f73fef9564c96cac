import { handler, idOf } from "../handler";

/** customer.subscription.updated: Plan, status, period or cancellation changed (renewals, upgrades, cancel at period end, past_due). */
export const customerSubscriptionUpdated = handler("customer.subscription.updated", {
  customerOf: (subscription) => idOf(subscription.customer),
});
