import "server-only";
import type Stripe from "stripe";
import { env } from "@/lib/env";
import { createStripeClient } from "./stripe-client";

const globalForStripe = globalThis as unknown as { __tollgateStripe?: Stripe };

/** The process-wide Stripe client, built from the configuration on first use. */
export function getStripe(): Stripe {
  globalForStripe.__tollgateStripe ??= createStripeClient(env());
  return globalForStripe.__tollgateStripe;
}

/** Makes `stripe` the process-wide client: tests point the app at an emulator of their own. */
export function provideStripe(stripe: Stripe): void {
  globalForStripe.__tollgateStripe = stripe;
}
