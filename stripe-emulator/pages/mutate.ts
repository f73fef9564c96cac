/** All-or-nothing state changes for the pages' form posts, by the rule the API's requests follow. */
import type { Emulator } from "../context";
import { StripeApiError } from "../errors";

export type Mutation<T> = { ok: true; value: T } | { ok: false; error: StripeApiError };

/**
 * Runs a state change as the API runs a request: a thrown error puts `em.state` back as it
 * was, except a 402 card error, whose failed attempt (and its events) is real. Other errors
 * than Stripe's are thrown on after the state is restored. Persists in every case.
 *
 * Objects read before the call may belong to the discarded state afterwards: read them again.
 */
export function mutate<T>(em: Emulator, change: () => T): Mutation<T> {
  const snapshot = structuredClone(em.state);
  try {
    return { ok: true, value: change() };
  } catch (error) {
    const keepsChanges = error instanceof StripeApiError && error.status === 402;
    if (!keepsChanges) em.state = snapshot;
    if (error instanceof StripeApiError) return { ok: false, error };
    throw error;
  } finally {
    em.changed();
  }
}
