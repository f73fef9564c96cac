/**
 * What a price charges for a quantity, as Stripe computes it, and the tiers of tiered prices.
 *
 * A `per_unit` price charges its unit amount (`unit_amount_decimal` when it has a fraction) per
 * unit. A `tiered` price has `unit_amount` null and charges by its tiers: `graduated` adds up
 * each tier the quantity reaches (its units at the tier's unit amount, plus the tier's flat
 * amount), `volume` charges every unit at the one tier the whole quantity falls in (plus that
 * tier's flat amount). The first tier's flat amount is charged even for a quantity of 0, as at
 * Stripe (a flat fee with included units). The total is rounded to the currency's smallest unit.
 *
 * Stripe returns `tiers` only when asked (`expand[]=tiers`), so they are kept beside the price
 * (`state.priceTiers`) and put on a copy of it by `Emulator.expand`.
 */
import type Stripe from "stripe";
import type { Emulator } from "./context";
import { invalidRequest } from "./errors";
import { decimal } from "./invoices";
import { int, objList, oneOf, type Params, str } from "./params";

/** Stripe's bounds: a tier's upper bound is a whole number, and its decimals carry 12 places. */
const DECIMAL = /^\d+(\.\d{1,12})?$/;

function amountParam(
  tier: Params,
  key: "flat_amount" | "unit_amount",
  path: string,
): { amount: number | null; decimal: Stripe.Decimal | null } {
  const whole = int(tier, key, `${path}[${key}]`);
  const text = str(tier, `${key}_decimal`, `${path}[${key}_decimal]`);
  if (whole !== undefined && text !== undefined) {
    throw invalidRequest(
      `You may only specify one of these parameters: ${key}, ${key}_decimal.`,
      `${path}[${key}]`,
    );
  }
  if (whole !== undefined) {
    if (whole < 0) throw invalidRequest(`${key} must be at least 0.`, `${path}[${key}]`);
    return { amount: whole, decimal: decimal(String(whole)) };
  }
  if (text === undefined || text === "") return { amount: null, decimal: null };
  if (!DECIMAL.test(text)) {
    throw invalidRequest(`Invalid decimal: ${text}`, `${path}[${key}_decimal]`);
  }
  const value = Number(text);
  return { amount: Number.isInteger(value) ? value : null, decimal: decimal(text) };
}

/**
 * The tiers of a price being created, checked as Stripe checks them: at least one, each with
 * an amount, upper bounds rising, and the last one `inf` (returned as `up_to: null`).
 */
export function readTiers(params: Params): Stripe.Price.Tier[] {
  const specs = objList(params, "tiers");
  if (!specs || specs.length === 0) {
    throw invalidRequest("Missing required param: tiers.", "tiers", "parameter_missing");
  }
  let previous = 0;
  return specs.map((spec, index) => {
    const path = `tiers[${index}]`;
    const upTo = str(spec, "up_to", `${path}[up_to]`);
    const last = index === specs.length - 1;
    if (upTo === undefined || upTo === "") {
      throw invalidRequest(`Missing required param: ${path}[up_to].`, `${path}[up_to]`);
    }
    if ((upTo === "inf") !== last) {
      throw invalidRequest(
        "The last tier must have up_to=inf, and only the last tier.",
        `${path}[up_to]`,
      );
    }
    let bound: number | null = null;
    if (upTo !== "inf") {
      bound = int(spec, "up_to", `${path}[up_to]`) ?? 0;
      if (bound <= previous) {
        throw invalidRequest(
          "Tiers must be in ascending order of up_to, each above the one before and above 0.",
          `${path}[up_to]`,
        );
      }
      previous = bound;
    }
    const flat = amountParam(spec, "flat_amount", path);
    const unit = amountParam(spec, "unit_amount", path);
    if (flat.decimal === null && unit.decimal === null) {
      throw invalidRequest(
        `Each tier needs a flat_amount or a unit_amount: ${path}.`,
        `${path}[unit_amount]`,
      );
    }
    return {
      flat_amount: flat.amount,
      flat_amount_decimal: flat.decimal,
      unit_amount: unit.amount,
      unit_amount_decimal: unit.decimal,
      up_to: bound,
    };
  });
}

/** The billing scheme and tiers mode of a price being created (tiers_mode only when tiered). */
export function readBillingScheme(params: Params): {
  scheme: Stripe.Price.BillingScheme;
  mode: Stripe.Price.TiersMode | null;
} {
  const scheme = oneOf(params, "billing_scheme", ["per_unit", "tiered"] as const) ?? "per_unit";
  const mode = oneOf(params, "tiers_mode", ["graduated", "volume"] as const) ?? null;
  if (scheme === "tiered" && !mode) {
    throw invalidRequest(
      "Missing required param: tiers_mode (billing_scheme=tiered).",
      "tiers_mode",
      "parameter_missing",
    );
  }
  if (scheme === "per_unit" && (mode || params.tiers !== undefined)) {
    throw invalidRequest(
      "tiers and tiers_mode can only be set when billing_scheme=tiered.",
      mode ? "tiers_mode" : "tiers",
    );
  }
  return { scheme, mode };
}

function numberOf(amount: number | null, text: Stripe.Decimal | null): number {
  return text !== null ? Number(String(text)) : (amount ?? 0);
}

function graduated(tiers: readonly Stripe.Price.Tier[], quantity: number): number {
  let total = 0;
  let below = 0;
  for (const [index, tier] of tiers.entries()) {
    if (index > 0 && quantity <= below) break;
    const top = tier.up_to ?? Number.POSITIVE_INFINITY;
    const units = Math.max(0, Math.min(quantity, top) - below);
    total += numberOf(tier.flat_amount, tier.flat_amount_decimal);
    total += units * numberOf(tier.unit_amount, tier.unit_amount_decimal);
    below = top;
  }
  return total;
}

function volume(tiers: readonly Stripe.Price.Tier[], quantity: number): number {
  const tier = tiers.find((candidate) => candidate.up_to === null || quantity <= candidate.up_to);
  if (!tier) return 0;
  return (
    numberOf(tier.flat_amount, tier.flat_amount_decimal) +
    quantity * numberOf(tier.unit_amount, tier.unit_amount_decimal)
  );
}

/** The stored tiers of a tiered price; empty for a per-unit one. */
export function tiersOf(em: Emulator, price: Pick<Stripe.Price, "id">): Stripe.Price.Tier[] {
  return em.state.priceTiers[price.id] ?? [];
}

/** What `quantity` units of `price` cost for one full period, in the smallest currency unit. */
export function amountFor(em: Emulator, price: Stripe.Price, quantity: number): number {
  if (price.billing_scheme !== "tiered") {
    return Math.round(quantity * numberOf(price.unit_amount, price.unit_amount_decimal));
  }
  const tiers = tiersOf(em, price);
  return Math.round(
    price.tiers_mode === "volume" ? volume(tiers, quantity) : graduated(tiers, quantity),
  );
}
