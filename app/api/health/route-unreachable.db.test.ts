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
  it("answers 503 and says the database is down", async () => {
    const response = await GET();
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ status: "unavailable", database: { status: "down" } });
  });
});
