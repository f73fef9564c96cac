/**
 * Seeds the benchmark data in SQL with generate_series: users, each with their personal
 * workspace; team workspaces with members; a Stripe customer and (when paying) one subscription
 * per billing workspace; `invoices` invoices spread round-robin over the customers (two share
 * each `created`, 90 s apart, newest at NOW), and invoice.* events in the webhook ledger.
 *
 * User c (1…`customers`) has a personal workspace. Customer c is the personal workspace of user
 * c, except when c % 5 = 0: then it is the team workspace "Team <c>" (slug `team-<c>`), owned by
 * user c, with c % 40 further members (users c+1…, wrapping round), so its seats run from 1 to
 * 36 and Pro and Enterprise teams bill extra seats. Customer c: plan enterprise when c % 10 = 0,
 * free when c % 10 is 1–4, else pro; a subscription's quantity is its workspace's members;
 * currency jpy when c % 20 = 13, eur when c % 20 = 7, else usd; email
 * `customer<c>@bench.example` (stored in mixed case for even c); invoice numbers
 * `BENCH<c, 5 digits>-<seq, 4 digits>`; one invoice in 50 customers' is not linked to a
 * workspace. Invoice g is open when g % 100 < 6, void < 8, uncollectible < 9, draft < 10, else
 * paid.
 */
import type { BenchDatabase } from "./database";

/** The instant the data ends at; the dashboard metrics are taken at it. */
export const NOW = new Date("2026-06-01T00:00:00Z");

const CHUNK = 100_000;

/** Customer c's workspace id, in SQL (`c` an integer expression): a fixed uuid per customer. */
const workspaceOf = (c: string) =>
  `(case when (${c}) % 5 = 0 then md5('bench-team-' || (${c})) else md5('bench-personal-' || (${c})) end)::uuid`;

export async function seed(
  bench: BenchDatabase,
  { invoices, customers }: { invoices: number; customers: number },
  progress: (message: string) => void,
): Promise<void> {
  const now = `timestamptz '${NOW.toISOString()}'`;
  await bench.rows(`
    insert into "user" (id, email, name, role, created_at)
    select 'bench-user-' || c, 'customer' || c || '@bench.example', 'Customer ' || c, 'user',
           ${now} - interval '2 years' + c * interval '1 minute'
    from generate_series(1, ${customers}) c`);
  // Personal workspaces as sign-up makes them (lib/workspaces/slug.ts personalSlug).
  await bench.rows(`
    insert into workspaces (id, name, slug, personal_user_id, created_at)
    select md5('bench-personal-' || c)::uuid, 'Personal',
           'personal-' || left(md5('bench-user-' || c), 12), 'bench-user-' || c,
           ${now} - interval '2 years' + c * interval '1 minute'
    from generate_series(1, ${customers}) c`);
  await bench.rows(`
    insert into workspace_members (workspace_id, user_id, role, created_at)
    select md5('bench-personal-' || c)::uuid, 'bench-user-' || c, 'owner',
           ${now} - interval '2 years' + c * interval '1 minute'
    from generate_series(1, ${customers}) c`);
  await bench.rows(`
    insert into workspaces (id, name, slug, created_at)
    select md5('bench-team-' || c)::uuid, 'Team ' || c, 'team-' || c,
           ${now} - interval '2 years' + c * interval '1 minute' + interval '30 seconds'
    from generate_series(5, ${customers}, 5) c`);
  await bench.rows(`
    insert into workspace_members (workspace_id, user_id, role, created_at)
    select md5('bench-team-' || c)::uuid,
           'bench-user-' || ((c - 1 + k) % ${customers} + 1),
           case when k = 0 then 'owner' else 'member' end,
           ${now} - interval '2 years' + c * interval '1 minute' + k * interval '1 day'
    from generate_series(5, ${customers}, 5) c
    cross join lateral generate_series(0, c % 40) k
    where k < ${customers}`);
  await bench.rows(`
    insert into customers (workspace_id, stripe_customer_id, email)
    select ${workspaceOf("c")}, 'cus_bench' || lpad(c::text, 5, '0'),
           'customer' || c || '@bench.example'
    from generate_series(1, ${customers}) c`);
  await bench.rows(`
    insert into subscriptions (workspace_id, stripe_subscription_id, stripe_customer_id,
      price_lookup_key, plan_tier, billing_period, status, quantity, trial_start, trial_end,
      current_period_start, current_period_end, canceled_at, ended_at, payment_failed_at,
      created_at)
    select ${workspaceOf("c")}, 'sub_bench' || c, 'cus_bench' || lpad(c::text, 5, '0'),
      plan || '_' || period, plan, period, status,
      (select count(*) from workspace_members m where m.workspace_id = ${workspaceOf("c")}),
      case when status = 'trialing' then ${now} - interval '3 days' end,
      case when status = 'trialing' then ${now} + interval '11 days' end,
      ${now} - interval '10 days', ${now} + interval '20 days',
      case when status = 'canceled' then started + interval '200 days' end,
      case when status = 'canceled' then started + interval '200 days' end,
      case when status = 'past_due' then ${now} - interval '2 days' end,
      started
    from (
      select c,
        case when c % 10 = 0 then 'enterprise' else 'pro' end as plan,
        case when c % 7 = 0 then 'yearly' else 'monthly' end as period,
        case c % 13 when 0 then 'canceled' when 1 then 'past_due' when 2 then 'trialing'
          else 'active' end as status,
        ${now} - interval '700 days' + (c % 690) * interval '1 day' as started
      from generate_series(1, ${customers}) c
      where c % 10 not in (1, 2, 3, 4)
    ) s`);

  for (let first = 1; first <= invoices; first += CHUNK) {
    const last = Math.min(first + CHUNK - 1, invoices);
    await bench.rows(`
      insert into invoices (stripe_invoice_id, stripe_customer_id, workspace_id,
        stripe_subscription_id, plan_tier, customer_email, number, status, currency, amount_due,
        amount_paid, amount_remaining, subtotal, total, billing_reason, hosted_invoice_url,
        invoice_pdf, period_start, period_end, paid_at, attempt_count, next_payment_attempt,
        created)
      select 'in_bench' || g, 'cus_bench' || lpad(c::text, 5, '0'),
        case when c % 50 = 0 then null else ${workspaceOf("c")} end,
        case when plan = 'free' then null else 'sub_bench' || c end,
        plan,
        case when c % 2 = 0 then 'Customer' || c || '@Bench.example'
          else 'customer' || c || '@bench.example' end,
        case when status = 'draft' then null
          else 'BENCH' || lpad(c::text, 5, '0') || '-' || lpad(seq::text, 4, '0') end,
        status, currency, amount,
        case when status = 'paid' then amount else 0 end,
        case when status in ('open', 'uncollectible') then amount else 0 end,
        amount, amount, 'subscription_cycle',
        'https://invoice.stripe.test/i/in_bench' || g,
        'https://invoice.stripe.test/i/in_bench' || g || '/pdf',
        created - interval '1 month', created,
        case when status = 'paid' then created + interval '1 hour' end,
        case when status = 'open' then 2 else 1 end,
        case when status = 'open' then created + interval '3 days' end,
        created
      from (
        select g, c, seq, status, currency, plan, created,
          case plan when 'free' then 0
            when 'pro' then case currency when 'jpy' then 4500 else 2900 end
            else case currency when 'jpy' then 45000 else 29900 end end as amount
        from (
          select g,
            (g - 1) % ${customers} + 1 as c,
            (g - 1) / ${customers} + 1 as seq,
            case when g % 100 < 6 then 'open' when g % 100 < 8 then 'void'
              when g % 100 < 9 then 'uncollectible' when g % 100 < 10 then 'draft'
              else 'paid' end as status,
            ${now} - ((g - 1) / 2) * interval '90 seconds' as created
          from generate_series(${first}, ${last}) g
        ) base
        cross join lateral (select
          case when c % 10 = 0 then 'enterprise' when c % 10 < 5 then 'free' else 'pro' end as plan,
          case when c % 20 = 13 then 'jpy' when c % 20 = 7 then 'eur' else 'usd' end as currency
        ) customer
      ) rows`);
    progress(`  invoices ${last.toLocaleString("en-US")} / ${invoices.toLocaleString("en-US")}`);
  }

  const events = Math.max(1, Math.floor(invoices / 10));
  await bench.rows(`
    insert into webhook_events (id, type, created, received_at, processed_at, status, attempts,
      stripe_customer_id, object_id, payload)
    select 'evt_bench' || g,
      case when g % 5 = 0 then 'invoice.payment_failed' else 'invoice.paid' end,
      ${now} - g * interval '5 minutes', ${now} - g * interval '5 minutes' + interval '1 second',
      ${now} - g * interval '5 minutes' + interval '2 seconds', 'processed', 1,
      'cus_bench' || lpad((g % ${customers} + 1)::text, 5, '0'), 'in_bench' || g, '{}'::jsonb
    from generate_series(1, ${events}) g`);
  await bench.rows("vacuum analyze");
}
