/** Shown while the usage page reads the ledger. */
export default function UsageLoading() {
  return (
    <div role="status" aria-live="polite" className="max-w-2xl">
      <p className="sr-only">Loading your usage…</p>
      <div aria-hidden="true" className="animate-pulse space-y-4">
        <div className="h-8 w-32 rounded bg-slate-200" />
        <div className="h-40 rounded-xl bg-slate-100" />
      </div>
    </div>
  );
}
