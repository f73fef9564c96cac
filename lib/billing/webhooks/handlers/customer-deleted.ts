import { handler } from "../handler";

/** customer.deleted: The customer was deleted in Stripe: the link is marked deleted, its subscriptions end. */
export const customerDeleted = handler("customer.deleted", {
  customerOf: (customer) => customer.id,
});
