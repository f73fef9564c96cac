/**
 * A TCP proxy for outage tests: the app connects to the proxy, the proxy to the real server, and
 * the test cuts the line between them. It imports nothing but Node, so a standalone script (a
 * multi-process chaos test, say) can use it as well as a vitest file.
 *
 *   const proxy = await startTcpProxy({ targetHost: "127.0.0.1", targetPort: 5432 });
 *   openDatabase({ url: proxy.rewriteUrl(databaseUrl) });
 *   proxy.cut("refuse");   // or "blackhole"
 *   proxy.restore();
 *   await proxy.close();
 *
 * While cut, the proxy keeps listening (its port stays its own) and new connections meet:
 *   refuse     a reset at once: what a client sees when nothing listens on the port
 *              (ECONNREFUSED on a direct connection, ECONNRESET through the proxy);
 *   blackhole  an accepted connection that is never answered nor forwarded: a network
 *              partition as the client sees it, until its own timeout gives up.
 */
import net from "node:net";

export type CutMode = "refuse" | "blackhole";

export interface TcpProxyOptions {
  targetHost: string;
  targetPort: number;
  /** Where the proxy listens; default 127.0.0.1 on a free port. */
  host?: string;
  port?: number;
}

export interface TcpProxy {
  readonly host: string;
  readonly port: number;
  /** `host:port` of the proxy. */
  readonly address: string;
  /** `"open"`, or how new connections are met while the line is cut. */
  readonly state: "open" | CutMode;
  /** `url` (e.g. a postgres:// URL) with its host and port replaced by the proxy's. */
  rewriteUrl(url: string): string;
  /** Connections accepted and still open (forwarded or held in the black hole). */
  openConnections(): number;
  /**
   * Cuts the line: every open connection is destroyed (both of its sides), and new ones are
   * refused or black-holed, until `restore()`. Cutting again changes the mode.
   */
  cut(mode?: CutMode): void;
  /** Forwards new connections again; connections held in the black hole are dropped. */
  restore(): void;
  /** Stops listening and destroys every connection. */
  close(): Promise<void>;
}

interface Forwarded {
  client: net.Socket;
  server: net.Socket;
}

export async function startTcpProxy(options: TcpProxyOptions): Promise<TcpProxy> {
  const { targetHost, targetPort, host = "127.0.0.1", port = 0 } = options;
  let state: "open" | CutMode = "open";
  const forwarded = new Set<Forwarded>();
  const held = new Set<net.Socket>();

  const destroyForwarded = (pair: Forwarded) => {
    forwarded.delete(pair);
    pair.client.destroy();
    pair.server.destroy();
  };

  const dropHeld = () => {
    for (const socket of held) socket.destroy();
    held.clear();
  };

  const listener = net.createServer((client) => {
    // A peer that goes away leaves an error here; the proxy only forwards it by closing.
    client.on("error", () => {});
    if (state === "refuse") {
      client.resetAndDestroy();
      return;
    }
    if (state === "blackhole") {
      held.add(client);
      client.on("close", () => held.delete(client));
      // Read and drop: the client's bytes go nowhere and nothing comes back.
      client.resume();
      return;
    }
    const server = net.connect({ host: targetHost, port: targetPort });
    const pair: Forwarded = { client, server };
    forwarded.add(pair);
    server.on("error", () => {});
    client.on("close", () => destroyForwarded(pair));
    server.on("close", () => destroyForwarded(pair));
    client.pipe(server);
    server.pipe(client);
  });

  await new Promise<void>((resolve, reject) => {
    listener.once("error", reject);
    listener.listen(port, host, () => {
      listener.off("error", reject);
      resolve();
    });
  });
  const bound = listener.address();
  if (bound === null || typeof bound === "string") throw new Error("the proxy has no TCP port");
  const boundPort = bound.port;

  return {
    host,
    port: boundPort,
    address: `${host}:${boundPort}`,
    get state() {
      return state;
    },
    rewriteUrl(url) {
      const rewritten = new URL(url);
      rewritten.hostname = host;
      rewritten.port = String(boundPort);
      return rewritten.toString();
    },
    openConnections: () => forwarded.size + held.size,
    cut(mode = "refuse") {
      state = mode;
      for (const pair of [...forwarded]) destroyForwarded(pair);
      if (mode === "refuse") dropHeld();
    },
    restore() {
      state = "open";
      dropHeld();
    },
    async close() {
      state = "refuse";
      for (const pair of [...forwarded]) destroyForwarded(pair);
      dropHeld();
      await new Promise<void>((resolve) => listener.close(() => resolve()));
    },
  };
}
