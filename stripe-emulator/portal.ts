/** Billing portal configurations and sessions. The portal's pages are in `pages/portal.ts`. */
import type Stripe from "stripe";
import type { Emulator } from "./context";
import { invalidRequest, noSuch } from "./errors";
import {
  bool,
  mergeMetadata,
  nullableStr,
  obj,
  objList,
  oneOf,
  type Params,
  requiredStr,
  str,
  strList,
} from "./params";
import { type ApiRequest, idAt, route } from "./router";

type Features = Stripe.BillingPortal.Configuration.Features;

function readFeatures(
  em: Emulator,
  params: Params | undefined,
  current: Features | null,
): Features {
  const base: Features = current ?? {
    customer_update: { allowed_updates: [], enabled: false },
    invoice_history: { enabled: false },
    payment_method_update: { enabled: false, payment_method_configuration: null },
    subscription_cancel: {
      cancellation_reason: { enabled: false, feedback_options: null, options: [] },
      enabled: false,
      mode: "at_period_end",
      proration_behavior: "none",
    },
    subscription_pause: { duration: { interval_options: [], type: "indefinite" }, enabled: false },
    subscription_update: {
      billing_cycle_anchor: null,
      default_allowed_updates: [],
      enabled: false,
      products: [],
      proration_behavior: "none",
      schedule_at_period_end: { conditions: [] },
      trial_update_behavior: "end_trial",
    },
  };
  if (!params) return base;
  const next = structuredClone(base);
  const enabled = (group: Params | undefined, key: string) =>
    group ? bool(group, "enabled", `features[${key}][enabled]`) : undefined;
  const customerUpdate = obj(params, "customer_update");
  if (customerUpdate) {
    next.customer_update.enabled =
      enabled(customerUpdate, "customer_update") ?? next.customer_update.enabled;
    next.customer_update.allowed_updates =
      strList(customerUpdate, "allowed_updates") ?? next.customer_update.allowed_updates;
  }
  const history = obj(params, "invoice_history");
  if (history)
    next.invoice_history.enabled =
      enabled(history, "invoice_history") ?? next.invoice_history.enabled;
  const pmUpdate = obj(params, "payment_method_update");
  if (pmUpdate) {
    next.payment_method_update.enabled =
      enabled(pmUpdate, "payment_method_update") ?? next.payment_method_update.enabled;
  }
  const cancel = obj(params, "subscription_cancel");
  if (cancel) {
    next.subscription_cancel.enabled =
      enabled(cancel, "subscription_cancel") ?? next.subscription_cancel.enabled;
    next.subscription_cancel.mode =
      oneOf(cancel, "mode", ["at_period_end", "immediately"] as const) ??
      next.subscription_cancel.mode;
    next.subscription_cancel.proration_behavior =
      oneOf(cancel, "proration_behavior", [
        "always_invoice",
        "create_prorations",
        "none",
      ] as const) ?? next.subscription_cancel.proration_behavior;
  }
  const update = obj(params, "subscription_update");
  if (update) {
    const target = next.subscription_update;
    target.enabled = enabled(update, "subscription_update") ?? target.enabled;
    target.default_allowed_updates =
      strList(update, "default_allowed_updates") ?? target.default_allowed_updates;
    target.proration_behavior =
      oneOf(update, "proration_behavior", [
        "always_invoice",
        "create_prorations",
        "none",
      ] as const) ?? target.proration_behavior;
    const products = objList(update, "products");
    if (products) {
      target.products = products.map((product, index) => {
        const productId = requiredStr(
          product,
          "product",
          `features[subscription_update][products][${index}][product]`,
        );
        if (!em.state.products[productId])
          throw noSuch("product", productId, "features[subscription_update][products]");
        const prices = strList(product, "prices") ?? [];
        for (const price of prices) em.price(price, "features[subscription_update][products]");
        return {
          adjustable_quantity: { enabled: false, maximum: null, minimum: 0 },
          prices,
          product: productId,
        };
      });
    }
    const schedule = obj(update, "schedule_at_period_end");
    if (schedule) {
      target.schedule_at_period_end = {
        conditions: (objList(schedule, "conditions") ?? []).map((condition) => ({
          type:
            oneOf(condition, "type", ["decreasing_item_amount", "shortening_interval"] as const) ??
            "decreasing_item_amount",
        })),
      };
    }
  }
  return next;
}

function configuration(em: Emulator, id: string, param = "id"): Stripe.BillingPortal.Configuration {
  const found = em.state.portalConfigurations[id];
  if (!found) throw noSuch("billing_portal.configuration", id, param);
  return found;
}

function createConfiguration({ em, params }: ApiRequest): Stripe.BillingPortal.Configuration {
  const profile = obj(params, "business_profile");
  const now = em.wallNow();
  const isFirst = Object.keys(em.state.portalConfigurations).length === 0;
  const created: Stripe.BillingPortal.Configuration = {
    id: em.newId("bpc", 24),
    object: "billing_portal.configuration",
    active: true,
    application: null,
    business_profile: {
      headline: profile ? (nullableStr(profile, "headline") ?? null) : null,
      privacy_policy_url: profile ? (str(profile, "privacy_policy_url") ?? null) : null,
      terms_of_service_url: profile ? (str(profile, "terms_of_service_url") ?? null) : null,
    },
    created: now,
    default_return_url: nullableStr(params, "default_return_url") ?? null,
    features: readFeatures(em, obj(params, "features"), null),
    is_default: isFirst,
    livemode: false,
    login_page: { enabled: false, url: null },
    metadata: mergeMetadata({}, params),
    name: nullableStr(params, "name") ?? null,
    updated: now,
  };
  em.state.portalConfigurations[created.id] = created;
  return created;
}

function updateConfiguration(request: ApiRequest): Stripe.BillingPortal.Configuration {
  const { em, params } = request;
  const found = configuration(em, idAt(request));
  const active = bool(params, "active");
  if (active !== undefined) found.active = active;
  const profile = obj(params, "business_profile");
  if (profile) {
    const headline = nullableStr(profile, "headline");
    if (headline !== undefined) found.business_profile.headline = headline;
  }
  const returnUrl = nullableStr(params, "default_return_url");
  if (returnUrl !== undefined) found.default_return_url = returnUrl;
  found.features = readFeatures(em, obj(params, "features"), found.features);
  found.metadata = mergeMetadata(found.metadata ?? {}, params);
  const name = nullableStr(params, "name");
  if (name !== undefined) found.name = name;
  found.updated = em.wallNow();
  return found;
}

function createSession({ em, params }: ApiRequest): Stripe.BillingPortal.Session {
  const customer = em.customer(requiredStr(params, "customer"));
  const configId = str(params, "configuration");
  const config = configId
    ? configuration(em, configId, "configuration")
    : Object.values(em.state.portalConfigurations).find(
        (candidate) => candidate.is_default && candidate.active,
      );
  if (!config) {
    throw invalidRequest(
      "You can't create a portal session in test mode until you save your customer portal settings.",
    );
  }
  const returnUrl = str(params, "return_url") ?? config.default_return_url;
  if (!returnUrl) throw invalidRequest("Missing required param: return_url.", "return_url");
  if (!/^https?:\/\//.test(returnUrl) || !URL.canParse(returnUrl)) {
    throw invalidRequest("Not a valid URL", "return_url", "url_invalid");
  }
  const id = em.newId("bps", 24);
  const session: Stripe.BillingPortal.Session = {
    id,
    object: "billing_portal.session",
    configuration: config.id,
    created: em.wallNow(),
    customer: customer.id,
    customer_account: null,
    flow: null,
    livemode: false,
    locale: null,
    on_behalf_of: null,
    return_url: returnUrl,
    url: `${em.baseUrl()}/p/session/${id}`,
  };
  em.state.portalSessions[id] = session;
  return session;
}

export const portalRoutes = [
  route("POST", "/v1/billing_portal/configurations", createConfiguration),
  route("GET", "/v1/billing_portal/configurations", ({ em, params, path }) => {
    const active = bool(params, "active");
    const isDefault = bool(params, "is_default");
    const items = Object.values(em.state.portalConfigurations).filter(
      (found) =>
        (active === undefined || found.active === active) &&
        (isDefault === undefined || found.is_default === isDefault),
    );
    return em.page(items, params, path);
  }),
  route("GET", "/v1/billing_portal/configurations/:id", (request) =>
    configuration(request.em, idAt(request)),
  ),
  route("POST", "/v1/billing_portal/configurations/:id", updateConfiguration),
  route("POST", "/v1/billing_portal/sessions", createSession),
];
