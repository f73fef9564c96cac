import Link from "next/link";

export function SiteFooter() {
  return (
    <footer className="mt-24 border-t border-slate-200 bg-slate-50">
      <div className="mx-auto flex max-w-6xl flex-col gap-2 px-4 py-8 text-sm text-slate-600 sm:flex-row sm:items-center sm:justify-between sm:px-6">
        <p>Tollgate: the billing surface of a SaaS, on Stripe. Open source, MIT.</p>
        <nav aria-label="Footer" className="flex gap-4">
          <Link href="/pricing" className="underline-offset-4 hover:underline">
            Pricing
          </Link>
          <a href="/api/health" className="underline-offset-4 hover:underline">
            Status
          </a>
        </nav>
      </div>
    </footer>
  );
}
