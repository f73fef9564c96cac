import { afterAll, describe, expect, it } from "vitest";

// Nothing listens on port 1: every connection is refused at once.
process.env.DATABASE_URL = "postgres://postgres@127.0.0.1:1/tollgate";

afterAll(async () => {
  const { closeDb } = await import("@/db");
  await closeDb();
});

// Imported after the environment is set: the configuration is read once, on first use.
const { GET } = await import("./route");

describe("GET /api/health with the database down", () => {
  it("answers 503 at once, says the database is down, and when to ask again", async () => {
    const started = performance.now();
    const response = await GET();
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe("1");
    expect(await response.json()).toEqual({ status: "unavailable", database: { status: "down" } });
  });
});
