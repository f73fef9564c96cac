import "server-only";
import { sql } from "drizzle-orm";
import { getDatabase } from "@/db";
import { log } from "@/lib/log";

export interface HealthReport {
  status: "ok" | "unavailable";
  database: { status: "up" | "down"; kind?: string; latencyMs?: number };
}

/** A load balancer should hear "down" within about 2 s of the database going away. */
const QUERY_TIMEOUT_MS = 2_000;

/**
 * Probes the database with `select 1`; never throws. Opening the database (the first call
 * migrates it) is not timed; the query is.
 */
export async function checkHealth(): Promise<HealthReport> {
  try {
    const { db, kind } = await getDatabase();
    const started = performance.now();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error("database probe timed out")), QUERY_TIMEOUT_MS);
    });
    try {
      await Promise.race([db.execute(sql`select 1`), timeout]);
    } finally {
      clearTimeout(timer);
    }
    return {
      status: "ok",
      database: { status: "up", kind, latencyMs: Math.round(performance.now() - started) },
    };
  } catch (error) {
    log.warn({ err: error }, "database health probe failed");
    return { status: "unavailable", database: { status: "down" } };
  }
}
