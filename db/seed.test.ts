import { describe, expect, it } from "vitest";
import { DEMO_PASSWORD, seedPassword } from "./seed";

describe("seedPassword", () => {
  it("uses the demo password for PGlite and for a Postgres on this machine", () => {
    expect(seedPassword({ NODE_ENV: "development", DATABASE_URL: undefined }, undefined)).toEqual({
      password: DEMO_PASSWORD,
    });
    for (const url of ["postgres://postgres@127.0.0.1:5432/dev", "postgres://localhost/dev"]) {
      expect(seedPassword({ NODE_ENV: "development", DATABASE_URL: url }, undefined)).toEqual({
        password: DEMO_PASSWORD,
      });
    }
  });

  it("requires SEED_PASSWORD for production and for a database on another host", () => {
    expect(
      seedPassword({ NODE_ENV: "production", DATABASE_URL: undefined }, undefined),
    ).toHaveProperty("refusal");
    expect(
      seedPassword(
        { NODE_ENV: "development", DATABASE_URL: "postgres://db.example.com/x" },
        undefined,
      ),
    ).toHaveProperty("refusal");
  });

  it("takes SEED_PASSWORD wherever it is given", () => {
    expect(
      seedPassword(
        { NODE_ENV: "production", DATABASE_URL: "postgres://db.example.com/x" },
        "s3cret-pass",
      ),
    ).toEqual({ password: "s3cret-pass" });
  });
});
