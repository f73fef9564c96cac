// POST /api/usage {metric, quantity, occurredAt?} or {records: [...]} (up to 1,000, all or
// nothing) — records usage for the caller's workspace (an API key's own; with a session, the one
// the `Tollgate-Workspace: <slug>` header names, else the personal one), enforcing its plan's limits.
// `Idempotency-Key` makes a retry safe: 201 with the record(s) the first time, 200 with the
// same record(s) and `replayed: true` after (a batch's records are keyed `<key> <index>`, apart
// from single records). Over a limit: 429 `limit_exceeded`, or 402 `payment_required` when a
// higher plan would allow it. Past the caller's records-per-minute budget (a batch spends one
// per record): 429 `rate_limited` with Retry-After, before anything is recorded.
// GET /api/usage — each metric's use in its current window: {plan, metrics: [{metric, used,
// limit, window, windowStart, resetsAt}]}.
import { z } from "zod";
import { getDb } from "@/db";
import type { UsageRecord } from "@/db/schema";
import { getEntitlements } from "@/lib/billing/entitlements";
import { readJson } from "@/lib/http/request";
import { route } from "@/lib/http/route";
import { RATE_LIMITS } from "@/lib/rate-limit";
import { spendRecordBudget } from "@/lib/usage/budget";
import { recordUsage, recordUsageBatch } from "@/lib/usage/record";
import { idempotencyKeyOf, parseUsageBody } from "@/lib/usage/request";
import { usageSummary } from "@/lib/usage/summary";
import { resetsAt } from "@/lib/usage/windows";
import { usageWorkspaceOf } from "@/lib/workspaces/request";

/** A full batch of records with room for whitespace. */
const MAX_BODY_BYTES = 1024 * 1024;

function recordView(record: UsageRecord) {
  return {
    id: record.id,
    metric: record.metric,
    quantity: record.quantity,
    occurredAt: record.occurredAt.toISOString(),
    idempotencyKey: record.idempotencyKey,
    createdAt: record.createdAt.toISOString(),
  };
}

function answer(body: unknown, replayed: boolean): Response {
  return Response.json(body, {
    status: replayed ? 200 : 201,
    headers: {
      "Cache-Control": "no-store",
      ...(replayed ? { "Idempotent-Replayed": "true" } : {}),
    },
  });
}

export const POST = route(
  "user-or-key",
  async ({ request, caller }) => {
    const db = await getDb();
    const workspaceId = await usageWorkspaceOf(caller, request);
    const key = idempotencyKeyOf(request);
    const body = parseUsageBody(await readJson(request, z.unknown(), MAX_BODY_BYTES));
    await spendRecordBudget(db, workspaceId, body.batch ? body.records.length : 1);

    if (!body.batch) {
      const { record, replayed } = await recordUsage(db, {
        workspaceId,
        ...body.record,
        idempotencyKey: key,
      });
      return answer({ record: recordView(record), replayed }, replayed);
    }
    const results = await recordUsageBatch(db, workspaceId, body.records, { idempotencyKey: key });
    const replayed = results.every((result) => result.replayed);
    return answer(
      {
        records: results.map((result) => ({
          ...recordView(result.record),
          replayed: result.replayed,
        })),
        replayed,
      },
      replayed,
    );
  },
  { rateLimit: RATE_LIMITS.usage },
);

export const GET = route("user-or-key", async ({ request, caller }) => {
  const db = await getDb();
  const now = new Date();
  const workspaceId = await usageWorkspaceOf(caller, request);
  const entitlements = await getEntitlements(db, workspaceId, now);
  const summary = await usageSummary(db, workspaceId, entitlements.limits, now);
  return Response.json(
    {
      plan: entitlements.tier,
      metrics: summary.map(({ metric, used, limit, window }) => ({
        metric,
        used,
        limit,
        window: window.kind,
        windowStart: window.start.toISOString(),
        resetsAt: resetsAt(window)?.toISOString() ?? null,
      })),
    },
    { headers: { "Cache-Control": "no-store" } },
  );
});
