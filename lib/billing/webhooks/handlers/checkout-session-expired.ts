import { handler, idOf } from "../handler";

/** checkout.session.expired: A checkout was abandoned; nothing changes unless it named a customer. */
export const checkoutSessionExpired = handler("checkout.session.expired", {
  customerOf: (session) => idOf(session.customer),
});
