import { handler, idOf } from "../handler";

/** invoice.finalized: The invoice got its number, hosted page and PDF. */
export const invoiceFinalized = handler("invoice.finalized", {
  customerOf: (invoice) => idOf(invoice.customer),
});
