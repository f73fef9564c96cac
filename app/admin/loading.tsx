/** Shown inside the admin shell while a page's data loads. */
export default function AdminLoading() {
  return (
    <div role="status" className="motion-safe:animate-pulse">
      <span className="sr-only">Loading…</span>
      <div aria-hidden="true">
        <div className="h-8 w-56 rounded-md bg-slate-200" />
        <div className="mt-6 grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
          {["first", "second", "third"].map((key) => (
            <div key={key} className="h-24 rounded-xl border border-slate-200 bg-slate-50" />
          ))}
        </div>
        <div className="mt-8 h-64 rounded-xl border border-slate-200 bg-slate-50" />
      </div>
    </div>
  );
}
