/**
 * The plan catalog: the one source of truth for tiers, prices, features and limits.
 *
 * Pure data and lookups: no formatting (lib/format/money.ts and limit.ts), so db/schema.ts imports it alone.
 * Stripe prices are found by lookup key (`npm run stripe:sync` pushes them from this file,
 * catalog/push-catalog.ts); amounts here are what the pricing page shows and what is pushed.
 * Nothing the client sends chooses a price: callers pass a tier and a period, and the server
 * resolves the key.
 *
 * Seats: a workspace is billed per member (seat). Free takes up to `maxMembers` and has no price.
 * A paid plan's price includes `includedMembers`, and each further member costs
 * `extraMember[period]`. In Stripe each paid plan's licensed price under its lookup key is a
 * graduated tiered price with a flat first tier — `billing_scheme: "tiered"`,
 * `tiers_mode: "graduated"`, tiers `[{ up_to: includedMembers, flat_amount: amount,
 * unit_amount: 0 }, { up_to: "inf", unit_amount: extraMember[period] }]` — and the subscription
 * item's `quantity` is the number of members. Why one tiered price rather than a base item plus
 * a seat item: a subscription keeps one licensed item, so a plan change (which swaps the price on
 * that item) carries the quantity over, the plan is still read from the item's lookup key, the
 * quantity the mirror records is the billed one, and Stripe prorates a quantity change of a
 * tiered price on its own. `planAmount` is what Stripe bills for a number of members.
 * `prices[period].amount` stays the base (flat) amount: what the plan costs with up to
 * `includedMembers` members. The metered API-calls price is a separate item, not per seat.
 *
 * Adding a tier is one entry in `PLANS`. `PlanTier` is derived from its keys, so every
 * `Record<PlanTier, …>` and every exhaustive `switch` elsewhere stops compiling until it
 * handles the new tier, and the database check on `plan_tier` follows after
 * `npm run db:generate`.
 */

export const BILLING_PERIODS = ["monthly", "yearly"] as const;
export type BillingPeriod = (typeof BILLING_PERIODS)[number];

export const FEATURES = [
  "websocketStreaming",
  "prioritySupport",
  "advancedAnalytics",
  "sso",
] as const;
export type Feature = (typeof FEATURES)[number];

/** Metrics counted per UTC day. */
export const DAILY_METRICS = ["videos_processed", "matches_performed"] as const;
/** Metrics counted per calendar month in UTC (storage is a level, capped per month's plan). */
export const MONTHLY_METRICS = ["api_calls", "storage_bytes"] as const;
export const METRICS = [...MONTHLY_METRICS, ...DAILY_METRICS] as const;
export type DailyMetric = (typeof DAILY_METRICS)[number];
export type MonthlyMetric = (typeof MONTHLY_METRICS)[number];
export type Metric = (typeof METRICS)[number];

export interface PlanPrice {
  /** Amount in the currency's smallest unit (cents). */
  readonly amount: number;
  /** Stripe price lookup key; null for a plan that is never bought (Free). */
  readonly lookupKey: string | null;
}

/** A plan without a seat price: it takes at most `maxMembers` members. */
export interface MemberCap {
  readonly maxMembers: number;
}

/**
 * A plan billed per seat: its price includes `includedMembers`; each further member costs
 * `extraMember[period]` (cents) per period. No cap on members.
 */
export interface SeatPricing {
  readonly includedMembers: number;
  readonly extraMember: Readonly<Record<BillingPeriod, number>>;
}

export type SeatTerms = MemberCap | SeatPricing;

export interface PlanDefinition {
  readonly name: string;
  readonly tagline: string;
  /** `amount` is the base price: what the plan costs with up to its included members. */
  readonly prices: Readonly<Record<BillingPeriod, PlanPrice>>;
  readonly seats: SeatTerms;
  readonly features: Readonly<Record<Feature, boolean>>;
  readonly limits: {
    readonly daily: Readonly<Record<DailyMetric, number>>;
    readonly monthly: Readonly<Record<MonthlyMetric, number>>;
  };
}

export const CURRENCY = "usd";

/** Storage limits are whole gibibytes, shown as "GB". */
export const GB = 1024 ** 3;

export const PLANS = {
  free: {
    name: "Free",
    tagline: "For trying things out and side projects.",
    prices: {
      monthly: { amount: 0, lookupKey: null },
      yearly: { amount: 0, lookupKey: null },
    },
    seats: { maxMembers: 2 },
    features: {
      websocketStreaming: false,
      prioritySupport: false,
      advancedAnalytics: false,
      sso: false,
    },
    limits: {
      daily: { videos_processed: 5, matches_performed: 50 },
      monthly: { api_calls: 100, storage_bytes: 1 * GB },
    },
  },
  pro: {
    name: "Pro",
    tagline: "For teams shipping a product to real customers.",
    prices: {
      monthly: { amount: 29_00, lookupKey: "pro_monthly" },
      yearly: { amount: 290_00, lookupKey: "pro_yearly" },
    },
    seats: { includedMembers: 3, extraMember: { monthly: 9_00, yearly: 90_00 } },
    features: {
      websocketStreaming: true,
      prioritySupport: false,
      advancedAnalytics: true,
      sso: false,
    },
    limits: {
      daily: { videos_processed: 100, matches_performed: 1_000 },
      monthly: { api_calls: 10_000, storage_bytes: 50 * GB },
    },
  },
  enterprise: {
    name: "Enterprise",
    tagline: "For organisations with scale, security and support needs.",
    prices: {
      monthly: { amount: 299_00, lookupKey: "enterprise_monthly" },
      yearly: { amount: 2_990_00, lookupKey: "enterprise_yearly" },
    },
    seats: { includedMembers: 25, extraMember: { monthly: 6_00, yearly: 60_00 } },
    features: {
      websocketStreaming: true,
      prioritySupport: true,
      advancedAnalytics: true,
      sso: true,
    },
    limits: {
      daily: { videos_processed: 1_000, matches_performed: 10_000 },
      monthly: { api_calls: 100_000, storage_bytes: 500 * GB },
    },
  },
} as const satisfies Record<string, PlanDefinition>;

export type PlanTier = keyof typeof PLANS;
/** Tiers in display order (cheapest first). */
export const PLAN_TIERS = Object.keys(PLANS) as PlanTier[];

type PaidTierOf<T extends PlanTier> =
  (typeof PLANS)[T]["prices"]["monthly"]["lookupKey"] extends null ? never : T;
export type PaidPlanTier = { [T in PlanTier]: PaidTierOf<T> }[PlanTier];
export type LookupKey = `${PaidPlanTier}_${BillingPeriod}`;

export interface Plan extends PlanDefinition {
  readonly tier: PlanTier;
}

export const FEATURE_LABELS: Record<Feature, string> = {
  websocketStreaming: "WebSocket streaming",
  prioritySupport: "Priority support",
  advancedAnalytics: "Advanced analytics",
  sso: "Single sign-on (SSO)",
};

export const METRIC_LABELS: Record<Metric, string> = {
  api_calls: "API calls",
  storage_bytes: "Storage",
  videos_processed: "Videos processed",
  matches_performed: "Matches",
};

export function isPlanTier(value: unknown): value is PlanTier {
  return typeof value === "string" && Object.hasOwn(PLANS, value);
}

export function isBillingPeriod(value: unknown): value is BillingPeriod {
  return typeof value === "string" && (BILLING_PERIODS as readonly string[]).includes(value);
}

export function getPlan(tier: PlanTier): Plan {
  return { tier, ...PLANS[tier] };
}

export function listPlans(): Plan[] {
  return PLAN_TIERS.map(getPlan);
}

/** A plan that can be bought through Checkout (has Stripe prices). */
export function isPaidTier(tier: PlanTier): tier is PaidPlanTier {
  return PLANS[tier].prices.monthly.lookupKey !== null;
}

export function lookupKeyFor(tier: PaidPlanTier, period: BillingPeriod): LookupKey {
  return `${tier}_${period}`;
}

/** The Stripe product of a paid tier; `npm run stripe:sync` creates it with this id. */
export function stripeProductIdFor(tier: PaidPlanTier): `tollgate_${PaidPlanTier}` {
  return `tollgate_${tier}`;
}

/**
 * API calls are also billed by usage: each paid tier has a metered price (lookup key
 * `pro_api_calls`, …) tied to one Stripe Billing Meter. Usage is reported as meter events named
 * `API_CALLS_METER.eventName`, whose payload carries the Stripe customer id and the count under
 * the two keys below; the meter sums them per customer.
 */
export const METERED_METRIC = "api_calls" satisfies MonthlyMetric;

export const API_CALLS_METER = {
  eventName: "tollgate_api_calls",
  displayName: "API calls",
  customerPayloadKey: "stripe_customer_id",
  valuePayloadKey: "value",
} as const;

/** Price of one API call, in cents as a decimal string (Stripe's `unit_amount_decimal`). */
export const API_CALL_UNIT_AMOUNTS: Readonly<Record<PaidPlanTier, string>> = {
  pro: "0.1",
  enterprise: "0.05",
};

export type MeteredLookupKey = `${PaidPlanTier}_${typeof METERED_METRIC}`;

export function meteredLookupKeyFor(tier: PaidPlanTier): MeteredLookupKey {
  return `${tier}_${METERED_METRIC}`;
}

/**
 * Whether a plan and period carry the metered API-calls price. Monthly plans only: Stripe bills
 * every item of a subscription on one interval, and usage is billed monthly, so on a yearly plan
 * API calls are included up to the plan's limit and not billed by usage.
 */
export function billsUsage(period: BillingPeriod): boolean {
  return period === "monthly";
}

/** Resolves a Stripe lookup key back to its plan and period; null for a key not in the catalog. */
export function planByLookupKey(
  lookupKey: string | null | undefined,
): { plan: Plan; period: BillingPeriod } | null {
  if (!lookupKey) return null;
  for (const tier of PLAN_TIERS) {
    for (const period of BILLING_PERIODS) {
      if (PLANS[tier].prices[period].lookupKey === lookupKey) {
        return { plan: getPlan(tier), period };
      }
    }
  }
  return null;
}

/**
 * Base price of a plan for a billing period, in cents: with up to its included members
 * (`planAmount` prices a number of members).
 */
export function priceFor(tier: PlanTier, period: BillingPeriod): number {
  return PLANS[tier].prices[period].amount;
}

/** What a year costs at the monthly price minus the yearly price, in cents (0 for Free). */
export function yearlySaving(tier: PlanTier): number {
  return priceFor(tier, "monthly") * 12 - priceFor(tier, "yearly");
}

/** The yearly saving as a whole percentage of twelve monthly payments. */
export function yearlySavingPercent(tier: PlanTier): number {
  const twelveMonths = priceFor(tier, "monthly") * 12;
  return twelveMonths === 0 ? 0 : Math.round((yearlySaving(tier) / twelveMonths) * 100);
}

export function seatTerms(tier: PlanTier): SeatTerms {
  return PLANS[tier].seats;
}

/** The seat pricing of a paid plan (every paid plan has one: the type checker holds it to it). */
export function seatPricing(tier: PaidPlanTier): SeatPricing {
  return PLANS[tier].seats;
}

/** A plan billed per seat (a paid plan), as opposed to one that caps members (Free). */
export function isSeatPricing(terms: SeatTerms): terms is SeatPricing {
  return "includedMembers" in terms;
}

/** Members a plan takes at no extra charge: Free's cap, a paid plan's included members. */
export function includedSeats(tier: PlanTier): number {
  const terms = seatTerms(tier);
  return isSeatPricing(terms) ? terms.includedMembers : terms.maxMembers;
}

/** The most members a plan allows: Free's cap; null (unlimited) for a plan billed per seat. */
export function memberLimit(tier: PlanTier): number | null {
  const terms = seatTerms(tier);
  return isSeatPricing(terms) ? null : terms.maxMembers;
}

/** Whether a plan allows `members` members (for a new member: the count with them). */
export function allowsMembers(tier: PlanTier, members: number): boolean {
  const limit = memberLimit(tier);
  return limit === null || checkedMembers(members) <= limit;
}

/** What each member beyond the included ones costs on a paid plan per period, in cents. */
export function extraSeatAmount(tier: PaidPlanTier, period: BillingPeriod): number {
  return seatPricing(tier).extraMember[period];
}

function checkedMembers(members: number): number {
  if (!Number.isInteger(members) || members < 0) {
    throw new RangeError(`a number of members must be a whole number, 0 or more: ${members}`);
  }
  return members;
}

/**
 * Members billed beyond those a plan includes: 0 up to the included members, and always 0 on
 * a plan without a seat price (Free caps members instead: `memberLimit`). Throws RangeError for
 * a count that is not a whole number, 0 or more.
 */
export function extraSeats(tier: PlanTier, members: number): number {
  const count = checkedMembers(members);
  const terms = seatTerms(tier);
  return isSeatPricing(terms) ? Math.max(0, count - terms.includedMembers) : 0;
}

/**
 * What a plan costs for a period with `members` members, in cents: the base price plus each
 * member beyond the included ones at the extra-seat amount — what Stripe bills for the
 * subscription item's quantity under the plan's graduated tiers. 0 for Free. Throws RangeError
 * for a count that is not a whole number, 0 or more.
 */
export function planAmount(tier: PlanTier, period: BillingPeriod, members: number): number {
  const extra = extraSeats(tier, members);
  if (!isPaidTier(tier)) return priceFor(tier, period);
  return priceFor(tier, period) + extra * extraSeatAmount(tier, period);
}
