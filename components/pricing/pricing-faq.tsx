const item = "group rounded-lg border border-slate-200 bg-white px-5 py-4 open:shadow-sm";
const question =
  "cursor-pointer list-none font-medium text-slate-900 marker:hidden after:float-right after:content-['+'] group-open:after:content-['–']";

export function PricingFaq({ trialDays, graceDays }: { trialDays: number; graceDays: number }) {
  return (
    <div className="space-y-3">
      <details className={item}>
        <summary className={question}>Is there a free trial?</summary>
        <p className="mt-2 text-sm text-slate-600">
          {trialDays > 0
            ? `Yes: your first paid subscription starts with a ${trialDays}-day trial. You are charged when it ends, unless you cancel before.`
            : "Paid plans start at once; the Free plan is free for as long as you like."}
        </p>
      </details>
      <details className={item}>
        <summary className={question}>Can I change or cancel my plan?</summary>
        <p className="mt-2 text-sm text-slate-600">
          Any time. Upgrades apply at once and you pay only the difference for the rest of the
          period. Downgrades and cancellations take effect at the end of the period you have paid
          for, and you can resume until then.
        </p>
      </details>
      <details className={item}>
        <summary className={question}>What happens when a payment fails?</summary>
        <p className="mt-2 text-sm text-slate-600">
          You keep your plan for a grace period of {graceDays} {graceDays === 1 ? "day" : "days"}{" "}
          while the payment is retried, and we show you how to update your card. If it still fails,
          the account moves to the Free plan.
        </p>
      </details>
      <details className={item}>
        <summary className={question}>How does yearly billing work?</summary>
        <p className="mt-2 text-sm text-slate-600">
          You pay for twelve months at once, for less than twelve monthly payments. You can switch
          between monthly and yearly from your billing page.
        </p>
      </details>
      <details className={item}>
        <summary className={question}>What counts as an API call?</summary>
        <p className="mt-2 text-sm text-slate-600">
          Each request to the usage API counts once, even when a program retries it with the same
          idempotency key. Monthly limits reset on the first of each month (UTC), daily limits at
          midnight UTC.
        </p>
      </details>
    </div>
  );
}
