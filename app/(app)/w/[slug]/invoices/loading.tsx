const ROWS = ["first", "second", "third", "fourth", "fifth", "sixth"] as const;

/** Shown while the invoices load: the page's shape, announced once to screen readers. */
export default function InvoicesLoading() {
  return (
    <>
      <h1 className="text-2xl font-bold tracking-tight text-slate-900">Invoices</h1>
      <div role="status" className="mt-6">
        <span className="sr-only">Loading invoices…</span>
        <div
          aria-hidden="true"
          className="overflow-hidden rounded-xl border border-slate-200 motion-safe:animate-pulse"
        >
          <div className="h-9 bg-slate-50" />
          {ROWS.map((row) => (
            <div key={row} className="flex gap-4 border-t border-slate-100 px-4 py-3">
              <div className="h-4 w-24 rounded bg-slate-200" />
              <div className="h-4 w-20 rounded bg-slate-200" />
              <div className="ml-auto h-4 w-16 rounded bg-slate-200" />
            </div>
          ))}
        </div>
      </div>
    </>
  );
}
