/**
 * What "the database is unavailable" looks like from here: an error that says the server could
 * not be reached or the connection to it was lost, as opposed to an answer from a working server
 * (a constraint violation, a syntax error). Callers answer the first with 503 and Retry-After.
 */

/** Thrown without touching the network while the database is known to be unreachable. */
export class DatabaseUnavailableError extends Error {
  readonly code = "DATABASE_UNAVAILABLE";

  constructor(
    message: string,
    /** When the next connection attempt may go out. */
    readonly retryAfterSeconds: number,
  ) {
    super(message);
    this.name = "DatabaseUnavailableError";
  }
}

/** Seconds a caller is told to wait when nothing more precise is known. */
export const DEFAULT_RETRY_AFTER_SECONDS = 1;

const UNAVAILABLE_CODES = new Set([
  "DATABASE_UNAVAILABLE",
  // postgres.js, for a connection that could not be made or was lost.
  "CONNECT_TIMEOUT",
  "CONNECTION_CLOSED",
  "CONNECTION_DESTROYED",
  "CONNECTION_ENDED",
  // Node's sockets.
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ERR_SOCKET_CLOSED",
  "ERR_STREAM_DESTROYED",
  // The server's own words for "not now": shutting down, crashed, starting up, full.
  "57P01",
  "57P02",
  "57P03",
  "53300",
]);

function codeOf(error: object): string | null {
  const code: unknown = Reflect.get(error, "code");
  return typeof code === "string" ? code : null;
}

/**
 * Whether `error`, or any error in its `cause` chain (Drizzle wraps the driver's), means the
 * database is unavailable; with the wait to advise. Null for every other error.
 */
export function databaseUnavailable(error: unknown): { retryAfterSeconds: number } | null {
  let current: unknown = error;
  for (let depth = 0; depth < 10 && current instanceof Object; depth += 1) {
    if (current instanceof DatabaseUnavailableError) {
      return { retryAfterSeconds: current.retryAfterSeconds };
    }
    const code = codeOf(current);
    // SQLSTATE class 08: connection exceptions.
    if (code !== null && (UNAVAILABLE_CODES.has(code) || /^08[0-9A-Z]{3}$/.test(code))) {
      return { retryAfterSeconds: DEFAULT_RETRY_AFTER_SECONDS };
    }
    current = Reflect.get(current, "cause");
  }
  return null;
}
