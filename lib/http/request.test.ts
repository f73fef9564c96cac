import { afterEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { AppError } from "@/lib/errors";
import { log } from "@/lib/log";
import { assertSameOrigin, readBodyText, readJson, readJsonOrForm } from "./request";
import { route } from "./route";

const post = (headers: Record<string, string>, body?: BodyInit) =>
  new Request("http://localhost:3000/api/thing", { method: "POST", headers, body });

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    return error instanceof AppError ? error.code : "not an AppError";
  }
  return undefined;
}

async function codeOfAsync(run: () => Promise<unknown>): Promise<string | undefined> {
  try {
    await run();
  } catch (error) {
    return error instanceof AppError ? error.code : `not an AppError: ${String(error)}`;
  }
  return undefined;
}

describe("assertSameOrigin", () => {
  it("lets same-origin browsers and header-less programs through", () => {
    expect(
      codeOf(() => assertSameOrigin(post({ origin: "http://localhost:3000" }))),
    ).toBeUndefined();
    expect(
      codeOf(() => assertSameOrigin(post({ "sec-fetch-site": "same-origin" }))),
    ).toBeUndefined();
    expect(codeOf(() => assertSameOrigin(post({})))).toBeUndefined();
  });

  it("refuses a foreign Origin and a cross-site fetch with 403", () => {
    expect(codeOf(() => assertSameOrigin(post({ origin: "https://evil.example" })))).toBe(
      "forbidden",
    );
    expect(codeOf(() => assertSameOrigin(post({ origin: "null" })))).toBe("forbidden");
    expect(codeOf(() => assertSameOrigin(post({ "sec-fetch-site": "cross-site" })))).toBe(
      "forbidden",
    );
  });

  it("does not police reads", () => {
    const get = new Request("http://localhost:3000/api/thing", {
      headers: { origin: "https://evil.example" },
    });
    expect(codeOf(() => assertSameOrigin(get))).toBeUndefined();
  });
});

describe("readJson", () => {
  const schema = z.object({ name: z.string().min(1) });

  it("parses and validates a body", async () => {
    await expect(readJson(post({}, JSON.stringify({ name: "ci" })), schema)).resolves.toEqual({
      name: "ci",
    });
  });

  it("answers 400 for a body that is not JSON", async () => {
    expect(await codeOfAsync(() => readJson(post({}, "{name:"), schema))).toBe("invalid_json");
    expect(await codeOfAsync(() => readJson(post({}), schema))).toBe("invalid_json");
  });

  it("answers 422 naming the failing field", async () => {
    const error = await readJson(post({}, JSON.stringify({ name: "" })), schema).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(z.ZodError);
  });

  it("answers 413 past the cap, whether the size is declared or only sent", async () => {
    const big = JSON.stringify({ name: "x".repeat(2000) });
    expect(await codeOfAsync(() => readJson(post({}, big), schema, 1000))).toBe(
      "payload_too_large",
    );
    // A stream has no Content-Length: the cap is enforced while reading.
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 10; i++) controller.enqueue(new TextEncoder().encode("x".repeat(200)));
        controller.close();
      },
    });
    const streamed = new Request("http://localhost:3000/api/thing", {
      method: "POST",
      body: stream,
      duplex: "half",
    } as RequestInit);
    expect(await codeOfAsync(() => readBodyText(streamed, 1000))).toBe("payload_too_large");
  });
});

describe("readJsonOrForm", () => {
  const schema = z.object({ plan: z.enum(["pro", "enterprise"]), note: z.string().optional() });
  const formPost = (body: string) =>
    post({ "content-type": "application/x-www-form-urlencoded; charset=UTF-8" }, body);

  it("reads a plain HTML form's fields and says it was a form", async () => {
    await expect(readJsonOrForm(formPost("plan=pro&note=hello+there"), schema)).resolves.toEqual({
      data: { plan: "pro", note: "hello there" },
      form: true,
    });
  });

  it("reads JSON otherwise, and an empty body as {}", async () => {
    const json = post({ "content-type": "application/json" }, JSON.stringify({ plan: "pro" }));
    await expect(readJsonOrForm(json, schema)).resolves.toEqual({
      data: { plan: "pro" },
      form: false,
    });
    const optional = z.object({ immediately: z.boolean().optional() });
    await expect(readJsonOrForm(post({}), optional)).resolves.toEqual({ data: {}, form: false });
    expect(await codeOfAsync(() => readJsonOrForm(post({}, "{plan:"), schema))).toBe(
      "invalid_json",
    );
  });

  it("validates form fields like JSON ones", async () => {
    const error = await readJsonOrForm(formPost("plan=gold"), schema).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(z.ZodError);
  });
});

describe("a body the client cuts off mid-upload", () => {
  /** What Node hands a handler when the connection drops: a stream that errors after a chunk. */
  function cutOff(): Request {
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('{"id":"evt_1","obj'));
        controller.error(Object.assign(new Error("aborted"), { code: "ECONNRESET" }));
      },
    });
    return new Request("http://localhost:3000/api/stripe/webhook", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
      duplex: "half",
    } as RequestInit);
  }

  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("is a 400 bad request when read", async () => {
    expect(await codeOfAsync(() => readBodyText(cutOff(), 1000))).toBe("bad_request");
  });

  it("is answered 400 by a route and logged as a warning without a stack, not as an error", async () => {
    const warn = vi.spyOn(log, "warn");
    const error = vi.spyOn(log, "error");
    // A route that reads its body, as the webhook route does.
    const read = route("public", async ({ request }) => {
      await readBodyText(request, 1024);
      return new Response("read");
    });
    const response = await read(cutOff(), { params: Promise.resolve({}) });
    expect(response.status).toBe(400);
    expect(error).not.toHaveBeenCalled();
    expect(warn).toHaveBeenCalledTimes(1);
    const [fields] = warn.mock.calls[0] ?? [];
    expect(fields).toEqual({ path: "/api/stripe/webhook", reason: "aborted" });
  });
});
