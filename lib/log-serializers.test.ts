import { describe, expect, it } from "vitest";
import { log } from "./log";
import { serializeError } from "./log-serializers";
import { captureLog } from "./testing/log-capture";

/** The line the app's logger writes for `fields`. */
function logLine(fields: Record<string, unknown>): string {
  const captured = captureLog();
  try {
    log.warn(fields, "x");
  } finally {
    captured.restore();
  }
  return captured.text().split("\n")[0] ?? "";
}

/** A driver error as postgres.js shapes it: values in `parameters`, `args` and `detail`. */
function driverError(): Error {
  return Object.assign(new Error('duplicate key value violates unique constraint "k"'), {
    code: "23505",
    constraint_name: "k",
    detail: "Key (email)=(grace@example.com) already exists.",
    parameters: ["grace@example.com"],
    args: ["grace@example.com"],
  });
}

describe("serializeError", () => {
  it("drops query values at every depth of the cause chain and keeps what names the fault", () => {
    const wrapped = new Error("Failed query: select 1\nparams: grace@example.com", {
      cause: new Error("outer", { cause: driverError() }),
    });
    const line = JSON.stringify(serializeError(wrapped));
    expect(line).not.toContain("grace@example.com");
    expect(line).toContain("Failed query: select 1");
    expect(line).toContain("duplicate key value violates unique constraint");
  });

  it("keeps the values out of the stack when the SQL text holds a replacement pattern", () => {
    const error = new Error("Failed query: select '$&' as x\nparams: grace@example.com");
    const line = JSON.stringify(serializeError(error));
    expect(line).not.toContain("grace@example.com");
    expect(line).toContain("select '$&' as x");
  });

  it("cleans each error of an AggregateError", () => {
    const line = JSON.stringify(serializeError(new AggregateError([driverError()], "several")));
    expect(line).not.toContain("grace@example.com");
    expect(line).toContain("23505");
  });

  it("leaves the logged error itself untouched, for whoever handles it next", () => {
    const error = driverError();
    serializeError(error);
    expect(error).toMatchObject({ detail: expect.stringContaining("grace@"), code: "23505" });
  });

  it("passes values that are not errors through", () => {
    expect(serializeError("plain")).toBe("plain");
  });
});

describe("the logger", () => {
  it("writes no event payload, at the top or one level down", () => {
    const line = logLine({ payload: { email: "a@example.com" }, event: { payload: "b" } });
    expect(line).not.toContain("a@example.com");
    expect(line).toContain('"payload":"[redacted]"');
  });
});
