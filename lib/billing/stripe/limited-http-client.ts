import type Stripe from "stripe";
import { errorReason } from "@/lib/error-reason";
import { log } from "@/lib/log";
import type { RequestLimiter } from "./limiter";

/**
 * stripe-node's HTTP client with its reads paced: every GET, first attempt or retry (stripe-node
 * calls `makeRequest` again for each), waits for a slot of `limiter`; a GET answered 429 slows
 * the limiter down. Writes go straight through (meter events and other writes have limits of
 * their own at Stripe, counted apart from reads).
 *
 * A 429 is handed back marked `Stripe-Should-Retry: false`, so the call fails at once with
 * StripeRateLimitError even if Stripe suggests a retry: the caller is a job, and the job engine's
 * backoff, not a retry inside the same call, is what should wait out an overload (the limiter
 * has already pushed every instance's next read a second out).
 *
 * When the limiter cannot be reached (or is busy past its longest wait) no request is sent:
 * stripe-node reports it as a connection error (StripeConnectionError, the cause in `detail`),
 * after its usual retries, each of which asks the limiter again.
 */
export function limitReads(inner: Stripe.HttpClient, limiter: RequestLimiter): Stripe.HttpClient {
  return {
    getClientName: () => inner.getClientName(),
    async makeRequest(...request: Parameters<Stripe.HttpClient["makeRequest"]>) {
      const method = request[3];
      if (method !== "GET") return inner.makeRequest(...request);
      await limiter.acquire();
      const response = await inner.makeRequest(...request);
      if (response.getStatusCode() !== 429) return response;
      // A failure here must not fail the request: stripe-node would take it for a lost
      // connection and send the read again, into the overload.
      await limiter.slowDown().catch((error: unknown) => {
        log.warn({ limiter: limiter.name, reason: errorReason(error) }, "limiter not slowed");
      });
      return withoutRetry(response);
    },
  };
}

function withoutRetry(response: Stripe.HttpClientResponse): Stripe.HttpClientResponse {
  return {
    getStatusCode: () => response.getStatusCode(),
    getHeaders: () => ({ ...response.getHeaders(), "stripe-should-retry": "false" }),
    getRawResponse: () => response.getRawResponse(),
    toStream: (done) => response.toStream(done),
    toJSON: () => response.toJSON(),
    dispose: () => response.dispose?.(),
  };
}
