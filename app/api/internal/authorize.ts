import "server-only";
import { createHash, timingSafeEqual } from "node:crypto";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";

const digest = (value: string) => createHash("sha256").update(value, "utf8").digest();

/**
 * Lets a cron job through: `Authorization: Bearer <CRON_SECRET>` (the header Vercel Cron
 * sends). Without CRON_SECRET the internal routes do not exist (404); a wrong or missing
 * secret is 401. The comparison takes the same time whatever the secret and the guess.
 */
export function authorizeCron(request: Request): void {
  const secret = env().CRON_SECRET;
  if (!secret) throw new AppError("not_found", "Not found.");
  const header = request.headers.get("authorization") ?? "";
  const given = header.startsWith("Bearer ") ? header.slice("Bearer ".length) : "";
  if (!timingSafeEqual(digest(given), digest(secret))) {
    throw new AppError("unauthorized", "Send the cron secret as: Authorization: Bearer <secret>.");
  }
}
