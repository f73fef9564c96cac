import { describe, expect, it } from "vitest";
import { z } from "zod";
import { DatabaseUnavailableError } from "@/db/unavailable";
import { AppError, ERROR_STATUS, errorResponse } from "./errors";

describe("errorResponse", () => {
  it("answers an AppError with its code's status and a JSON body naming code and message", async () => {
    const response = errorResponse(new AppError("not_found", "No such invoice."));
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({
      error: { code: "not_found", message: "No such invoice." },
    });
  });

  it("carries details beside code and message, and extra headers", async () => {
    const response = errorResponse(
      new AppError("rate_limited", "Too many attempts.", {
        details: { retryAfter: 30 },
        headers: { "Retry-After": "30" },
      }),
    );
    expect(response.status).toBe(429);
    expect(response.headers.get("Retry-After")).toBe("30");
    expect(await response.json()).toEqual({
      error: { code: "rate_limited", message: "Too many attempts.", retryAfter: 30 },
    });
  });

  it("keeps details from overriding the code or the message", async () => {
    const response = errorResponse(
      new AppError("forbidden", "Not yours.", { details: { code: "internal", message: "x" } }),
    );
    expect(await response.json()).toEqual({ error: { code: "forbidden", message: "Not yours." } });
  });

  it("answers a zod error with 422 and the failing fields", async () => {
    const parsed = z
      .object({ plan: z.enum(["pro"]), period: z.string() })
      .safeParse({ plan: "gold" });
    if (parsed.success) throw new Error("expected a validation error");
    const response = errorResponse(parsed.error);
    expect(response.status).toBe(422);
    const body = (await response.json()) as { error: { code: string; fields: { path: string }[] } };
    expect(body.error.code).toBe("validation_failed");
    expect(body.error.fields.map((field) => field.path).sort()).toEqual(["period", "plan"]);
  });

  it("answers anything else with a generic 500 that reveals nothing", async () => {
    const response = errorResponse(new Error("password=hunter2 at db.internal:5432"));
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(text).not.toContain("hunter2");
    expect(JSON.parse(text)).toMatchObject({ error: { code: "internal" } });
  });

  it("answers an unreachable database with 503, Retry-After and a body that says so", async () => {
    const response = errorResponse(new DatabaseUnavailableError("The database is unreachable.", 3));
    expect(response.status).toBe(503);
    expect(response.headers.get("Retry-After")).toBe("3");
    expect(await response.json()).toEqual({
      error: {
        code: "unavailable",
        message: "The database is unavailable. Please try again shortly.",
      },
    });
  });

  it("answers a lost database connection wrapped by the query builder with 503, revealing nothing of the query", async () => {
    // As Drizzle wraps what postgres.js throws: the query and its values in the message.
    const lost = Object.assign(new Error("write CONNECTION_CLOSED db.internal:5432"), {
      code: "CONNECTION_CLOSED",
    });
    const wrapped = new Error("Failed query: select 1 where email = $1\nparams: ada@example.com", {
      cause: lost,
    });
    const response = errorResponse(wrapped);
    expect(response.status).toBe(503);
    expect(response.headers.get("Retry-After")).toBe("1");
    const text = await response.text();
    expect(text).not.toContain("ada@example.com");
    expect(text).not.toContain("db.internal");
  });

  it("answers the server's own refusals (shutting down, starting up) with 503, and its other errors with 500", () => {
    const postgresError = (code: string) => Object.assign(new Error("from the server"), { code });
    expect(errorResponse(postgresError("57P01")).status).toBe(503);
    expect(errorResponse(postgresError("57P03")).status).toBe(503);
    expect(errorResponse(postgresError("08006")).status).toBe(503);
    expect(errorResponse(postgresError("23505")).status).toBe(500);
  });

  it("maps each code to a client or server error status", () => {
    for (const status of Object.values(ERROR_STATUS)) {
      expect(status).toBeGreaterThanOrEqual(400);
      expect(status).toBeLessThan(600);
    }
    expect(new AppError("payload_too_large", "x").status).toBe(413);
    expect(new AppError("validation_failed", "x").status).toBe(422);
    expect(new AppError("unavailable", "x").status).toBe(503);
  });
});
