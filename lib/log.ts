/**
 * The structured logger. JSON lines in production (one object per line, for a log shipper);
 * readable, coloured lines in development. Secrets and card data never reach the output: the
 * paths below are redacted wherever they appear in a logged object, and a logged error (`err`)
 * loses the values of a failed query (lib/log-serializers.ts). Event payloads are never logged.
 */
import pino, { type Logger } from "pino";
import pretty from "pino-pretty";
import { parseEnv } from "./env";
import { serializeError } from "./log-serializers";

const REDACT = [
  "password",
  "passwordHash",
  "secret",
  "token",
  "apiKey",
  "authorization",
  "cookie",
  "card",
  "payload",
  "*.password",
  "*.passwordHash",
  "*.secret",
  "*.token",
  "*.apiKey",
  "*.authorization",
  "*.cookie",
  "*.card",
  "*.payload",
  "headers.authorization",
  "headers.cookie",
  'headers["stripe-signature"]',
];

/**
 * A logger with Tollgate's redaction and serializers, at the configured level. Tests read what
 * it writes through lib/testing/log-capture.ts.
 */
function createLogger(): Logger {
  // The logger must work while the configuration is broken (it reports that), so it reads the
  // two settings it needs without caching or throwing.
  const parsed = parseEnv();
  const level = parsed.ok ? parsed.env.LOG_LEVEL : "info";
  const production = parsed.ok
    ? parsed.env.NODE_ENV === "production"
    : process.env.NODE_ENV === "production";
  const options = {
    level,
    base: { app: "tollgate" },
    redact: { paths: REDACT, censor: "[redacted]" },
    serializers: { err: serializeError },
  };
  if (production) return pino(options);
  // A synchronous stream, not a transport: transports run in worker threads that bundlers
  // cannot follow.
  return pino(
    options,
    pretty({ sync: true, colorize: process.stdout.isTTY ?? false, ignore: "pid,hostname,app" }),
  );
}

const globalForLog = globalThis as typeof globalThis & { __tollgateLogger?: Logger };

/** The process-wide logger; child loggers carry context (`log.child({ module: "db" })`). */
export const log: Logger = globalForLog.__tollgateLogger ?? createLogger();
globalForLog.__tollgateLogger = log;
