import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "@/db";
import { apiKeys, users } from "@/db/schema";
import { createTestDatabase } from "@/db/testing";
import { log } from "./log";
import { captureLog } from "./testing/log-capture";

let handle: DatabaseHandle;

beforeAll(async () => {
  handle = await createTestDatabase();
});
afterAll(async () => {
  await handle.close();
});

/** What the app's logger writes about `error`, logged as the app logs failures. */
function logged(error: unknown): { line: string; err: Record<string, unknown> } {
  const captured = captureLog();
  try {
    log.error({ err: error }, "unhandled error");
  } finally {
    captured.restore();
  }
  const line = captured.text().split("\n")[0] ?? "";
  return { line, err: (JSON.parse(line) as { err: Record<string, unknown> }).err };
}

async function failure(query: Promise<unknown>): Promise<unknown> {
  return query.then(
    () => expect.fail("the query should have failed"),
    (error: unknown) => error,
  );
}

describe("a failed query in the log", () => {
  it("names the query, the error and the constraint, but not the email it was about", async () => {
    const email = "ada.lovelace@example.com";
    await handle.db.insert(users).values({ email, passwordHash: "scrypt$a-password-hash" });
    const error = await failure(
      handle.db.insert(users).values({ email, passwordHash: "scrypt$another-password-hash" }),
    );

    const { line, err } = logged(error);
    expect(line).not.toContain(email);
    expect(line).not.toContain("password-hash");
    expect(err).not.toHaveProperty("params");
    expect(err.type).toBe("DrizzleQueryError");
    expect(err.message).toMatch(/^Failed query: insert into "user" .*: duplicate key value/s);
    expect(err.stack).toContain("caused by:");
    expect(line).toContain("user_email_unique");
  });

  it("leaves out an API key's hash when its insert is refused", async () => {
    const keyHash = "f3b1c0ffee9d2a7b6c5e4d3c2b1a09f8e7d6c5b4a3928170f6e5d4c3b2a19080";
    const error = await failure(
      handle.db.insert(apiKeys).values({
        userId: "no-such-user",
        workspaceId: "00000000-0000-4000-8000-000000000000",
        name: "ci",
        keyHash,
        prefix: "tg_live_abc",
      }),
    );
    const { line } = logged(error);
    expect(line).not.toContain(keyHash);
    expect(line).not.toContain("no-such-user");
    expect(line).toContain("violates foreign key constraint");
  });
});
