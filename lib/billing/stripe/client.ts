/**
 * The one Stripe client: its factory and the process-wide instance. The app, the scripts
 * (`npm run stripe:sync`, `npm run dev`) and the tests build their clients here, so every call
 * carries the pinned API version, the same retries and timeout, and goes to the same place:
 * STRIPE_API_BASE when it is set, the bundled emulator when the key is the emulator's,
 * api.stripe.com otherwise.
 *
 * Background jobs build theirs with `createLimitedStripeClient`: the same client, with every
 * read paced by the limiter all instances share (STRIPE_READS_PER_SECOND).
 *
 * Not marked `server-only`: scripts running under tsx use it too. Client code must never import
 * it (it holds the secret key).
 */
import Stripe from "stripe";
import type { Database } from "@/db";
import { EMULATOR_SECRET_KEY, type Env, env } from "../../env";
import { limitReads } from "./limited-http-client";
import { createRequestLimiter, type RequestLimiter, type RequestLimiterOptions } from "./limiter";

/** Stripe's types describe this version only; it is sent with every request. */
export const STRIPE_API_VERSION = "2026-10-28.endive" satisfies Stripe.LatestApiVersion;

const STRIPE_DEFAULT_BASE = "https://api.stripe.com";

export type StripeClientConfig = Pick<
  Env,
  "STRIPE_SECRET_KEY" | "STRIPE_API_BASE" | "STRIPE_EMULATOR_PORT"
>;

/** The base URL Stripe calls go to, without a trailing slash. */
export function stripeApiBase(config: StripeClientConfig): string {
  if (config.STRIPE_API_BASE) return config.STRIPE_API_BASE;
  if (config.STRIPE_SECRET_KEY === EMULATOR_SECRET_KEY) {
    return `http://127.0.0.1:${config.STRIPE_EMULATOR_PORT}`;
  }
  return STRIPE_DEFAULT_BASE;
}

/**
 * A client for the configured Stripe. Throws when STRIPE_API_BASE has a path: stripe-node
 * always sends requests to `/v1/…` on the host, so a path would be silently dropped.
 * `httpClient` replaces stripe-node's own (`createLimitedStripeClient` passes a paced one).
 */
export function createStripeClient(
  config: StripeClientConfig,
  { httpClient }: { httpClient?: Stripe.HttpClient } = {},
): Stripe {
  const base = stripeApiBase(config);
  const options: Stripe.StripeConfig = {
    apiVersion: STRIPE_API_VERSION,
    maxNetworkRetries: 2,
    timeout: 20_000,
    appInfo: { name: "Tollgate" },
    ...(httpClient ? { httpClient } : {}),
  };
  if (base === STRIPE_DEFAULT_BASE) return new Stripe(config.STRIPE_SECRET_KEY, options);

  const url = new URL(base);
  if (url.pathname !== "/" || url.search) {
    throw new Error(`STRIPE_API_BASE must be an origin such as http://127.0.0.1:12111 (${base})`);
  }
  const protocol = url.protocol === "https:" ? "https" : "http";
  return new Stripe(config.STRIPE_SECRET_KEY, {
    ...options,
    // An IPv6 literal comes bracketed in a URL ("[::1]"); Node's http wants it bare.
    host: url.hostname.replace(/^\[(.*)\]$/, "$1"),
    port: url.port || (protocol === "https" ? 443 : 80),
    protocol,
  });
}

/** The limiter every instance's job clients share for Stripe reads. */
export const STRIPE_READS_LIMITER = "stripe-reads";

export type LimitedStripeClientConfig = StripeClientConfig & Pick<Env, "STRIPE_READS_PER_SECOND">;

/** How the reads limiter recovers and how long a read may wait (defaults: 30 s and 30 s). */
export type StripeReadsPacing = Pick<RequestLimiterOptions, "recoveryMs" | "maxWaitMs">;

/** The shared limiter of Stripe reads, at STRIPE_READS_PER_SECOND. */
export function stripeReadsLimiter(
  db: Database,
  config: Pick<Env, "STRIPE_READS_PER_SECOND">,
  pacing: StripeReadsPacing = {},
): RequestLimiter {
  return createRequestLimiter(db, {
    name: STRIPE_READS_LIMITER,
    ratePerSecond: config.STRIPE_READS_PER_SECOND,
    ...pacing,
  });
}

/**
 * A client for background jobs: `createStripeClient`'s, with every GET (each retry too) waiting
 * for a slot of the reads limiter in `db`, so all instances and workers together stay under
 * STRIPE_READS_PER_SECOND. A 429 slows every instance down and fails the call at once
 * (StripeRateLimitError), so the job fails and the job engine retries it later; connection
 * errors, 409s and 5xxs are still retried in the call (twice), each retry paced. Writes are not
 * paced. See limited-http-client.ts.
 */
export function createLimitedStripeClient(
  config: LimitedStripeClientConfig,
  db: Database,
  pacing: StripeReadsPacing = {},
): Stripe {
  const limiter = stripeReadsLimiter(db, config, pacing);
  return createStripeClient(config, {
    httpClient: limitReads(Stripe.createNodeHttpClient(), limiter),
  });
}

const globalForStripe = globalThis as unknown as {
  __tollgateStripe?: Stripe;
  /** Set by `provideStripe`: the jobs use that client too. */
  __tollgateStripeProvided?: boolean;
  __tollgateJobStripe?: { db: Database; stripe: Stripe };
};

/** The process-wide Stripe client, built from the configuration on first use. */
export function getStripe(): Stripe {
  globalForStripe.__tollgateStripe ??= createStripeClient(env());
  return globalForStripe.__tollgateStripe;
}

/**
 * The client background jobs use on `db`: its reads go through the limiter every instance
 * shares (`STRIPE_READS_PER_SECOND`), since the jobs' reads are what a burst of webhooks
 * multiplies. A client handed over by `provideStripe` is used as it is.
 */
export function getJobStripe(db: Database): Stripe {
  if (globalForStripe.__tollgateStripeProvided) return getStripe();
  const cached = globalForStripe.__tollgateJobStripe;
  if (cached?.db === db) return cached.stripe;
  const stripe = createLimitedStripeClient(env(), db);
  globalForStripe.__tollgateJobStripe = { db, stripe };
  return stripe;
}

/** Makes `stripe` the process-wide client: tests point the app at an emulator of their own. */
export function provideStripe(stripe: Stripe): void {
  globalForStripe.__tollgateStripe = stripe;
  globalForStripe.__tollgateStripeProvided = true;
}

/**
 * What every billing function that reads or writes both sides is handed explicitly: the
 * database and the Stripe client. Route handlers pass the process-wide ones (`getDb()`,
 * `getStripe()`); tests pass their own.
 */
export interface BillingDeps {
  db: Database;
  stripe: Stripe;
}

/**
 * Who asks for a billing change, already authorised by the caller: a workspace's owner or admin
 * (`siteAdmin: false`), or a site admin acting from the admin area.
 */
export interface BillingActor {
  id: string;
  siteAdmin: boolean;
}
