/**
 * The app's Postgres client: postgres.js under Drizzle, made to live through database outages
 * without a restart. Three things in postgres.js 3.4.9 (src/connection.js) make an outage
 * outlast the database's return, or end the process:
 *
 * 1. A write to a socket that is gone. Small writes are batched: `write()` appends to a buffer
 *    and flushes it from a `setImmediate` (`nextWrite`), which calls `socket.write`. When a
 *    connection drops, `closed()` sets `socket = null` and rejects the connection's queries.
 *    A transaction (`sql.begin`) whose query is rejected answers by sending ROLLBACK on that
 *    same connection, so the flush runs against the null socket: `TypeError: Cannot read
 *    properties of null (reading 'write')`, thrown from an immediate, where no caller can
 *    catch it: an uncaught exception (porsager/postgres#1154, #1208). Only transactions (and
 *    reserved connections, which the app does not use) do this; a plain query goes back
 *    through the pool, which reconnects before it writes.
 * 2. A connection that never writes again. `closed()` and `terminate()` cancel a pending flush
 *    (`clearImmediate(nextWriteTimer)`) without setting `nextWriteTimer` back to null, and the
 *    TypeError above leaves it set too. `write()` schedules a flush only while it is null, so
 *    from then on nothing this connection writes (the startup message of each reconnect
 *    included) reaches the server: every query sent to it fails with CONNECT_TIMEOUT, for as
 *    long as the process lives.
 * 3. Back-off that outlives the outage. Before a closed connection reconnects it waits
 *    `backoff(failures)` seconds, 3^n/100 capped at 20, with the failure count shared by the
 *    whole pool and reset only by a successful connect, so a dozen seconds of refused
 *    connections cost each queued query up to 20 more seconds after the database is back.
 *
 * What this module does about each, and to fail fast while the database is away:
 * - Transactions run through `transaction` below: a body that fails because its connection
 *   was lost is abandoned rather than rejected, so postgres.js never sends its ROLLBACK to the
 *   dead socket (1); the caller gets the error at once. The server rolls back a transaction
 *   whose connection is gone by itself.
 * - Connections are watched from their socket (postgres.js's documented `socket` option). A
 *   pool that lost an established connection, or has one that stopped writing (2), is
 *   replaced: new work goes to a fresh postgres.js client, behind the same `db`, while the old
 *   one finishes what it has in hand and is ended.
 * - A connection attempt that does not reach the server opens a breaker (connection-breaker.ts):
 *   from then on new connections fail at once with DatabaseUnavailableError, one trial attempt
 *   every RETRY_INTERVAL_MS excepted, and the first answer closes it again. Back-off is the
 *   breaker's job, so postgres.js's own is off (3). The pool in use when the database went
 *   away is replaced too: whatever state its connections were left in does not outlive the
 *   outage.
 * - connect_timeout is 1.5 s (postgres.js takes fractions), so while the network drops
 *   packets (a partition) a request fails within it, not in the 10 s it was.
 *
 * Not covered: a query already sent on a connection that then goes silent without a reset (a
 * partition that catches it mid-flight) waits until TCP gives up, or until the breaker opens
 * on another connection's attempt and the pool is replaced (RETIRE_GRACE_SECONDS later). A
 * deadline per query would bound it.
 */
import net from "node:net";
import { Duplex } from "node:stream";
import { drizzle } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { errorReason } from "../lib/error-reason";
import { log } from "../lib/log";
import { ConnectionBreaker } from "./connection-breaker";
import type { Database } from "./index";
import * as schema from "./schema";
import { DatabaseUnavailableError, databaseUnavailable } from "./unavailable";

/** How long a connection may take to be ready for queries. */
export const CONNECT_TIMEOUT_SECONDS = 1.5;
/** While the database is unreachable, how often one connection attempt goes out to see. */
export const RETRY_INTERVAL_MS = 500;
/** Idle connections are closed: one that lay idle through a network change is not kept. */
const IDLE_TIMEOUT_SECONDS = 30;
/** How long a replaced pool has to finish its queries before its connections are closed. */
const RETIRE_GRACE_SECONDS = 5;

export interface PostgresClient {
  /** The database for queries; stays usable whichever postgres.js client serves it. */
  readonly db: Database;
  /** The postgres.js client serving `db` now. */
  current(): postgres.Sql;
  close(): Promise<void>;
}

/** What postgres.js passes its `socket` option: the parsed connection options. */
interface SocketTarget {
  host: string[];
  port: number[];
  path: string | false;
}

interface Pool {
  readonly id: number;
  retired: boolean;
}

interface Generation extends Pool {
  readonly client: postgres.Sql;
  readonly db: Database;
}

type Transaction = Parameters<Parameters<Database["transaction"]>[0]>[0];
type TransactionConfig = Parameters<Database["transaction"]>[1];

export function openPostgresClient(
  url: string,
  { max = 10 }: { max?: number } = {},
): PostgresClient {
  const breaker = new ConnectionBreaker(RETRY_INTERVAL_MS);
  const retiring = new Set<Promise<void>>();
  let pools = 0;
  let closed = false;

  const retire = (pool: Generation, reason: string) => {
    if (pool.retired) return;
    pool.retired = true;
    if (closed) return;
    log.warn({ pool: pool.id, reason }, "database connection pool replaced");
    const ending = pool.client
      .end({ timeout: RETIRE_GRACE_SECONDS })
      .catch((error: unknown) => log.warn({ reason: errorReason(error) }, "ending a pool failed"))
      .finally(() => retiring.delete(ending));
    retiring.add(ending);
  };

  const open = (): Generation => {
    pools += 1;
    const pool: Pool = { id: pools, retired: false };
    // `socket` is a documented postgres.js option missing from its type declarations; an
    // options object held in a variable may carry it.
    const options: postgres.Options<Record<string, never>> & {
      socket: (target: SocketTarget) => Duplex;
    } = {
      max,
      onnotice: () => {},
      connect_timeout: CONNECT_TIMEOUT_SECONDS,
      idle_timeout: IDLE_TIMEOUT_SECONDS,
      backoff: () => 0,
      socket: (target) => connect(target, generation),
    };
    const client = postgres(url, options);
    const generation: Generation = Object.assign(pool, {
      client,
      db: drizzle(client, { schema }),
    });
    return generation;
  };

  let generation = open();
  const current = (): Generation => {
    if (generation.retired && !closed) generation = open();
    return generation;
  };

  function connect(target: SocketTarget, pool: Generation): Duplex {
    if (pool.retired) {
      return failedSocket(new DatabaseUnavailableError("The connection pool was replaced.", 1));
    }
    if (!breaker.allowAttempt()) {
      return failedSocket(
        new DatabaseUnavailableError("The database is unreachable.", breaker.retryAfterSeconds()),
      );
    }
    const [host = "localhost"] = target.host;
    const [port = 5432] = target.port;
    const socket = target.path ? net.connect(target.path) : net.connect(port, host);
    watch(socket, pool);
    return socket;
  }

  /**
   * Reads how a connection attempt ends. Attached before postgres.js's own listeners, so each
   * event is seen here first. Over TLS postgres.js removes every listener of the socket when
   * it upgrades it, after the server's first answer: from there only transactions and
   * connections that stop writing tell of a lost connection.
   */
  function watch(socket: net.Socket, pool: Generation): void {
    let connected = false;
    let answered = false;
    let settled = false;
    const unreachable = (reason: string) => {
      if (settled) return;
      settled = true;
      if (!breaker.unreachable()) return;
      log.warn({ reason }, "database unreachable: failing fast until it answers again");
      retire(generation, "the database became unreachable");
    };
    socket.once("connect", () => {
      connected = true;
    });
    socket.once("data", () => {
      answered = true;
      if (settled) return;
      settled = true;
      if (breaker.answered()) log.info("database reachable again");
    });
    socket.on("error", (error) => {
      if (answered) retire(pool, `a connection failed: ${error.message}`);
      else unreachable(error.message);
    });
    socket.once("end", () => {
      if (!answered) {
        // Left alone, postgres.js would reconnect in a loop for the query it was opening
        // this connection for, silently, for as long as the server keeps closing on it.
        socket.destroy(
          new DatabaseUnavailableError("The database closed the connection at once.", 1),
        );
      } else if (!socket.writableEnded) {
        retire(pool, "the server closed a connection");
      }
    });
    socket.once("close", () => {
      if (settled || answered) return;
      if (connected && socket.bytesWritten === 0) {
        // Connected, yet postgres.js wrote not even its startup message before giving up:
        // the connection can no longer write (2 above), whatever the server does.
        settled = true;
        breaker.inconclusive();
        retire(pool, "a connection stopped writing");
        return;
      }
      unreachable("no answer before the connect timeout");
    });
  }

  async function transaction<T>(
    body: (tx: Transaction) => Promise<T>,
    config?: TransactionConfig,
  ): Promise<T> {
    const pool = current();
    let abandon: (error: unknown) => void = () => {};
    const abandoned = new Promise<never>((_, reject) => {
      abandon = reject;
    });
    const finished = pool.db.transaction(async (tx) => {
      try {
        return await body(tx);
      } catch (error) {
        if (databaseUnavailable(error) === null) throw error;
        abandon(error);
        retire(pool, "a transaction lost its connection");
        // Never settles: a rejection here would make postgres.js send ROLLBACK on the dead
        // connection (1 above). Its `begin` rejects by itself once the connection closes,
        // and the race below has taken the error already.
        return new Promise<never>(() => {});
      }
    }, config);
    return Promise.race([finished, abandoned]);
  }

  const db = new Proxy(generation.db, {
    get(_target, property) {
      if (property === "transaction") return transaction;
      const { db: served } = current();
      const value: unknown = Reflect.get(served, property, served);
      return typeof value === "function" ? value.bind(served) : value;
    },
  });

  return {
    db,
    current: () => current().client,
    async close() {
      closed = true;
      generation.retired = true;
      await Promise.all([generation.client.end({ timeout: 5 }), ...retiring]);
    },
  };
}

/**
 * A socket that fails as a refused connection does, without touching the network. The failure
 * comes two event-loop turns later, not at once: postgres.js writes its startup message as
 * soon as it has a socket, and flushes it from an immediate; a close seen before that flush
 * would leave the connection unable to write (2 above).
 */
function failedSocket(error: Error): Duplex {
  const socket = new Duplex({
    read() {},
    write(_chunk, _encoding, done) {
      done();
    },
  });
  setImmediate(() => setImmediate(() => socket.destroy(error)));
  return socket;
}
