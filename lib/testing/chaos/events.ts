/**
 * The emulator's events, read through its API as Stripe's events are: all of them, or those
 * made since the last look.
 */
import type Stripe from "stripe";

/** The emulator's events as they come (`eventFeed`). */
export interface EventFeed {
  /** The events made since the last call (the first: all of them), oldest first. */
  next(): Promise<Stripe.Event[]>;
  /** Every event `next` has answered so far, oldest first. */
  all(): Stripe.Event[];
}

export function eventFeed(stripe: Stripe): EventFeed {
  const seen: Stripe.Event[] = [];
  const ids = new Set<string>();
  return {
    async next() {
      const fresh: Stripe.Event[] = [];
      // Newest first, in the order they were made: stop at the first one already seen.
      for await (const event of stripe.events.list({ limit: 100 })) {
        if (ids.has(event.id)) break;
        fresh.push(event);
      }
      fresh.reverse();
      for (const event of fresh) {
        ids.add(event.id);
        seen.push(event);
      }
      return fresh;
    },
    all: () => [...seen],
  };
}

/** Every event the emulator has made, oldest first. */
export async function allEvents(stripe: Stripe): Promise<Stripe.Event[]> {
  const events: Stripe.Event[] = [];
  for await (const event of stripe.events.list({ limit: 100 })) events.push(event);
  return events.reverse();
}
