import { handler, idOf } from "../handler";

/** customer.subscription.paused: A trial ended without a payment method and the subscription paused: no plan until resumed. */
export const customerSubscriptionPaused = handler("customer.subscription.paused", {
  customerOf: (subscription) => idOf(subscription.customer),
});
