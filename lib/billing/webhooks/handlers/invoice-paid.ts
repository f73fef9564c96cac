import { handler, idOf } from "../handler";

/** invoice.paid: The invoice was paid: a past_due subscription is active again, its grace period over. */
export const invoicePaid = handler("invoice.paid", {
  customerOf: (invoice) => idOf(invoice.customer),
});
