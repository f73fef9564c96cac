const SECTIONS = ["account", "subscription", "entitlements", "invoices"] as const;

/** Shown while a customer loads: the page's sections, announced once to screen readers. */
export default function CustomerLoading() {
  return (
    <div role="status">
      <span className="sr-only">Loading customer…</span>
      <div aria-hidden="true" className="motion-safe:animate-pulse">
        <div className="h-4 w-24 rounded bg-slate-200" />
        <div className="mt-3 h-8 w-72 max-w-full rounded bg-slate-200" />
        {SECTIONS.map((section) => (
          <div key={section} className="mt-8 h-32 rounded-xl border border-slate-200 bg-slate-50" />
        ))}
      </div>
    </div>
  );
}
