import { beforeEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { useAppDatabase } from "@/db/testing";
import { AppError } from "@/lib/errors";
import { IDLE } from "@/lib/form-state";
import { testForm } from "@/lib/testing/http";

// Who is signed in and the request's headers are request-scoped in Next; here they are stand-ins.
const requireSession = vi.hoisted(() => vi.fn());
const requireAdminSession = vi.hoisted(() => vi.fn());
const requestHeaders = vi.hoisted(() => ({ current: new Headers() }));
vi.mock("@/lib/auth/session", () => ({ requireSession, requireAdminSession }));
vi.mock("next/headers", () => ({ headers: async () => requestHeaders.current }));

const { action, formAction } = await import("./action");

const _handle = useAppDatabase();

const alice = { id: "user-alice", role: "user" };
const bob = { id: "user-bob", role: "user" };
beforeEach(() => {
  requireSession.mockReset().mockResolvedValue({ user: alice, sessionVersion: 0 });
  requireAdminSession.mockReset();
});

const contact = z.object({
  name: z.string().min(1, "Give a name"),
  email: z.email("Enter an email address"),
});

describe("action()", () => {
  it("runs the action with the signed-in user and the parsed form, and answers what it returns", async () => {
    const run = vi.fn(
      async (input: z.output<typeof contact>, { user }: { user: { id: string } }) => ({
        status: "success" as const,
        message: `${user.id}: ${input.name} <${input.email}>`,
      }),
    );
    const save = action({ access: "user", returnTo: "/account", schema: contact }, run);
    expect(
      await save(IDLE, testForm({ name: "Ada", email: "ada@example.com", extra: "x" })),
    ).toEqual({
      status: "success",
      message: "user-alice: Ada <ada@example.com>",
    });
    expect(requireSession).toHaveBeenCalledWith("/account");
    expect(run.mock.calls[0]?.[0]).toEqual({ name: "Ada", email: "ada@example.com" });
  });

  it("answers input the schema refuses beside its fields, puts kept fields back, and runs nothing", async () => {
    const run = vi.fn(async () => IDLE);
    const save = action({ access: "public", schema: contact, keep: ["email"] }, run);
    // A field the form lacks reads as "", as formText reads it.
    expect(await save(IDLE, testForm({ email: "not-an-email" }))).toEqual({
      status: "error",
      fieldErrors: { name: "Give a name", email: "Enter an email address" },
      values: { email: "not-an-email" },
    });
    expect(run).not.toHaveBeenCalled();
  });

  it("answers refused input with its first message instead, when asked to", async () => {
    const save = action(
      { access: "public", schema: contact, invalid: "message" },
      async () => IDLE,
    );
    expect(await save(IDLE, testForm({ name: "", email: "" }))).toEqual({
      status: "error",
      message: "Give a name",
    });
  });

  it("answers an AppError with its message, or beside the field its code is given", async () => {
    const refuse = (code: "conflict" | "rate_limited") =>
      action(
        { access: "public", errorFields: { conflict: "email" }, keep: ["email"] },
        async () => {
          throw new AppError(code, `refused: ${code}`);
        },
      );
    const fields = testForm({ email: "ada@example.com", password: "secret-123" });
    expect(await refuse("rate_limited")(IDLE, fields)).toEqual({
      status: "error",
      message: "refused: rate_limited",
      values: { email: "ada@example.com" },
    });
    expect(await refuse("conflict")(IDLE, fields)).toEqual({
      status: "error",
      fieldErrors: { email: "refused: conflict" },
      values: { email: "ada@example.com" },
    });
  });

  it("answers a zod error thrown by the code it calls beside the fields", async () => {
    const save = action({ access: "public" }, async () => {
      contact.parse({ name: "Ada", email: "nope" });
      return IDLE;
    });
    expect(await save(IDLE, testForm({}))).toEqual({
      status: "error",
      fieldErrors: { email: "Enter an email address" },
    });
  });

  it("throws anything else on: bugs, and Next's redirects and 404s", async () => {
    const broken = action({ access: "public" }, async () => {
      throw new Error("boom");
    });
    await expect(broken(IDLE, testForm({}))).rejects.toThrow("boom");

    requireAdminSession.mockRejectedValue(new Error("NEXT_HTTP_ERROR_FALLBACK;404"));
    const run = vi.fn(async () => IDLE);
    const adminOnly = action(
      { access: "admin", returnTo: (data) => `/admin/customers/${data.get("userId")}` },
      run,
    );
    await expect(adminOnly(IDLE, testForm({ userId: "u1" }))).rejects.toThrow("404");
    expect(requireAdminSession).toHaveBeenCalledWith("/admin/customers/u1");
    expect(run).not.toHaveBeenCalled();
  });

  it("charges the rate limit after the schema, per user, and answers 429 as a message", async () => {
    const save = action(
      {
        access: "user",
        returnTo: "/account",
        schema: contact,
        rateLimit: { name: "action-test:user", limit: 1, windowSeconds: 3600 },
      },
      async () => ({ status: "success" as const }),
    );
    const valid = testForm({ name: "Ada", email: "ada@example.com" });
    expect((await save(IDLE, testForm({}))).status).toBe("error");
    expect(await save(IDLE, valid)).toEqual({ status: "success" });
    expect(await save(IDLE, valid)).toEqual({
      status: "error",
      message: expect.stringMatching(/^Too many attempts\. Try again in /),
    });
    requireSession.mockResolvedValue({ user: bob, sessionVersion: 0 });
    expect(await save(IDLE, valid)).toEqual({ status: "success" });
  });

  it("charges a public action's rate limit per client address", async () => {
    const send = action(
      {
        access: "public",
        rateLimit: { name: "action-test:public", limit: 1, windowSeconds: 60 },
      },
      async () => ({ status: "success" as const }),
    );
    requestHeaders.current = new Headers({ "x-forwarded-for": "192.0.2.20" });
    expect((await send(IDLE, testForm({}))).status).toBe("success");
    expect((await send(IDLE, testForm({}))).status).toBe("error");
    requestHeaders.current = new Headers({ "x-forwarded-for": "192.0.2.21" });
    expect((await send(IDLE, testForm({}))).status).toBe("success");
  });
});

describe("formAction()", () => {
  it("runs like action() but throws its errors, having no form state to answer into", async () => {
    const run = vi.fn(async (_input: { keyId: string }) => undefined);
    const revoke = formAction(
      { access: "user", returnTo: "/account/api-keys", schema: z.object({ keyId: z.string() }) },
      run,
    );
    await revoke(testForm({ keyId: "k1" }));
    expect(run.mock.calls[0]?.[0]).toEqual({ keyId: "k1" });

    const refuse = formAction({ access: "public" }, async () => {
      throw new AppError("bad_request", "This sign-in method is off.");
    });
    await expect(refuse(testForm({}))).rejects.toThrow("This sign-in method is off.");
    const strict = formAction(
      { access: "public", schema: z.object({ provider: z.enum(["github"]) }) },
      async () => undefined,
    );
    await expect(strict(testForm({ provider: "myspace" }))).rejects.toBeInstanceOf(z.ZodError);
  });
});
