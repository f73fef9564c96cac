const ROWS = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth"] as const;

/** Shown while customers load: the list's shape, announced once to screen readers. */
export default function CustomersLoading() {
  return (
    <>
      <h1 className="text-2xl font-bold tracking-tight text-slate-900">Customers</h1>
      <div role="status" className="mt-6">
        <span className="sr-only">Loading customers…</span>
        <div aria-hidden="true" className="motion-safe:animate-pulse">
          <div className="h-10 max-w-xl rounded-lg bg-slate-100" />
          <div className="mt-6 overflow-hidden rounded-xl border border-slate-200">
            <div className="h-9 bg-slate-50" />
            {ROWS.map((row) => (
              <div key={row} className="flex gap-4 border-t border-slate-100 px-4 py-3">
                <div className="h-4 w-48 rounded bg-slate-200" />
                <div className="h-4 w-24 rounded bg-slate-200" />
                <div className="ml-auto h-4 w-20 rounded bg-slate-200" />
              </div>
            ))}
          </div>
        </div>
      </div>
    </>
  );
}
