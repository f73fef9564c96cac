import { handler, idOf } from "../handler";

/** customer.subscription.resumed: A paused subscription was resumed. */
export const customerSubscriptionResumed = handler("customer.subscription.resumed", {
  customerOf: (subscription) => idOf(subscription.customer),
});
