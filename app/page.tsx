import { LinkButton } from "@/components/ui/button";

const POINTS = [
  {
    title: "Webhooks that add up",
    body: "Stripe delivers events at least once, in any order, for days. Tollgate records each one in a ledger and applies it so the result is the same whatever the order or the duplicates.",
  },
  {
    title: "Usage, metered and enforced",
    body: "A usage ledger, plan limits checked on every call, and reporting to Stripe Billing Meters that counts each unit once.",
  },
  {
    title: "Money you can see",
    body: "Invoices mirrored in Postgres, customers, MRR and failed payments in an admin area that stays fast at a million invoices.",
  },
  {
    title: "Yours to run",
    body: "Open source and self-hosted. It runs offline on a laptop, with an embedded Postgres and a bundled Stripe emulator, and in production on your Postgres and Stripe account.",
  },
];

export default function HomePage() {
  return (
    <>
      <section className="bg-gradient-to-b from-brand-50 to-white">
        <div className="mx-auto max-w-6xl px-4 py-20 text-center sm:px-6 sm:py-28">
          <h1 className="mx-auto max-w-3xl text-4xl font-bold tracking-tight text-slate-900 sm:text-6xl">
            The billing surface of your SaaS, on Stripe
          </h1>
          <p className="mx-auto mt-6 max-w-2xl text-lg text-slate-600">
            Pricing, checkout with trials, the customer portal, upgrades and cancellations, grace
            periods, metered usage, invoices and revenue, in one Next.js app you host yourself.
          </p>
          <div className="mt-10 flex flex-wrap justify-center gap-4">
            <LinkButton href="/pricing" size="lg">
              See pricing
            </LinkButton>
            <LinkButton href="/sign-up" size="lg" variant="secondary">
              Create an account
            </LinkButton>
          </div>
        </div>
      </section>
      <section aria-labelledby="why" className="mx-auto max-w-6xl px-4 py-16 sm:px-6">
        <h2 id="why" className="sr-only">
          Why Tollgate
        </h2>
        <ul className="grid gap-8 sm:grid-cols-2">
          {POINTS.map((point) => (
            <li key={point.title} className="rounded-xl border border-slate-200 p-6">
              <h3 className="text-lg font-semibold text-slate-900">{point.title}</h3>
              <p className="mt-2 text-slate-600">{point.body}</p>
            </li>
          ))}
        </ul>
      </section>
    </>
  );
}
