/**
 * The plan catalog: the one source of truth for tiers, prices, features and limits.
 *
 * Pure data and lookups: no formatting (lib/format/money.ts and limit.ts), so db/schema.ts imports it alone.
 * Stripe prices are found by lookup key (`npm run stripe:sync` pushes them from this file,
 * catalog/push-catalog.ts); amounts here are what the pricing page shows and what is pushed.
 * Nothing the client sends chooses a price: callers pass a tier and a period, and the server
 * resolves the key.
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

export interface PlanDefinition {
  readonly name: string;
  readonly tagline: string;
  readonly prices: Readonly<Record<BillingPeriod, PlanPrice>>;
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

/** Price of a plan for a billing period, in cents. */
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
