/**
 * The one validated configuration. Every setting Tollgate reads comes through `env()`; nothing
 * else reads `process.env` for them. Empty strings count as unset, so a blank line in `.env`
 * means "use the default".
 *
 * `parseEnv` never throws: it returns every problem at once, so start-up can name all bad
 * variables in one message (`formatEnvErrors`). `env()` throws `InvalidEnvError` with that
 * message; `next.config.ts` and `scripts/dev.ts` call it, so a bad value stops start-up.
 *
 * Not marked `server-only`: next.config.ts and the scripts load it outside the Next runtime.
 * Client code must never import it (it holds secrets).
 */
import { z } from "zod";

/** The key the bundled Stripe emulator accepts; used when STRIPE_SECRET_KEY is unset. */
export const EMULATOR_SECRET_KEY = "sk_test_tollgate_emulator";
export const EMULATOR_PUBLISHABLE_KEY = "pk_test_tollgate_emulator";

const emptyAsUndefined = (value: unknown) =>
  typeof value === "string" && value.trim() === "" ? undefined : value;

const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess(emptyAsUndefined, schema.optional());
const withDefault = <T extends z.ZodType>(schema: T, fallback: z.util.NoUndefined<z.output<T>>) =>
  z.preprocess(emptyAsUndefined, schema.default(fallback));

const httpUrl = z
  .url({ protocol: /^https?$/, error: "must be an http(s) URL such as http://localhost:3000" })
  .transform((value) => value.replace(/\/+$/, ""));

const postgresUrl = z.url({
  protocol: /^postgres(ql)?$/,
  error: "must be a connection URL such as postgres://user:password@host:5432/database",
});

const wholeNumber = (min: number, max: number) =>
  z.coerce
    .number({ error: "must be a whole number" })
    .int("must be a whole number")
    .min(min, `must be at least ${min}`)
    .max(max, `must be at most ${max}`);

const booleanFlag = z
  .enum(["true", "false", "1", "0"], { error: "must be true or false" })
  .transform((value) => value === "true" || value === "1");

const emailList = z
  .string()
  .transform((value) =>
    value
      .split(",")
      .map((email) => email.trim().toLowerCase())
      .filter((email) => email.length > 0),
  )
  .pipe(z.array(z.email("must be a comma-separated list of email addresses")));

const schema = z.object({
  NODE_ENV: withDefault(z.enum(["development", "test", "production"]), "development"),
  LOG_LEVEL: withDefault(
    z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]),
    "info",
  ),

  /** Public base URL of the app: Stripe redirects and emails link here. */
  FRONTEND_URL: withDefault(httpUrl, "http://localhost:3000"),

  /** Unset → an embedded PGlite database in PGLITE_DIR. */
  DATABASE_URL: optional(postgresUrl),
  PGLITE_DIR: withDefault(z.string(), ".data/pglite"),

  STRIPE_SECRET_KEY: withDefault(
    z
      .string()
      .regex(
        /^(sk|rk)_(test|live)_\w+$/,
        "must be a Stripe secret key (sk_test_…, sk_live_… or rk_…)",
      ),
    EMULATOR_SECRET_KEY,
  ),
  STRIPE_PUBLISHABLE_KEY: withDefault(
    z
      .string()
      .regex(/^pk_(test|live)_\w+$/, "must be a Stripe publishable key (pk_test_… or pk_live_…)"),
    EMULATOR_PUBLISHABLE_KEY,
  ),
  /** Webhook signing secret; empty means every webhook is refused. */
  STRIPE_WEBHOOK_SECRET: optional(z.string().regex(/^whsec_\w+$/, "must start with whsec_")),
  /** Base URL of the Stripe API; unset → api.stripe.com, or the emulator with its key. */
  STRIPE_API_BASE: optional(httpUrl),
  STRIPE_EMULATOR_PORT: withDefault(wholeNumber(1, 65_535), 12_111),
  /**
   * Lets a production server (`next start`) use the Stripe emulator: for testing a production
   * build offline (the end-to-end tests), never for a deployment.
   */
  ALLOW_STRIPE_EMULATOR: withDefault(booleanFlag, false),

  /**
   * Stripe reads (GETs) per second that background jobs make, every instance and worker
   * together (lib/billing/stripe/limiter.ts). Stripe allows 25 a second in test mode and 100
   * live; a 429 slows the jobs below this until it passes.
   */
  STRIPE_READS_PER_SECOND: withDefault(wholeNumber(1, 100), 20),

  DEFAULT_TRIAL_DAYS: withDefault(wholeNumber(0, 730), 14),
  BILLING_GRACE_PERIOD_DAYS: withDefault(wholeNumber(0, 60), 3),

  /** Usage records one user may send per minute, across calls; at least one full batch. */
  USAGE_RECORDS_PER_MINUTE: withDefault(wholeNumber(1_000, 10_000_000), 10_000),
  /** Attempts after which a meter event Stripe keeps refusing is marked failed. */
  METER_EVENT_MAX_ATTEMPTS: withDefault(wholeNumber(1, 100), 8),

  AUTH_SECRET: optional(
    z.string().min(32, "must be at least 32 characters (openssl rand -base64 32)"),
  ),
  /** Emails that become admins once verified (lib/auth/email-proof.ts), never at sign-up. */
  ADMIN_EMAILS: withDefault(emailList, []),
  AUTH_GITHUB_ID: optional(z.string()),
  AUTH_GITHUB_SECRET: optional(z.string()),
  AUTH_GOOGLE_ID: optional(z.string()),
  AUTH_GOOGLE_SECRET: optional(z.string()),
  /**
   * SMTP URL for sign-in and email-verification links; unset in development → links are
   * written to the log; unset in production → neither is sent.
   */
  EMAIL_SERVER: optional(
    z.url({ protocol: /^smtps?$/, error: "must be an SMTP URL such as smtp://user:pass@host:587" }),
  ),
  EMAIL_FROM: withDefault(z.string(), "Tollgate <billing@localhost>"),

  /**
   * How many proxies in front of the app append to X-Forwarded-For (lib/http/client-ip.ts).
   * 0: none, the app is reached directly and the connection's address is the client's.
   */
  TRUSTED_PROXY_HOPS: withDefault(wholeNumber(0, 10), 0),

  /** Shared secret for the cron route that runs due background jobs (/api/internal/jobs). */
  CRON_SECRET: optional(z.string().min(16, "must be at least 16 characters")),
  /**
   * Runs the job worker inside the app's server process. Unset: on in development (the
   * embedded database belongs to one process), off elsewhere (`npm run worker` runs it).
   */
  WORKER_IN_APP: optional(booleanFlag),
});

export type Env = z.output<typeof schema>;

export interface EnvIssue {
  variable: string;
  message: string;
}

/** Settings that only make sense together; checked on the raw values, beside the schema. */
function pairIssues(source: Record<string, string | undefined>): EnvIssue[] {
  const issues: EnvIssue[] = [];
  for (const provider of ["GITHUB", "GOOGLE"] as const) {
    const id = `AUTH_${provider}_ID`;
    const secret = `AUTH_${provider}_SECRET`;
    const hasId = Boolean(source[id]?.trim());
    const hasSecret = Boolean(source[secret]?.trim());
    if (hasId !== hasSecret) {
      issues.push({
        variable: hasId ? secret : id,
        message: `must be set together with ${hasId ? id : secret}`,
      });
    }
  }
  return issues;
}

const hostOf = (url: string) => new URL(url).hostname.replace(/^\[|\]$/g, "");

/** True for a URL whose host is this machine. */
function isLoopback(url: string): boolean {
  const host = hostOf(url);
  return (
    host === "localhost" || host.endsWith(".localhost") || host === "::1" || /^127\./.test(host)
  );
}

/** True for a URL whose host is this machine or a private network (not a hosted service). */
export function isLocalAddress(url: string): boolean {
  const host = hostOf(url);
  return (
    isLoopback(url) ||
    /^0\.0\.0\.0$/.test(host) ||
    /^10\./.test(host) ||
    /^192\.168\./.test(host) ||
    /^172\.(1[6-9]|2\d|3[01])\./.test(host)
  );
}

/**
 * Settings a running production server must not start with (a build needs none of them): each
 * would be safe in development and is a hole in production. Refused with a message naming the
 * variable, before the first request.
 */
export function productionIssues(
  config: Env,
  source: Record<string, string | undefined> = {},
): EnvIssue[] {
  if (config.NODE_ENV !== "production") return [];
  const issues: EnvIssue[] = [];
  if (!source.FRONTEND_URL?.trim()) {
    issues.push({
      variable: "FRONTEND_URL",
      message:
        "is required in production: the https address people use (links, redirects and " +
        "secure cookies are built from it)",
    });
  } else if (!config.FRONTEND_URL.startsWith("https://") && !isLoopback(config.FRONTEND_URL)) {
    issues.push({
      variable: "FRONTEND_URL",
      message:
        "must be https in production (plain http only for a loopback address, to try a " +
        "production build on this machine)",
    });
  }
  if (!config.AUTH_SECRET) {
    issues.push({
      variable: "AUTH_SECRET",
      message: "is required in production (generate one with: openssl rand -base64 32)",
    });
  }
  if (!config.STRIPE_WEBHOOK_SECRET) {
    issues.push({
      variable: "STRIPE_WEBHOOK_SECRET",
      message:
        "is required in production: without it every webhook is refused and the mirror " +
        "drifts from Stripe (npm run stripe:sync -- --webhook-url … prints it)",
    });
  }
  if (config.ALLOW_STRIPE_EMULATOR) return issues;
  if (config.STRIPE_SECRET_KEY === EMULATOR_SECRET_KEY) {
    issues.push({
      variable: "STRIPE_SECRET_KEY",
      message: "is unset or the Stripe emulator's key; production needs a real Stripe secret key",
    });
  }
  if (config.STRIPE_PUBLISHABLE_KEY === EMULATOR_PUBLISHABLE_KEY) {
    issues.push({
      variable: "STRIPE_PUBLISHABLE_KEY",
      message: "is unset or the Stripe emulator's key; production needs a real publishable key",
    });
  }
  if (
    config.STRIPE_API_BASE &&
    (!config.STRIPE_API_BASE.startsWith("https://") || isLocalAddress(config.STRIPE_API_BASE))
  ) {
    issues.push({
      variable: "STRIPE_API_BASE",
      message:
        "points at a local or plain-http address (the emulator?); unset it in production so " +
        "that Stripe is reached at https://api.stripe.com",
    });
  }
  return issues;
}

export type EnvResult = { ok: true; env: Env } | { ok: false; issues: EnvIssue[] };

export interface ParseEnvOptions {
  /**
   * True when a server is about to start (`next start`, `next dev`): adds what only a serving
   * process needs in production (`productionIssues`). Builds and scripts (migrations, seed)
   * leave it false.
   */
  server?: boolean;
}

export function parseEnv(
  source: Record<string, string | undefined> = process.env,
  options: ParseEnvOptions = {},
): EnvResult {
  const result = schema.safeParse(source);
  const issues = [
    ...(result.success
      ? []
      : result.error.issues.map((issue) => ({
          variable: String(issue.path[0] ?? "(environment)"),
          message: issue.message,
        }))),
    ...pairIssues(source),
    ...(result.success && options.server ? productionIssues(result.data, source) : []),
  ];
  if (result.success && issues.length === 0) return { ok: true, env: result.data };
  return { ok: false, issues };
}

/** One message naming each bad variable and why. Values are never echoed: some are secrets. */
export function formatEnvErrors(issues: EnvIssue[]): string {
  const lines = issues.map(({ variable, message }) => `  - ${variable}: ${message}`);
  return `Invalid configuration (see .env.example):\n${lines.join("\n")}`;
}

export class InvalidEnvError extends Error {
  readonly issues: EnvIssue[];
  constructor(issues: EnvIssue[]) {
    super(formatEnvErrors(issues));
    this.name = "InvalidEnvError";
    this.issues = issues;
  }
}

let cached: Env | undefined;

/**
 * The validated configuration, parsed once per process; throws InvalidEnvError.
 *
 * Also points Auth.js at FRONTEND_URL: next-auth reads `process.env.AUTH_URL` on every request
 * and, when it is set, builds magic links, callback URLs and redirects from it instead of the
 * request's Host or X-Forwarded-Host header (which anyone can spoof). Any AUTH_URL of the
 * environment is overridden, so FRONTEND_URL stays the one public address. Set on every call,
 * not only the first: Next's env loader may reset process.env after start-up, dropping it.
 */
export function env(): Env {
  if (!cached) {
    const result = parseEnv();
    if (!result.ok) throw new InvalidEnvError(result.issues);
    cached = result.env;
  }
  process.env.AUTH_URL = cached.FRONTEND_URL;
  return cached;
}

/** True when Stripe calls go to the bundled emulator rather than a real Stripe account. */
export function usesStripeEmulator(config: Env = env()): boolean {
  return config.STRIPE_SECRET_KEY === EMULATOR_SECRET_KEY;
}

/** Whether this app server also runs the job worker (`WORKER_IN_APP`, see its default). */
export function runsWorkerInApp(config: Pick<Env, "WORKER_IN_APP" | "NODE_ENV">): boolean {
  return config.WORKER_IN_APP ?? config.NODE_ENV === "development";
}
