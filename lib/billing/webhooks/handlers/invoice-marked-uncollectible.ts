import { handler, idOf } from "../handler";

/** invoice.marked_uncollectible: The invoice was written off. */
export const invoiceMarkedUncollectible = handler("invoice.marked_uncollectible", {
  customerOf: (invoice) => idOf(invoice.customer),
});
