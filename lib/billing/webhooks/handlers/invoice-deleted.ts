import { handler, idOf } from "../handler";

/** invoice.deleted: A draft was deleted: Stripe answers 404 for it, and its mirrored row goes. */
export const invoiceDeleted = handler("invoice.deleted", {
  customerOf: (invoice) => idOf(invoice.customer),
});
