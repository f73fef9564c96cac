/** Events, webhook endpoints and test clocks. */
import { randomBytes } from "node:crypto";
import type Stripe from "stripe";
import type { Emulator } from "./context";
import { invalidRequest, noSuch } from "./errors";
import { advance } from "./lifecycle";
import { bool, int, mergeMetadata, nullableStr, requiredStr, str, strList } from "./params";
import { type ApiRequest, idAt, route } from "./router";

function endpoint(em: Emulator, id: string): Stripe.WebhookEndpoint {
  const found = em.state.webhookEndpoints[id];
  if (!found) throw noSuch("webhook_endpoint", id);
  return found;
}

function checkEndpointUrl(value: string): string {
  try {
    const url = new URL(value);
    if (url.protocol !== "http:" && url.protocol !== "https:") throw new Error("protocol");
  } catch {
    throw invalidRequest(
      "Invalid URL: the URL must be a valid http or https URL.",
      "url",
      "url_invalid",
    );
  }
  return value;
}

function createEndpoint({ em, params }: ApiRequest): Stripe.WebhookEndpoint {
  const events = strList(params, "enabled_events");
  if (!events || events.length === 0)
    throw invalidRequest("Missing required param: enabled_events.", "enabled_events");
  const id = em.newId("we", 24);
  const secret = `whsec_${randomBytes(24).toString("hex")}`;
  const created: Stripe.WebhookEndpoint = {
    id,
    object: "webhook_endpoint",
    api_version: str(params, "api_version") ?? null,
    application: null,
    created: em.wallNow(),
    description: nullableStr(params, "description") ?? null,
    enabled_events: events,
    livemode: false,
    metadata: mergeMetadata({}, params),
    status: "enabled",
    url: checkEndpointUrl(requiredStr(params, "url")),
  };
  em.state.webhookEndpoints[id] = created;
  em.state.webhookSecrets[id] = secret;
  // The secret is part of the answer to the create call only, as Stripe shows it once.
  return { ...created, secret };
}

function updateEndpoint(request: ApiRequest): Stripe.WebhookEndpoint {
  const { em, params } = request;
  const found = endpoint(em, idAt(request));
  const url = str(params, "url");
  if (url) found.url = checkEndpointUrl(url);
  const events = strList(params, "enabled_events");
  if (events && events.length > 0) found.enabled_events = events;
  const disabled = bool(params, "disabled");
  if (disabled !== undefined) found.status = disabled ? "disabled" : "enabled";
  const description = nullableStr(params, "description");
  if (description !== undefined) found.description = description;
  found.metadata = mergeMetadata(found.metadata, params);
  return found;
}

function event(em: Emulator, id: string): Stripe.Event {
  const found = em.state.events[id];
  if (!found) throw noSuch("event", id);
  return found;
}

function listEvents({ em, params, path }: ApiRequest): Stripe.ApiList<Stripe.Event> {
  const type = str(params, "type");
  const types = strList(params, "types");
  const created = em.createdFilter(params);
  const matches = (candidate: string) => {
    const patterns = types ?? (type ? [type] : null);
    if (!patterns) return true;
    return patterns.some((pattern) =>
      pattern.endsWith(".*") ? candidate.startsWith(pattern.slice(0, -1)) : candidate === pattern,
    );
  };
  const items = Object.values(em.state.events).filter(
    (found) => matches(found.type) && created(found.created),
  );
  return em.page(items, params, path);
}

function clock(em: Emulator, id: string): Stripe.TestHelpers.TestClock {
  const found = em.state.testClocks[id];
  if (!found) throw noSuch("test_clock", id);
  return found;
}

function createClock({ em, params }: ApiRequest): Stripe.TestHelpers.TestClock {
  const frozen = int(params, "frozen_time");
  if (frozen === undefined)
    throw invalidRequest("Missing required param: frozen_time.", "frozen_time");
  const created: Stripe.TestHelpers.TestClock = {
    id: em.newId("clock", 24),
    object: "test_helpers.test_clock",
    created: em.wallNow(),
    deletes_after: em.wallNow() + 30 * 86_400,
    frozen_time: frozen,
    livemode: false,
    name: nullableStr(params, "name") ?? null,
    status: "ready",
    status_details: {},
  };
  em.state.testClocks[created.id] = created;
  return created;
}

/**
 * Moves a clock forward and runs what became due. Stripe does this asynchronously (status
 * `advancing`, then `ready`); the emulator finishes before answering, so the answer is `ready`.
 */
function advanceClock(request: ApiRequest): Stripe.TestHelpers.TestClock {
  const { em, params } = request;
  const found = clock(em, idAt(request));
  const target = int(params, "frozen_time");
  if (target === undefined)
    throw invalidRequest("Missing required param: frozen_time.", "frozen_time");
  if (target <= found.frozen_time) {
    throw invalidRequest(
      "The frozen_time must be after the test clock's current frozen_time.",
      "frozen_time",
    );
  }
  advance(em, found.id, target);
  found.frozen_time = target;
  found.status = "ready";
  em.emit("test_helpers.test_clock.ready", found);
  return found;
}

/** Deleting a clock deletes its customers and everything attached to them, as at Stripe. */
function deleteClockObjects(em: Emulator, clockId: string): void {
  const state = em.state;
  const customers = new Set(
    Object.values(state.customers)
      .filter((customer) => customer.test_clock === clockId)
      .map((customer) => customer.id),
  );
  const owned = (value: unknown) => customers.has(String(value));
  for (const [id, subscription] of Object.entries(state.subscriptions)) {
    if (owned(subscription.customer)) {
      delete state.subscriptions[id];
      delete state.subscriptionState[id];
    }
  }
  for (const [id, invoice] of Object.entries(state.invoices)) {
    if (owned(invoice.customer)) delete state.invoices[id];
  }
  for (const [id, paymentMethod] of Object.entries(state.paymentMethods)) {
    if (owned(paymentMethod.customer)) delete state.paymentMethods[id];
  }
  for (const id of customers) {
    delete state.customers[id];
    state.deletedCustomers[id] = true;
  }
}

export const platformRoutes = [
  route("GET", "/v1/events", listEvents),
  route("GET", "/v1/events/:id", (request) => event(request.em, idAt(request))),
  route("POST", "/v1/webhook_endpoints", createEndpoint),
  route("GET", "/v1/webhook_endpoints", ({ em, params, path }) =>
    em.page(Object.values(em.state.webhookEndpoints), params, path),
  ),
  route("GET", "/v1/webhook_endpoints/:id", (request) => endpoint(request.em, idAt(request))),
  route("POST", "/v1/webhook_endpoints/:id", updateEndpoint),
  route("DELETE", "/v1/webhook_endpoints/:id", (request) => {
    const found = endpoint(request.em, idAt(request));
    delete request.em.state.webhookEndpoints[found.id];
    delete request.em.state.webhookSecrets[found.id];
    return { id: found.id, object: "webhook_endpoint", deleted: true };
  }),
  route("POST", "/v1/test_helpers/test_clocks", createClock),
  route("GET", "/v1/test_helpers/test_clocks", ({ em, params, path }) =>
    em.page(Object.values(em.state.testClocks), params, path),
  ),
  route("GET", "/v1/test_helpers/test_clocks/:id", (request) => clock(request.em, idAt(request))),
  route("POST", "/v1/test_helpers/test_clocks/:id/advance", advanceClock),
  route("DELETE", "/v1/test_helpers/test_clocks/:id", (request) => {
    const found = clock(request.em, idAt(request));
    deleteClockObjects(request.em, found.id);
    delete request.em.state.testClocks[found.id];
    return { id: found.id, object: "test_helpers.test_clock", deleted: true };
  }),
];
