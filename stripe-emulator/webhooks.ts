/**
 * Webhook delivery as Stripe does it: each event goes to every enabled endpoint that listens
 * for its type, as a JSON POST signed with `Stripe-Signature: t=<unix time>,v1=<HMAC-SHA256 of
 * "t.payload" keyed with the endpoint's whole whsec_ secret>`. A non-2xx answer, a network
 * error or no answer within the timeout is retried on the schedule (exponential, up to three
 * days by default; compressed for tests). Every attempt is logged.
 *
 * Test switches (`Switches`): duplicate deliveries, shuffled order of deliveries due together,
 * a delay before first attempts, and first attempts that fail without reaching the endpoint.
 * Delivery runs on wall time, never on test clocks.
 */
import { createHmac, randomBytes } from "node:crypto";
import type Stripe from "stripe";
import type { Emulator } from "./context";
import { asReturnedByStripe } from "./invoices";
import type { QueuedDelivery } from "./state";

/** Stripe retries for up to three days, backing off; in milliseconds after each failure. */
export const STRIPE_RETRY_SCHEDULE_MS = [
  60_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000, 36_000_000, 36_000_000,
  36_000_000, 36_000_000, 36_000_000,
];

const MAX_LOG = 5_000;

export function signPayload(payload: string, secret: string, timestamp: number): string {
  const signature = createHmac("sha256", secret).update(`${timestamp}.${payload}`).digest("hex");
  return `t=${timestamp},v1=${signature}`;
}

export interface DelivererOptions {
  retrySchedule: number[];
  timeoutMs: number;
}

export class Deliverer {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;
  private readonly inFlight = new Set<QueuedDelivery>();

  constructor(
    private readonly em: Emulator,
    private readonly options: DelivererOptions,
  ) {
    em.onEvent((event) => this.enqueue(event));
  }

  private enqueue(event: Stripe.Event): void {
    const { switches } = this.em.state;
    const dueAt = Date.now() + switches.delayMs;
    for (const endpoint of this.em.matchingEndpoints(event.type)) {
      for (let copy = 0; copy < Math.max(1, switches.duplicates); copy++) {
        this.em.state.queue.push({
          event: event.id,
          endpoint: endpoint.id,
          attempt: 1,
          dueAt,
          duplicate: copy > 0,
        });
      }
    }
    this.kick();
  }

  /** Schedules a pass over the queue (at once, or when the next delivery is due). */
  kick(): void {
    if (this.stopped || this.running) return;
    if (this.timer) clearTimeout(this.timer);
    const next = Math.min(
      ...this.em.state.queue.filter((item) => !this.inFlight.has(item)).map((item) => item.dueAt),
    );
    if (!Number.isFinite(next)) return;
    this.timer = setTimeout(
      () => {
        this.timer = null;
        this.running = this.pass().finally(() => {
          this.running = null;
          this.kick();
        });
      },
      Math.max(0, next - Date.now()),
    );
    this.timer.unref?.();
  }

  /**
   * Sends what is due. Items stay in the queue until their attempt is over, so a save taken
   * meanwhile (or a stop) keeps them and they go out after a restart: at least once.
   */
  private async pass(): Promise<void> {
    const now = Date.now();
    const due = this.em.state.queue.filter((item) => item.dueAt <= now && !this.inFlight.has(item));
    if (due.length === 0) return;
    for (const item of due) this.inFlight.add(item);
    if (this.em.state.switches.shuffle) {
      for (let i = due.length - 1; i > 0; i--) {
        const j = Math.floor(Math.random() * (i + 1));
        [due[i], due[j]] = [due[j] as QueuedDelivery, due[i] as QueuedDelivery];
      }
    }
    for (const item of due) {
      if (this.stopped) return;
      try {
        await this.attempt(item);
      } finally {
        this.inFlight.delete(item);
        this.em.state.queue = this.em.state.queue.filter((queued) => queued !== item);
      }
    }
    this.em.changed();
  }

  private async attempt(item: QueuedDelivery): Promise<void> {
    const event = this.em.state.events[item.event];
    const endpoint = this.em.state.webhookEndpoints[item.endpoint];
    const secret = this.em.state.webhookSecrets[item.endpoint];
    if (!event || !endpoint || !secret || endpoint.status !== "enabled") return;
    const started = Date.now();
    let status: number | null = null;
    let error: string | null = null;
    if (item.attempt <= this.em.state.switches.failFirstAttempts) {
      error = "failed on purpose (switch failFirstAttempts)";
    } else {
      const payload = JSON.stringify(event, asReturnedByStripe, 2);
      try {
        const response = await fetch(endpoint.url, {
          method: "POST",
          headers: {
            "content-type": "application/json; charset=utf-8",
            "user-agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
            "stripe-signature": signPayload(payload, secret, Math.floor(Date.now() / 1000)),
          },
          body: payload,
          signal: AbortSignal.timeout(this.options.timeoutMs),
        });
        status = response.status;
        await response.arrayBuffer().catch(() => undefined);
        if (!response.ok) error = `HTTP ${response.status}`;
      } catch (cause) {
        error =
          cause instanceof Error && cause.name === "TimeoutError" ? "timed out" : String(cause);
      }
    }
    const ok = error === null;
    // The state may have been replaced while the request was out (a reset, a rolled-back
    // request): record against what is current now.
    const current = this.em.state.events[item.event];
    this.em.state.deliveries.push({
      id: `dlv_${randomBytes(8).toString("hex")}`,
      event: event.id,
      type: event.type,
      endpoint: endpoint.id,
      url: endpoint.url,
      attempt: item.attempt,
      at: started,
      status,
      ok,
      error,
      durationMs: Date.now() - started,
      duplicate: item.duplicate,
    });
    if (this.em.state.deliveries.length > MAX_LOG) this.em.state.deliveries.splice(0, 1_000);
    if (ok) {
      if (current) current.pending_webhooks = Math.max(0, current.pending_webhooks - 1);
      return;
    }
    if (!current) return;
    const wait = this.options.retrySchedule[item.attempt - 1];
    if (wait !== undefined) {
      this.em.state.queue.push({ ...item, attempt: item.attempt + 1, dueAt: Date.now() + wait });
    }
  }

  /** Resolves when nothing is due within `horizonMs` and no delivery is in flight. */
  async idle(horizonMs = 0, timeoutMs = horizonMs + 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.running) await this.running;
      const soon = this.em.state.queue.some((item) => item.dueAt <= Date.now() + horizonMs);
      if (!soon && !this.running) return;
      if (Date.now() > deadline) throw new Error("webhook deliveries did not settle in time");
      this.kick();
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }
}
