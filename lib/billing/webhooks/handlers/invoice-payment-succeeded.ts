import { handler, idOf } from "../handler";

/** invoice.payment_succeeded: Sent beside invoice.paid for a successful charge. */
export const invoicePaymentSucceeded = handler("invoice.payment_succeeded", {
  customerOf: (invoice) => idOf(invoice.customer),
});
