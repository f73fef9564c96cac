import {
  type BillingPeriod,
  CURRENCY,
  extraSeats,
  isSeatPricing,
  type PlanTier,
  planAmount,
  seatTerms,
} from "@/lib/billing/catalog/plans";
import { formatMoney, PERIOD_UNIT } from "./money";

/**
 * A plan's seat terms for people, from the catalog: catalog prices, so a zero fraction is
 * dropped ("$9"). Pure and safe in client components.
 */

const count = new Intl.NumberFormat("en-US");

function members(n: number): string {
  return `${count.format(n)} ${n === 1 ? "member" : "members"}`;
}

/** "Up to 2 members"; "Includes 3 members, then $9 per member / month". */
export function formatSeatTerms(tier: PlanTier, period: BillingPeriod): string {
  const terms = seatTerms(tier);
  if (!isSeatPricing(terms)) return `Up to ${members(terms.maxMembers)}`;
  const extra = formatExtraSeatPrice(tier, period);
  return `Includes ${members(terms.includedMembers)}, then ${extra} per member / ${PERIOD_UNIT[period]}`;
}

/** The members a plan's price covers, for a table cell: "Up to 2", "3", "25". */
export function formatIncludedMembers(tier: PlanTier): string {
  const terms = seatTerms(tier);
  return isSeatPricing(terms)
    ? count.format(terms.includedMembers)
    : `Up to ${count.format(terms.maxMembers)}`;
}

/** What each further member costs per period ("$9"); null on a plan that caps members (Free). */
export function formatExtraSeatPrice(tier: PlanTier, period: BillingPeriod): string | null {
  const terms = seatTerms(tier);
  if (!isSeatPricing(terms)) return null;
  return formatMoney(terms.extraMember[period], CURRENCY, { dropZeroFraction: true });
}

/**
 * What a plan bills per period for a number of members, with them: "$38/month for 4 members";
 * the plan's price alone while the members fit in it: "$29/month".
 */
export function formatPlanAmountPer(
  tier: PlanTier,
  period: BillingPeriod,
  memberCount: number,
): string {
  const amount = formatMoney(planAmount(tier, period, memberCount), CURRENCY, {
    dropZeroFraction: true,
  });
  const per = `${amount}/${PERIOD_UNIT[period]}`;
  return extraSeats(tier, memberCount) > 0 ? `${per} for ${members(memberCount)}` : per;
}
