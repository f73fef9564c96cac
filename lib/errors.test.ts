import { describe, expect, it } from "vitest";
import { z } from "zod";
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
