/** Shown while the billing page reads the plan (and, back from Checkout, confirms it). */
export default function BillingLoading() {
  return (
    <div role="status" aria-live="polite" className="max-w-2xl">
      <p className="sr-only">Loading your billing details…</p>
      <div aria-hidden="true" className="animate-pulse space-y-4">
        <div className="h-8 w-40 rounded bg-slate-200" />
        <div className="h-32 rounded-xl bg-slate-100" />
        <div className="h-24 rounded-xl bg-slate-100" />
      </div>
    </div>
  );
}
