import { handler, idOf } from "../handler";

/** invoice.updated: Any other change to an invoice. */
export const invoiceUpdated = handler("invoice.updated", {
  customerOf: (invoice) => idOf(invoice.customer),
});
