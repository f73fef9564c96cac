import { handler, idOf } from "../handler";

/** invoice.voided: The invoice was voided. */
export const invoiceVoided = handler("invoice.voided", {
  customerOf: (invoice) => idOf(invoice.customer),
});
