/**
 * The emulator's core: its state, ids, time, events and lists. Every resource module works
 * through one `Emulator`; nothing here knows about HTTP.
 *
 * Time: an object on a test clock lives at the clock's `frozen_time`; everything else lives at
 * wall time plus `clockOffset`, which the control API can move forward.
 */
import { randomBytes } from "node:crypto";
import type Stripe from "stripe";
import { invalidRequest, noSuch } from "./errors";
import type { Params } from "./params";
import { int, str, strList } from "./params";
import { type EmulatorState, emptyState } from "./state";

export const API_VERSION = "2026-10-28.endive";
const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

export interface RequestInfo {
  id: string;
  idempotencyKey: string | null;
}

export type EventListener = (event: Stripe.Event) => void;

export class Emulator {
  state: EmulatorState = emptyState();
  /** The API request being served, for events' `request` field; null for clock-driven work. */
  request: RequestInfo | null = null;
  private readonly eventListeners: EventListener[] = [];
  private readonly changeListeners: Array<() => void> = [];

  constructor(readonly baseUrl: () => string) {}

  newId(prefix: string, length = 24): string {
    const bytes = randomBytes(length);
    let out = "";
    for (const byte of bytes) out += ALPHABET[byte % ALPHABET.length];
    const id = `${prefix}_${out}`;
    this.register(id);
    return id;
  }

  /** Records creation order for an id chosen by the caller (products may bring their own). */
  register(id: string): void {
    if (this.state.order[id] === undefined) this.state.order[id] = ++this.state.orderCounter;
  }

  wallNow(): number {
    return Math.floor(Date.now() / 1000) + this.state.clockOffset;
  }

  clockTime(clockId: string | null): number {
    if (!clockId) return this.wallNow();
    const clock = this.state.testClocks[clockId];
    return clock ? clock.frozen_time : this.wallNow();
  }

  customerClock(customerId: string | null | undefined): string | null {
    if (!customerId) return null;
    const clock = this.state.customers[customerId]?.test_clock;
    return typeof clock === "string" ? clock : null;
  }

  /** Now, as seen by a customer (its test clock's time, or wall time). */
  now(customerId?: string | null): number {
    return this.clockTime(this.customerClock(customerId));
  }

  onEvent(listener: EventListener): void {
    this.eventListeners.push(listener);
  }

  onChange(listener: () => void): void {
    this.changeListeners.push(listener);
  }

  changed(): void {
    for (const listener of this.changeListeners) listener();
  }

  /**
   * Records an event about `object` and hands it to the webhook deliverer. The payload is a
   * snapshot: later changes to the object do not alter what was sent.
   */
  emit(
    type: Stripe.Event.Type,
    object: { id?: string },
    previousAttributes?: Record<string, unknown>,
    customerId?: string | null,
  ): Stripe.Event {
    const event = {
      id: this.newId("evt"),
      object: "event",
      account: undefined,
      api_version: API_VERSION,
      context: undefined,
      created: this.now(customerId ?? null),
      data: {
        object: structuredClone(object),
        ...(previousAttributes ? { previous_attributes: structuredClone(previousAttributes) } : {}),
      },
      livemode: false,
      pending_webhooks: this.matchingEndpoints(type).length,
      request: this.request
        ? { id: this.request.id, idempotency_key: this.request.idempotencyKey }
        : { id: null, idempotency_key: null },
      type,
    } as unknown as Stripe.Event;
    this.state.events[event.id] = event;
    for (const listener of this.eventListeners) listener(event);
    return event;
  }

  matchingEndpoints(type: string): Stripe.WebhookEndpoint[] {
    return Object.values(this.state.webhookEndpoints).filter(
      (endpoint) =>
        endpoint.status === "enabled" &&
        (endpoint.enabled_events.includes("*") || endpoint.enabled_events.includes(type)),
    );
  }

  /**
   * A page of a list, newest first, as Stripe pages: `limit` (1–100, default 10),
   * `starting_after` / `ending_before` cursors that must name an object in the list.
   * `ordered`: the items are already in the list's order (an invoice's lines).
   */
  page<T extends { id?: string }>(
    items: T[],
    params: Params,
    url: string,
    { ordered = false }: { ordered?: boolean } = {},
  ): Stripe.ApiList<T> {
    const limit = int(params, "limit") ?? 10;
    if (limit < 1 || limit > 100) {
      throw invalidRequest(
        "This value must be greater than or equal to 1 and less than or equal to 100.",
        "limit",
      );
    }
    const order = this.state.order;
    const sorted = ordered
      ? items
      : [...items].sort((a, b) => (order[b.id ?? ""] ?? 0) - (order[a.id ?? ""] ?? 0));
    const after = str(params, "starting_after");
    const before = str(params, "ending_before");
    let start = 0;
    let end = sorted.length;
    if (after) {
      const index = sorted.findIndex((item) => item.id === after);
      if (index < 0) throw noSuch("object", after, "starting_after");
      start = index + 1;
      end = Math.min(sorted.length, start + limit);
    } else if (before) {
      const index = sorted.findIndex((item) => item.id === before);
      if (index < 0) throw noSuch("object", before, "ending_before");
      end = index;
      start = Math.max(0, end - limit);
    } else {
      end = Math.min(sorted.length, limit);
    }
    const data = sorted.slice(start, end);
    const hasMore = before ? start > 0 : end < sorted.length;
    return { object: "list", data, has_more: hasMore, url };
  }

  /** Filters on `created` as Stripe takes it: a number, or `created[gt|gte|lt|lte]`. */
  createdFilter(params: Params): (created: number) => boolean {
    const raw = params.created;
    if (raw === undefined) return () => true;
    if (typeof raw === "string") {
      const exact = int(params, "created");
      return (created) => exact === undefined || created === exact;
    }
    if (typeof raw !== "object" || Array.isArray(raw))
      throw invalidRequest("Invalid created", "created");
    const gt = int(raw, "gt", "created[gt]");
    const gte = int(raw, "gte", "created[gte]");
    const lt = int(raw, "lt", "created[lt]");
    const lte = int(raw, "lte", "created[lte]");
    return (created) =>
      (gt === undefined || created > gt) &&
      (gte === undefined || created >= gte) &&
      (lt === undefined || created < lt) &&
      (lte === undefined || created <= lte);
  }

  /**
   * Replaces ids by the objects they name along each `expand[]` path (`data.` inside lists), and
   * puts a price's `tiers` on it for a path that ends in `tiers` (`data.tiers`,
   * `items.data.price.tiers`).
   */
  expand<T>(value: T, params: Params): T {
    const paths = strList(params, "expand") ?? [];
    if (paths.length === 0) return value;
    const copy = structuredClone(value);
    for (const path of paths) {
      if (path.split(".").length > 4) {
        throw invalidRequest(
          `You cannot expand more than 4 levels of a property. Property: ${path}`,
          "expand",
        );
      }
      this.expandPath(copy, path.split("."), path);
    }
    return copy;
  }

  private expandPath(target: unknown, segments: string[], whole: string): void {
    if (target === null || typeof target !== "object") return;
    const [head, ...rest] = segments;
    if (head === undefined) return;
    if (Array.isArray(target)) {
      for (const item of target) this.expandPath(item, segments, whole);
      return;
    }
    const record = target as Record<string, unknown>;
    if (head === "tiers" && rest.length === 0 && record.object === "price") {
      // Kept beside the price, not on it: Stripe includes a price's tiers only when asked.
      const tiers = this.state.priceTiers[String(record.id)];
      if (tiers) record.tiers = structuredClone(tiers);
      return;
    }
    if (!(head in record)) {
      throw invalidRequest(
        `This property cannot be expanded (${head}). You may want to try expanding 'data.${whole}' instead.`,
        "expand",
      );
    }
    let current = record[head];
    if (typeof current === "string") {
      const found = this.lookup(current);
      if (found) {
        current = structuredClone(found);
        record[head] = current;
      }
    }
    if (rest.length > 0) this.expandPath(current, rest, whole);
  }

  /** Finds any stored object by id, whatever its type. */
  lookup(id: string): object | undefined {
    const s = this.state;
    return (
      s.customers[id] ??
      s.products[id] ??
      s.prices[id] ??
      s.subscriptions[id] ??
      s.invoices[id] ??
      s.paymentMethods[id] ??
      s.checkoutSessions[id] ??
      s.portalConfigurations[id] ??
      s.testClocks[id] ??
      s.meters[id] ??
      this.subscriptionItem(id)
    );
  }

  subscriptionItem(id: string): Stripe.SubscriptionItem | undefined {
    if (!id.startsWith("si_")) return undefined;
    for (const subscription of Object.values(this.state.subscriptions)) {
      const item = subscription.items.data.find((candidate) => candidate.id === id);
      if (item) return item;
    }
    return undefined;
  }

  customer(id: string, param = "customer"): Stripe.Customer {
    const customer = this.state.customers[id];
    if (!customer) throw noSuch("customer", id, param);
    return customer;
  }

  price(id: string, param = "price"): Stripe.Price {
    const price = this.state.prices[id];
    if (!price) throw noSuch("price", id, param);
    return price;
  }

  subscription(id: string, param = "id"): Stripe.Subscription {
    const subscription = this.state.subscriptions[id];
    if (!subscription) throw noSuch("subscription", id, param);
    return subscription;
  }

  /** A payment method that must be attached to `customer`, as defaults must be at Stripe. */
  customerPaymentMethod(id: string, customer: string, param: string): Stripe.PaymentMethod {
    const found = this.state.paymentMethods[id];
    if (!found) throw noSuch("PaymentMethod", id, param);
    if (found.customer !== customer) {
      throw invalidRequest(
        `The customer does not have a payment method with the ID ${id}. The payment method must be attached to the customer.`,
        param,
        "resource_missing",
      );
    }
    return found;
  }

  invoice(id: string, param = "id"): Stripe.Invoice {
    const invoice = this.state.invoices[id];
    if (!invoice) throw noSuch("invoice", id, param);
    return invoice;
  }

  reset(): void {
    this.state = emptyState();
    this.changed();
  }
}
