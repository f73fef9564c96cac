import { handler, idOf } from "../handler";

/** invoice.created: A draft invoice (renewal, upgrade or first invoice). */
export const invoiceCreated = handler("invoice.created", {
  customerOf: (invoice) => idOf(invoice.customer),
});
