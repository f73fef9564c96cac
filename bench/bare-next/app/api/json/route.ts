import { sql } from "../../../lib/sql";

export const dynamic = "force-dynamic";

// GET /api/json?w=<slug> — the workspace's usage this month per metric, in one statement.
export async function GET(request: Request): Promise<Response> {
  const slug = new URL(request.url).searchParams.get("w") ?? "";
  const rows = await sql()<{ metric: string; used: string }[]>`
    select u.metric, sum(u.quantity)::text as used
    from workspaces w join usage_records u on u.workspace_id = w.id
    where w.slug = ${slug} and u.occurred_at >= date_trunc('month', now())
    group by u.metric`;
  return Response.json(
    { metrics: rows.map((row) => ({ metric: row.metric, used: Number(row.used) })) },
    { headers: { "Cache-Control": "no-store" } },
  );
}
