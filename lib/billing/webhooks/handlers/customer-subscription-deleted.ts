import { handler, idOf } from "../handler";

/** customer.subscription.deleted: The subscription ended: the mirror shows it canceled, and entitlements fall back to Free. */
export const customerSubscriptionDeleted = handler("customer.subscription.deleted", {
  customerOf: (subscription) => idOf(subscription.customer),
});
