/**
 * Billing meters and meter events.
 *
 * A meter event is validated at once (event name of an active meter, the payload's customer and
 * value keys, a timestamp within the past 35 days and at most 5 minutes ahead) and counted once
 * per `identifier`: Stripe processes events asynchronously and drops a repeated identifier
 * within 24 hours, so the emulator answers a repeat as it answered the first and counts nothing
 * more. Usage is billed on the invoice that follows the period it falls in.
 */
import type Stripe from "stripe";
import { productName } from "./catalog";
import type { Emulator } from "./context";
import { invalidRequest, noSuch } from "./errors";
import type { DraftLine } from "./invoices";
import { int, obj, oneOf, requiredStr, str } from "./params";
import { type ApiRequest, idAt, route } from "./router";
import { amountFor } from "./tiers";
import { DAY } from "./time";

function meterOrThrow(em: Emulator, id: string): Stripe.Billing.Meter {
  const meter = em.state.meters[id];
  if (!meter) throw noSuch("billing.meter", id);
  return meter;
}

function createMeter({ em, params }: ApiRequest): Stripe.Billing.Meter {
  const eventName = requiredStr(params, "event_name");
  if (Object.values(em.state.meters).some((meter) => meter.event_name === eventName)) {
    throw invalidRequest(`A meter with event_name ${eventName} already exists.`, "event_name");
  }
  const aggregation = obj(params, "default_aggregation");
  if (!aggregation)
    throw invalidRequest("Missing required param: default_aggregation.", "default_aggregation");
  const mapping = obj(params, "customer_mapping");
  const value = obj(params, "value_settings");
  const now = em.wallNow();
  const meter: Stripe.Billing.Meter = {
    id: em.newId("mtr_test", 24),
    object: "billing.meter",
    created: now,
    customer_mapping: {
      event_payload_key: (mapping && str(mapping, "event_payload_key")) || "stripe_customer_id",
      type: "by_id",
    },
    default_aggregation: {
      formula:
        oneOf(
          aggregation,
          "formula",
          ["count", "last", "sum"] as const,
          "default_aggregation[formula]",
        ) ?? "sum",
    },
    display_name: requiredStr(params, "display_name"),
    event_name: eventName,
    event_time_window: oneOf(params, "event_time_window", ["day", "hour"] as const) ?? null,
    livemode: false,
    status: "active",
    status_transitions: { deactivated_at: null },
    updated: now,
    value_settings: { event_payload_key: (value && str(value, "event_payload_key")) || "value" },
  };
  em.state.meters[meter.id] = meter;
  return meter;
}

function createMeterEvent({ em, params }: ApiRequest): Stripe.Billing.MeterEvent {
  const eventName = requiredStr(params, "event_name");
  const identifier = str(params, "identifier") || em.newId("mev").slice(4);
  const existing = em.state.meterEvents[identifier];
  const wallNow = em.wallNow();
  if (existing && existing.event.created > wallNow - DAY) return existing.event;
  const meter = Object.values(em.state.meters).find(
    (candidate) => candidate.event_name === eventName && candidate.status === "active",
  );
  if (!meter) {
    throw invalidRequest(`No active meter was found for event_name ${eventName}.`, "event_name");
  }
  const payload = obj(params, "payload");
  if (!payload) throw invalidRequest("Missing required param: payload.", "payload");
  const customerKey = meter.customer_mapping.event_payload_key;
  const valueKey = meter.value_settings.event_payload_key;
  const customerId = requiredStr(payload, customerKey, `payload[${customerKey}]`);
  em.customer(customerId, `payload[${customerKey}]`);
  const rawValue = str(payload, valueKey, `payload[${valueKey}]`) ?? "1";
  const value = Number(rawValue);
  if (!Number.isFinite(value)) {
    throw invalidRequest(`The value ${rawValue} is not a number.`, `payload[${valueKey}]`);
  }
  const customerNow = em.now(customerId);
  const timestamp = int(params, "timestamp") ?? customerNow;
  if (timestamp < customerNow - 35 * DAY || timestamp > customerNow + 300) {
    throw invalidRequest(
      "Timestamp must be within the past 35 calendar days or up to 5 minutes in the future.",
      "timestamp",
      "timestamp_outside_window",
    );
  }
  const event: Stripe.Billing.MeterEvent = {
    object: "billing.meter_event",
    created: wallNow,
    event_name: eventName,
    identifier,
    livemode: false,
    payload: Object.fromEntries(
      Object.entries(payload).filter(
        (entry): entry is [string, string] => typeof entry[1] === "string",
      ),
    ),
    timestamp,
  };
  em.state.meterEvents[identifier] = { event, meter: meter.id, customer: customerId, value };
  return event;
}

/** Aggregated usage of a customer on a meter in [start, end). */
export function aggregate(
  em: Emulator,
  meterId: string,
  customer: string,
  start: number,
  end: number,
): number {
  const meter = em.state.meters[meterId];
  const events = Object.values(em.state.meterEvents)
    .filter(
      (stored) =>
        stored.meter === meterId &&
        stored.customer === customer &&
        stored.event.timestamp >= start &&
        stored.event.timestamp < end,
    )
    .sort((a, b) => a.event.timestamp - b.event.timestamp);
  const formula = meter?.default_aggregation.formula ?? "sum";
  if (formula === "count") return events.length;
  if (formula === "last") return events.at(-1)?.value ?? 0;
  return events.reduce((sum, stored) => sum + stored.value, 0);
}

/** Invoice lines for the metered items of a subscription over [start, end); free in a trial. */
export function usageLines(
  em: Emulator,
  subscription: Stripe.Subscription,
  start: number,
  end: number,
  trial: boolean,
): DraftLine[] {
  const customer = String(subscription.customer);
  return subscription.items.data
    .filter((item) => item.price.recurring?.usage_type === "metered" && item.price.recurring.meter)
    .map((item) => {
      const quantity = aggregate(em, String(item.price.recurring?.meter), customer, start, end);
      return {
        description: `${quantity} × ${productName(em, item.price)}${trial ? " (free during the trial)" : ""}`,
        amount: trial ? 0 : amountFor(em, item.price, quantity),
        quantity,
        price: item.price,
        periodStart: start,
        periodEnd: end,
        subscriptionItem: item.id,
        proration: false,
      };
    });
}

function summaries(request: ApiRequest): Stripe.ApiList<Stripe.Billing.MeterEventSummary> {
  const { em, params, path } = request;
  const meter = meterOrThrow(em, idAt(request));
  const customer = requiredStr(params, "customer");
  em.customer(customer);
  const start = int(params, "start_time");
  const end = int(params, "end_time");
  if (start === undefined)
    throw invalidRequest("Missing required param: start_time.", "start_time");
  if (end === undefined) throw invalidRequest("Missing required param: end_time.", "end_time");
  if (end <= start) throw invalidRequest("end_time must be after start_time.", "end_time");
  const granularity = oneOf(params, "value_grouping_window", ["day", "hour"] as const);
  const step = granularity === "hour" ? 3600 : granularity === "day" ? DAY : end - start;
  const data: Stripe.Billing.MeterEventSummary[] = [];
  for (let from = start; from < end; from += step) {
    const to = Math.min(end, from + step);
    data.push({
      id: `mtrusg_${meter.id}_${from}`,
      object: "billing.meter_event_summary",
      aggregated_value: aggregate(em, meter.id, customer, from, to),
      end_time: to,
      livemode: false,
      meter: meter.id,
      start_time: from,
    });
  }
  const limit = int(params, "limit") ?? 10;
  return { object: "list", data: data.slice(0, limit), has_more: data.length > limit, url: path };
}

export const meterRoutes = [
  route("POST", "/v1/billing/meters", createMeter),
  route("GET", "/v1/billing/meters", ({ em, params, path }) => {
    const status = oneOf(params, "status", ["active", "inactive"] as const);
    const items = Object.values(em.state.meters).filter(
      (meter) => !status || meter.status === status,
    );
    return em.page(items, params, path);
  }),
  route("GET", "/v1/billing/meters/:id", (request) => meterOrThrow(request.em, idAt(request))),
  route("POST", "/v1/billing/meters/:id", (request) => {
    const meter = meterOrThrow(request.em, idAt(request));
    const name = str(request.params, "display_name");
    if (name) meter.display_name = name;
    meter.updated = request.em.wallNow();
    return meter;
  }),
  route("POST", "/v1/billing/meters/:id/deactivate", (request) => {
    const meter = meterOrThrow(request.em, idAt(request));
    meter.status = "inactive";
    meter.status_transitions.deactivated_at = request.em.wallNow();
    return meter;
  }),
  route("POST", "/v1/billing/meters/:id/reactivate", (request) => {
    const meter = meterOrThrow(request.em, idAt(request));
    meter.status = "active";
    meter.status_transitions.deactivated_at = null;
    return meter;
  }),
  route("GET", "/v1/billing/meters/:id/event_summaries", summaries),
  route("POST", "/v1/billing/meter_events", createMeterEvent),
];
