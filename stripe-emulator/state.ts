/**
 * Everything the emulator knows, as one JSON-serialisable object: the Stripe objects by id,
 * plus what Stripe keeps out of sight (card behaviour, pending proration lines, retry times,
 * webhook secrets, the delivery queue and log). Persisted whole to a file in development.
 */
import type Stripe from "stripe";

/** What a test card does when charged. */
export type CardBehaviour = "succeed" | "fail_charges" | "decline";

/** A line waiting for the subscription's next invoice (a proration). */
export interface PendingLine {
  id: string;
  description: string;
  amount: number;
  price: string;
  subscriptionItem: string;
  periodStart: number;
  periodEnd: number;
  quantity: number;
}

export interface SubscriptionState {
  /** trial_end for which trial_will_end was sent, so it is sent once per trial. */
  trialWillEndSentFor: number | null;
  pendingLines: PendingLine[];
}

export interface StoredMeterEvent {
  event: Stripe.Billing.MeterEvent;
  meter: string;
  customer: string;
  value: number;
}

export interface DeliveryAttempt {
  id: string;
  event: string;
  type: string;
  endpoint: string;
  url: string;
  attempt: number;
  at: number;
  status: number | null;
  ok: boolean;
  error: string | null;
  durationMs: number;
  duplicate: boolean;
}

export interface QueuedDelivery {
  event: string;
  endpoint: string;
  attempt: number;
  /** Epoch milliseconds (wall time: retries follow real time, not test clocks). */
  dueAt: number;
  duplicate: boolean;
}

export interface IdempotentResponse {
  key: string;
  fingerprint: string;
  status: number;
  body: string;
  createdAt: number;
}

export interface Switches {
  /** Each event is delivered this many times (at least once). */
  duplicates: number;
  /** Deliveries due together go out in random order. */
  shuffle: boolean;
  /** Extra wait before each first attempt, milliseconds. */
  delayMs: number;
  /** The first N attempts of every event fail without reaching the endpoint. */
  failFirstAttempts: number;
  /** What happens to a subscription when the last retry of its invoice fails. */
  finalFailure: "cancel" | "unpaid" | "past_due";
}

/**
 * What the next `remaining` API requests meet: an error answer with `status`, or (`hangMs`) an
 * answer held back that long — the request is served, so a client that gave up on it may still
 * have changed something, as when Stripe times out.
 */
export type Fault =
  | { status: 409 | 429 | 500 | 503; remaining: number }
  | { hangMs: number; remaining: number };

export interface EmulatorState {
  version: 1;
  /** Seconds added to wall time for objects on no test clock. */
  clockOffset: number;
  invoiceSequence: number;
  customers: Record<string, Stripe.Customer>;
  /** Ids of deleted customers: retrieving one answers `{ deleted: true }`, as Stripe does. */
  deletedCustomers: Record<string, true>;
  products: Record<string, Stripe.Product>;
  prices: Record<string, Stripe.Price>;
  /** The tiers of each tiered price, by price id: Stripe returns them only when expanded. */
  priceTiers: Record<string, Stripe.Price.Tier[]>;
  checkoutSessions: Record<string, Stripe.Checkout.Session>;
  checkoutLineItems: Record<string, Stripe.LineItem[]>;
  checkoutSettings: Record<
    string,
    {
      trialDays: number | null;
      trialEnd: number | null;
      subscriptionMetadata: Stripe.Metadata;
      description: string | null;
    }
  >;
  portalConfigurations: Record<string, Stripe.BillingPortal.Configuration>;
  portalSessions: Record<string, Stripe.BillingPortal.Session>;
  subscriptions: Record<string, Stripe.Subscription>;
  subscriptionState: Record<string, SubscriptionState>;
  invoices: Record<string, Stripe.Invoice>;
  meters: Record<string, Stripe.Billing.Meter>;
  meterEvents: Record<string, StoredMeterEvent>;
  paymentMethods: Record<string, Stripe.PaymentMethod>;
  cardBehaviour: Record<string, CardBehaviour>;
  events: Record<string, Stripe.Event>;
  webhookEndpoints: Record<string, Stripe.WebhookEndpoint>;
  webhookSecrets: Record<string, string>;
  testClocks: Record<string, Stripe.TestHelpers.TestClock>;
  deliveries: DeliveryAttempt[];
  queue: QueuedDelivery[];
  idempotency: Record<string, IdempotentResponse>;
  switches: Switches;
  faults: Fault[];
  /** Creation order of every object, for lists (newest first) and stable cursors. */
  order: Record<string, number>;
  orderCounter: number;
}

export const DEFAULT_SWITCHES: Switches = {
  duplicates: 1,
  shuffle: false,
  delayMs: 0,
  failFirstAttempts: 0,
  finalFailure: "cancel",
};

const DAY_SECONDS = 86_400;

/**
 * Forgets what Stripe forgets: idempotent results after 24 hours and meter event identifiers
 * after 35 days (their timestamp window). Idempotent results are the bulk: stripe-node sends a
 * key with every POST. Events are kept: those on test clocks carry the clock's time, which may
 * be long past.
 */
export function pruneState(state: EmulatorState, now: number): void {
  for (const [key, stored] of Object.entries(state.idempotency)) {
    if (stored.createdAt <= now - DAY_SECONDS) delete state.idempotency[key];
  }
  for (const [id, stored] of Object.entries(state.meterEvents)) {
    if (stored.event.created <= now - 35 * DAY_SECONDS) delete state.meterEvents[id];
  }
}

export function emptyState(): EmulatorState {
  return {
    version: 1,
    clockOffset: 0,
    invoiceSequence: 0,
    customers: {},
    deletedCustomers: {},
    products: {},
    prices: {},
    priceTiers: {},
    checkoutSessions: {},
    checkoutLineItems: {},
    checkoutSettings: {},
    portalConfigurations: {},
    portalSessions: {},
    subscriptions: {},
    subscriptionState: {},
    invoices: {},
    meters: {},
    meterEvents: {},
    paymentMethods: {},
    cardBehaviour: {},
    events: {},
    webhookEndpoints: {},
    webhookSecrets: {},
    testClocks: {},
    deliveries: [],
    queue: [],
    idempotency: {},
    switches: { ...DEFAULT_SWITCHES },
    faults: [],
    order: {},
    orderCounter: 0,
  };
}
