import { handler, idOf } from "../handler";

/** invoice.payment_failed: A charge failed: the subscription goes past_due and the grace period starts at the first failure. */
export const invoicePaymentFailed = handler("invoice.payment_failed", {
  customerOf: (invoice) => idOf(invoice.customer),
});
