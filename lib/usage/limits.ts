import "server-only";
import { getPlan, type Metric, PLAN_TIERS, type PlanTier } from "@/lib/billing/catalog/plans";
import { AppError } from "@/lib/errors";
import { formatLimit } from "@/lib/format/limit";
import { limitFor } from "./summary";
import { resetsAt, type UsageWindow } from "./windows";

/** A request that would take a metric past the plan's limit. */
export interface LimitBreach {
  metric: Metric;
  tier: PlanTier;
  limit: number;
  /** Already used in the window (for storage: the current level), before this request. */
  used: number;
  /** What the window would reach with this request (for storage: the new level). */
  needed: number;
  window: UsageWindow;
  now: Date;
  /** The record of a batch that crossed the limit. */
  index?: number;
}

const NOUNS: Record<Metric, string> = {
  api_calls: "API calls",
  videos_processed: "videos processed",
  matches_performed: "matches",
  storage_bytes: "of storage",
};

const PER: Record<UsageWindow["kind"], string> = { month: " a month", day: " a day", level: "" };

function amount(metric: Metric, value: number): string {
  return `${formatLimit(metric, value)} ${NOUNS[metric]}`;
}

/** The cheapest plan above `tier` whose limit for the metric would allow `needed`, if any. */
export function upgradeFor(tier: PlanTier, metric: Metric, needed: number): PlanTier | null {
  const above = PLAN_TIERS.slice(PLAN_TIERS.indexOf(tier) + 1);
  return above.find((candidate) => limitFor(getPlan(candidate).limits, metric) >= needed) ?? null;
}

/**
 * The refusal for a breach: 402 `payment_required` when a higher plan's limit would allow the
 * request (the message names that plan), else 429 `limit_exceeded` (the message says when the
 * count resets, with Retry-After; storage never resets by itself, so it asks for space to be
 * freed). Both carry `{ metric, limit, used, requested, resetsAt }`, plus `upgradeTo` and, for a
 * batch, the `index` of the record that crossed the limit.
 */
export function limitError(breach: LimitBreach): AppError {
  const { metric, tier, limit, used, needed, window, now, index } = breach;
  const per = PER[window.kind];
  const resets = resetsAt(window);
  const prefix = index === undefined ? "" : `Record ${index}: `;
  const details: Record<string, unknown> = {
    metric,
    limit,
    used,
    requested: window.kind === "level" ? needed : needed - used,
    resetsAt: resets?.toISOString() ?? null,
    ...(index === undefined ? {} : { index }),
  };

  const upgrade = upgradeFor(tier, metric, needed);
  if (upgrade) {
    const plan = getPlan(upgrade);
    const upgradeLimit = limitFor(plan.limits, metric);
    return new AppError(
      "payment_required",
      `${prefix}Your ${getPlan(tier).name} plan allows ${amount(metric, limit)}${per} and this ` +
        `would reach ${amount(metric, needed)}. Upgrade to ${plan.name} for ` +
        `${amount(metric, upgradeLimit)}${per}.`,
      { details: { ...details, upgradeTo: upgrade } },
    );
  }
  if (!resets) {
    return new AppError(
      "limit_exceeded",
      `${prefix}${amount(metric, needed)} is more than the ${amount(metric, limit)} your plan ` +
        "allows. Free up space first.",
      { details },
    );
  }
  const retryAfter = Math.max(1, Math.ceil((resets.getTime() - now.getTime()) / 1000));
  return new AppError(
    "limit_exceeded",
    `${prefix}You have used ${formatLimit(metric, used)} of your ${amount(metric, limit)}${per}; ` +
      `this would go past the limit. The count resets at ${resets.toISOString()}.`,
    { details, headers: { "Retry-After": String(retryAfter) } },
  );
}
