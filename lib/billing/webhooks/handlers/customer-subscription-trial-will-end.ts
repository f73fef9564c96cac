import { handler, idOf } from "../handler";

/** customer.subscription.trial_will_end: Three days before a trial ends; the account page's trial banner reads the mirrored trial end. */
export const customerSubscriptionTrialWillEnd = handler("customer.subscription.trial_will_end", {
  customerOf: (subscription) => idOf(subscription.customer),
});
