import { createServer, request } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { forwardSocketAddress } from "./socket-address";

/** Sends one request to a real server and returns the X-Forwarded-For its handler saw. */
async function forwardedForSeenByServer(sent?: string): Promise<string | undefined> {
  const server = createServer((req, res) => {
    res.end(String(req.headers["x-forwarded-for"] ?? ""));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  try {
    return await new Promise<string>((resolve, reject) => {
      const req = request(
        { host: "127.0.0.1", port, headers: sent ? { "x-forwarded-for": sent } : {} },
        (res) => {
          let body = "";
          res.on("data", (chunk: Buffer) => {
            body += chunk.toString();
          });
          res.on("end", () => resolve(body));
        },
      );
      req.on("error", reject);
      req.end();
    });
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}

let stop: (() => void) | undefined;
afterEach(() => {
  stop?.();
  stop = undefined;
});

describe("forwardSocketAddress", () => {
  it("replaces an X-Forwarded-For the client made up with the connection's address", async () => {
    expect(await forwardedForSeenByServer("6.6.6.6")).toBe("6.6.6.6");
    stop = forwardSocketAddress();
    expect(await forwardedForSeenByServer("6.6.6.6")).toMatch(/^(::ffff:)?127\.0\.0\.1$/);
    expect(await forwardedForSeenByServer()).toMatch(/^(::ffff:)?127\.0\.0\.1$/);
  });
});
