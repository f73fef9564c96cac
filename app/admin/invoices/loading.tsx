/** Shown while the invoice list and its totals load. */
export default function Loading() {
  return (
    <>
      <h1 className="text-2xl font-bold tracking-tight text-slate-900">Invoices</h1>
      <div role="status" className="mt-6">
        <span className="sr-only">Loading invoices…</span>
        <div aria-hidden="true" className="animate-pulse space-y-4">
          <div className="h-32 rounded-xl bg-slate-100" />
          <div className="grid grid-cols-1 gap-4 sm:grid-cols-3">
            <div className="h-20 rounded-xl bg-slate-100" />
            <div className="h-20 rounded-xl bg-slate-100" />
          </div>
          <div className="h-80 rounded-xl bg-slate-100" />
        </div>
      </div>
    </>
  );
}
