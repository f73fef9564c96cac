import net from "node:net";
import { sql } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import {
  CONNECT_TIMEOUT_SECONDS,
  openPostgresClient,
  type PostgresClient,
} from "./postgres-client";
import { databaseUnavailable } from "./unavailable";

/** A TCP server that treats every connection with `handle`; its postgres:// URL. */
async function fakeServer(handle: (socket: net.Socket) => void) {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => {});
    handle(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no port");
  return {
    url: `postgres://postgres@127.0.0.1:${address.port}/tollgate`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** How a query ends: the error (or "ok") and how long it took. */
async function timed(client: PostgresClient) {
  const started = performance.now();
  try {
    await client.db.execute(sql`select 1`);
    return { error: null, ms: performance.now() - started };
  } catch (error) {
    return { error, ms: performance.now() - started };
  }
}

describe("openPostgresClient against a server that does not speak", () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  it("rejects a query at once when the server closes every connection before answering", async () => {
    // Left to itself, postgres.js reconnects for such a query for as long as this goes on.
    const server = await fakeServer((socket) => socket.end());
    const client = openPostgresClient(server.url, { max: 2 });
    cleanup.push(server.close, () => client.close());
    const first = await timed(client);
    expect(databaseUnavailable(first.error)).not.toBeNull();
    expect(first.ms).toBeLessThan(1_000);
  });

  it("fails within the connect timeout when nothing answers, then at once until a trial is due", async () => {
    const server = await fakeServer(() => {});
    const client = openPostgresClient(server.url, { max: 4 });
    cleanup.push(server.close, () => client.close());
    const first = await timed(client);
    expect(databaseUnavailable(first.error)).not.toBeNull();
    expect(first.ms).toBeGreaterThan(CONNECT_TIMEOUT_SECONDS * 1000 - 100);
    expect(first.ms).toBeLessThan(CONNECT_TIMEOUT_SECONDS * 1000 + 500);
    const next = await timed(client);
    expect(databaseUnavailable(next.error)).toMatchObject({ retryAfterSeconds: 1 });
    expect(next.ms).toBeLessThan(100);
  });

  it("rejects a query at once when nothing listens", async () => {
    const server = await fakeServer(() => {});
    await server.close();
    const client = openPostgresClient(server.url, { max: 2 });
    cleanup.push(() => client.close());
    const first = await timed(client);
    expect(databaseUnavailable(first.error)).not.toBeNull();
    expect(first.ms).toBeLessThan(500);
  });
});
