import { handler } from "../handler";

/** customer.updated: Email or default payment method changed. */
export const customerUpdated = handler("customer.updated", {
  customerOf: (customer) => customer.id,
});
