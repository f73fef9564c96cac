import { type PlanTier, yearlySavingPercent } from "@/lib/billing/catalog/plans";

/**
 * The monthly/yearly switch: a real radio group, so it needs no JavaScript and works with the
 * keyboard. The prices of both periods are rendered on the server; CSS in globals.css shows
 * the ones for the checked period (see `.pricing`).
 */
export function PeriodToggle({ tiers }: { tiers: readonly PlanTier[] }) {
  const bestSaving = Math.max(...tiers.map(yearlySavingPercent));
  return (
    <fieldset className="mx-auto flex w-fit rounded-full border border-slate-300 bg-slate-100 p-1">
      <legend className="sr-only">Billing period</legend>
      <label className="period-option">
        <input
          type="radio"
          name="period"
          value="monthly"
          id="period-monthly"
          className="period-input"
          defaultChecked
        />
        Monthly
      </label>
      <label className="period-option">
        <input
          type="radio"
          name="period"
          value="yearly"
          id="period-yearly"
          className="period-input"
        />
        Yearly
        {bestSaving > 0 && (
          <span className="ml-2 rounded-full bg-emerald-100 px-2 py-0.5 text-xs font-semibold text-emerald-800">
            save up to {bestSaving}%
          </span>
        )}
      </label>
    </fieldset>
  );
}
