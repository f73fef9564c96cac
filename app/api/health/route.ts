// GET /api/health – 200 when the database answers, 503 when it does not (for load balancers).
import { DEFAULT_RETRY_AFTER_SECONDS } from "@/db/unavailable";
import { checkHealth } from "@/lib/health";

export const dynamic = "force-dynamic";

export async function GET(): Promise<Response> {
  const report = await checkHealth();
  const up = report.status === "ok";
  return Response.json(report, {
    status: up ? 200 : 503,
    headers: {
      "Cache-Control": "no-store",
      ...(up ? {} : { "Retry-After": String(DEFAULT_RETRY_AFTER_SECONDS) }),
    },
  });
}
