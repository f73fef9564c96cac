import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isAllowedHost } from "./host-check";
import { startTestEmulator, type TestEmulator } from "./testing";

let t: TestEmulator;
beforeAll(async () => {
  t = await startTestEmulator();
});
afterAll(() => t.close());

/** A GET to the emulator with the Host header a browser on some site would send. */
function getWithHost(path: string, host: string): Promise<{ status: number; body: string }> {
  const url = new URL(path, t.emu.url);
  return new Promise((resolve, reject) => {
    const outgoing = request(
      { host: url.hostname, port: url.port, path: url.pathname, headers: { host } },
      (response) => {
        let body = "";
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => {
          body += chunk;
        });
        response.on("end", () => resolve({ status: response.statusCode ?? 0, body }));
      },
    );
    outgoing.on("error", reject);
    outgoing.end();
  });
}

describe("the Host guard against DNS rebinding", () => {
  it("answers requests addressed to a loopback name, on any port", async () => {
    for (const host of ["127.0.0.1", `localhost:${t.emu.port}`, "[::1]:12111", "LOCALHOST"]) {
      expect((await getWithHost("/v1/customers", host)).status, host).toBe(401);
    }
  });

  it("refuses a request addressed to any other name with a Stripe-shaped 421, pages too", async () => {
    for (const host of ["evil.example", "evil.example:12111", "127.0.0.1.evil.example"]) {
      const answer = await getWithHost("/v1/customers", host);
      expect(answer.status, host).toBe(421);
      expect(JSON.parse(answer.body)).toEqual({
        error: {
          type: "invalid_request_error",
          message: expect.stringContaining("only requests addressed to localhost"),
        },
      });
    }
    expect((await getWithHost("/_emulator/state", "rebound.example")).status).toBe(421);
    expect((await getWithHost("/c/pay/cs_test_1", "rebound.example")).status).toBe(421);
  });
});

describe("isAllowedHost", () => {
  it("accepts the address the emulator listens on, but never for a wildcard address", () => {
    expect(isAllowedHost("10.0.0.5:12111", "10.0.0.5")).toBe(true);
    expect(isAllowedHost("[fd00::5]:12111", "fd00::5")).toBe(true);
    expect(isAllowedHost("10.0.0.5:12111", "0.0.0.0")).toBe(false);
    expect(isAllowedHost("evil.example", "0.0.0.0")).toBe(false);
  });

  it("refuses a missing or malformed Host header", () => {
    expect(isAllowedHost(undefined, "127.0.0.1")).toBe(false);
    expect(isAllowedHost("evil.example@localhost", "127.0.0.1")).toBe(false);
    expect(isAllowedHost("localhost/x", "127.0.0.1")).toBe(false);
    expect(isAllowedHost("localhost:port", "127.0.0.1")).toBe(false);
  });
});
