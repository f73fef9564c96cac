import { handler, idOf } from "../handler";

/** customer.subscription.created: A new subscription (from Checkout or the API): mirrored with its plan, status and period. */
export const customerSubscriptionCreated = handler("customer.subscription.created", {
  customerOf: (subscription) => idOf(subscription.customer),
});
