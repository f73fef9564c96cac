import net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { startTcpProxy, type TcpProxy } from "./tcp-proxy";

/** A server that answers every chunk with the same bytes. */
async function startEchoServer(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.pipe(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no port");
  return {
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

type Outcome =
  | { kind: "echo"; text: string }
  | { kind: "error"; code: string }
  | { kind: "silent" };

/** Connects through the proxy, sends `text`, and says what came back within `waitMs`. */
function exchange(proxy: TcpProxy, text: string, waitMs = 300): Promise<Outcome> {
  return new Promise((resolve) => {
    const socket = net.connect(proxy.port, proxy.host);
    const done = (outcome: Outcome) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(outcome);
    };
    const timer = setTimeout(() => done({ kind: "silent" }), waitMs);
    socket.on("data", (data) => done({ kind: "echo", text: data.toString() }));
    socket.on("error", (error: NodeJS.ErrnoException) =>
      done({ kind: "error", code: error.code ?? error.message }),
    );
    socket.write(text);
  });
}

/** A connection through the proxy that stays open; resolves with how it ended. */
async function openConnection(proxy: TcpProxy) {
  const socket = net.connect(proxy.port, proxy.host);
  await new Promise<void>((resolve) => socket.once("connect", () => resolve()));
  const ended = new Promise<string>((resolve) => {
    socket.on("error", (error: NodeJS.ErrnoException) => resolve(error.code ?? "error"));
    socket.on("close", () => resolve("closed"));
  });
  socket.write("ping");
  await new Promise((resolve) => socket.once("data", resolve));
  return { ended };
}

describe("startTcpProxy", () => {
  let close: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const step of close.reverse()) await step();
    close = [];
  });

  async function start() {
    const echo = await startEchoServer();
    const proxy = await startTcpProxy({ targetHost: "127.0.0.1", targetPort: echo.port });
    close.push(echo.close, proxy.close);
    return proxy;
  }

  it("forwards a connection to the target, both ways", async () => {
    const proxy = await start();
    expect(proxy.state).toBe("open");
    expect(await exchange(proxy, "hello")).toEqual({ kind: "echo", text: "hello" });
  });

  it("rewrites a URL to point at itself, keeping the rest", async () => {
    const proxy = await start();
    expect(proxy.rewriteUrl("postgres://postgres:pw@db.example:5432/app?sslmode=disable")).toBe(
      `postgres://postgres:pw@127.0.0.1:${proxy.port}/app?sslmode=disable`,
    );
    expect(proxy.address).toBe(`127.0.0.1:${proxy.port}`);
  });

  for (const mode of ["refuse", "blackhole"] as const) {
    it(`destroys the open connections when cut (${mode})`, async () => {
      const proxy = await start();
      const connection = await openConnection(proxy);
      expect(proxy.openConnections()).toBe(1);
      proxy.cut(mode);
      expect(await connection.ended).toMatch(/closed|ECONNRESET/);
      expect(proxy.state).toBe(mode);
    });
  }

  it("resets new connections at once while cut in refuse mode", async () => {
    const proxy = await start();
    proxy.cut("refuse");
    expect(await exchange(proxy, "hello", 2_000)).toEqual({ kind: "error", code: "ECONNRESET" });
  });

  it("accepts and never answers new connections while cut in blackhole mode", async () => {
    const proxy = await start();
    proxy.cut("blackhole");
    expect(await exchange(proxy, "hello")).toEqual({ kind: "silent" });
  });

  it("forwards again after restore, and drops what the black hole held", async () => {
    const proxy = await start();
    proxy.cut("blackhole");
    const held = net.connect(proxy.port, proxy.host);
    const heldEnded = new Promise((resolve) => held.on("close", resolve));
    held.on("error", () => {});
    await new Promise((resolve) => held.once("connect", resolve));
    await expect.poll(() => proxy.openConnections()).toBe(1);
    proxy.restore();
    await heldEnded;
    expect(proxy.state).toBe("open");
    expect(await exchange(proxy, "again")).toEqual({ kind: "echo", text: "again" });
  });
});
