/** Products and prices, with lookup keys (`transfer_lookup_key` moves a key to a new price). */
import type Stripe from "stripe";
import type { Emulator } from "./context";
import { invalidRequest, noSuch } from "./errors";
import { decimal } from "./invoices";
import {
  bool,
  int,
  mergeMetadata,
  nullableStr,
  obj,
  oneOf,
  type Params,
  requiredStr,
  str,
  strList,
} from "./params";
import { type ApiRequest, idAt, route } from "./router";
import { readBillingScheme, readTiers } from "./tiers";

function product(em: Emulator, id: string, param = "id"): Stripe.Product {
  const found = em.state.products[id];
  if (!found) throw noSuch("product", id, param);
  return found;
}

/** What a price is called on pages and invoice lines: its product's name. */
export function productName(em: Emulator, price: Stripe.Price): string {
  return em.state.products[String(price.product)]?.name ?? price.nickname ?? price.id;
}

function createProduct({ em, params }: ApiRequest): Stripe.Product {
  const id = str(params, "id") || em.newId("prod", 14);
  if (em.state.products[id]) {
    throw invalidRequest(`Product already exists.`, "id", "resource_already_exists");
  }
  em.register(id);
  const now = em.wallNow();
  const created: Stripe.Product = {
    id,
    object: "product",
    active: bool(params, "active") ?? true,
    created: now,
    default_price: null,
    description: nullableStr(params, "description") ?? null,
    images: [],
    livemode: false,
    marketing_features: [],
    metadata: mergeMetadata({}, params),
    name: requiredStr(params, "name"),
    package_dimensions: null,
    shippable: null,
    statement_descriptor: null,
    tax_code: null,
    tax_details: null,
    type: "service",
    unit_label: nullableStr(params, "unit_label") ?? null,
    updated: now,
    url: null,
  };
  em.state.products[id] = created;
  em.emit("product.created", created);
  return created;
}

function updateProduct(request: ApiRequest): Stripe.Product {
  const { em, params } = request;
  const found = product(em, idAt(request));
  const name = str(params, "name");
  if (name) found.name = name;
  const description = nullableStr(params, "description");
  if (description !== undefined) found.description = description;
  const active = bool(params, "active");
  if (active !== undefined) found.active = active;
  const defaultPrice = str(params, "default_price");
  if (defaultPrice) found.default_price = em.price(defaultPrice, "default_price").id;
  found.metadata = mergeMetadata(found.metadata, params);
  found.updated = em.wallNow();
  em.emit("product.updated", found);
  return found;
}

/** Stripe allows at most three years between billings (36 months, 156 weeks, 1095 days). */
const MAX_INTERVALS: Record<Stripe.Price.Recurring.Interval, number> = {
  day: 1095,
  week: 156,
  month: 36,
  year: 3,
};

function intervalCount(recurring: Params): number {
  const count = int(recurring, "interval_count", "recurring[interval_count]") ?? 1;
  const interval =
    oneOf(recurring, "interval", ["day", "week", "month", "year"] as const) ?? "month";
  if (count < 1 || count > MAX_INTERVALS[interval]) {
    throw invalidRequest(
      `Invalid recurring[interval_count]: must be between 1 and ${MAX_INTERVALS[interval]} for interval ${interval}.`,
      "recurring[interval_count]",
    );
  }
  return count;
}

function createPrice({ em, params }: ApiRequest): Stripe.Price {
  const currency = requiredStr(params, "currency").toLowerCase();
  const productId = str(params, "product");
  const productData = obj(params, "product_data");
  let owner: Stripe.Product;
  if (productId) owner = product(em, productId, "product");
  else if (productData)
    owner = createProduct({ em, params: productData, method: "POST", path: "", ids: [] });
  else throw invalidRequest("Missing required param: product.", "product");
  const recurringParams = obj(params, "recurring");
  let recurring: Stripe.Price.Recurring | null = null;
  if (recurringParams) {
    const usageType =
      oneOf(
        recurringParams,
        "usage_type",
        ["licensed", "metered"] as const,
        "recurring[usage_type]",
      ) ?? "licensed";
    const meter = str(recurringParams, "meter", "recurring[meter]") ?? null;
    if (usageType === "metered" && !meter) {
      throw invalidRequest(
        "Metered prices must be tied to a meter: recurring[meter].",
        "recurring[meter]",
      );
    }
    if (meter && !em.state.meters[meter]) throw noSuch("billing.meter", meter, "recurring[meter]");
    recurring = {
      interval:
        oneOf(
          recurringParams,
          "interval",
          ["day", "week", "month", "year"] as const,
          "recurring[interval]",
        ) ??
        (() => {
          throw invalidRequest(
            "Missing required param: recurring[interval].",
            "recurring[interval]",
          );
        })(),
      interval_count: intervalCount(recurringParams),
      meter,
      trial_period_days:
        int(recurringParams, "trial_period_days", "recurring[trial_period_days]") ?? null,
      usage_type: usageType,
    };
  }
  const amount = int(params, "unit_amount");
  const amountDecimal = str(params, "unit_amount_decimal");
  const { scheme, mode } = readBillingScheme(params);
  if (scheme === "tiered" && (amount !== undefined || amountDecimal !== undefined)) {
    throw invalidRequest(
      "unit_amount cannot be set when billing_scheme=tiered: the tiers set the amounts.",
      amount !== undefined ? "unit_amount" : "unit_amount_decimal",
    );
  }
  if (scheme === "per_unit" && amount === undefined && amountDecimal === undefined) {
    throw invalidRequest("Missing required param: unit_amount.", "unit_amount");
  }
  if (amount !== undefined && amount < 0)
    throw invalidRequest("unit_amount must be at least 0.", "unit_amount");
  const tiers = scheme === "tiered" ? readTiers(params) : null;
  const lookupKey = str(params, "lookup_key") || null;
  if (lookupKey) claimLookupKey(em, lookupKey, bool(params, "transfer_lookup_key") ?? false);
  const price: Stripe.Price = {
    id: em.newId("price", 24),
    object: "price",
    active: bool(params, "active") ?? true,
    billing_scheme: scheme,
    created: em.wallNow(),
    currency,
    custom_unit_amount: null,
    livemode: false,
    lookup_key: lookupKey,
    metadata: mergeMetadata({}, params),
    nickname: nullableStr(params, "nickname") ?? null,
    product: owner.id,
    recurring,
    tax_behavior: "unspecified",
    tiers_mode: mode,
    transform_quantity: null,
    type: recurring ? "recurring" : "one_time",
    unit_amount: tiers
      ? null
      : (amount ??
        (amountDecimal && Number.isInteger(Number(amountDecimal)) ? Number(amountDecimal) : null)),
    unit_amount_decimal: tiers ? null : decimal(amountDecimal ?? String(amount)),
  };
  em.state.prices[price.id] = price;
  if (tiers) em.state.priceTiers[price.id] = tiers;
  em.emit("price.created", price);
  return price;
}

/** A lookup key names one price: taking it from another needs `transfer_lookup_key`. */
function claimLookupKey(em: Emulator, key: string, transfer: boolean, except?: string): void {
  const holder = Object.values(em.state.prices).find(
    (price) => price.lookup_key === key && price.id !== except,
  );
  if (!holder) return;
  if (!transfer) {
    throw invalidRequest(
      `A price (\`${holder.id}\`) already uses that lookup key. Set transfer_lookup_key=true to move it to this price.`,
      "lookup_key",
    );
  }
  holder.lookup_key = null;
  em.emit("price.updated", holder, { lookup_key: key });
}

function updatePrice(request: ApiRequest): Stripe.Price {
  const { em, params } = request;
  const price = em.price(idAt(request), "id");
  const previous: Record<string, unknown> = {};
  const active = bool(params, "active");
  if (active !== undefined && active !== price.active) {
    previous.active = price.active;
    price.active = active;
  }
  const lookupKey = nullableStr(params, "lookup_key");
  if (lookupKey !== undefined && lookupKey !== price.lookup_key) {
    if (lookupKey)
      claimLookupKey(em, lookupKey, bool(params, "transfer_lookup_key") ?? false, price.id);
    previous.lookup_key = price.lookup_key;
    price.lookup_key = lookupKey;
  }
  const nickname = nullableStr(params, "nickname");
  if (nickname !== undefined) price.nickname = nickname;
  price.metadata = mergeMetadata(price.metadata, params);
  if (Object.keys(previous).length > 0) em.emit("price.updated", price, previous);
  return price;
}

function listPrices({ em, params, path }: ApiRequest): Stripe.ApiList<Stripe.Price> {
  const active = bool(params, "active");
  const productId = str(params, "product");
  const currency = str(params, "currency");
  const type = oneOf(params, "type", ["one_time", "recurring"] as const);
  const lookupKeys = strList(params, "lookup_keys");
  const created = em.createdFilter(params);
  const items = Object.values(em.state.prices).filter(
    (price) =>
      (active === undefined || price.active === active) &&
      (productId === undefined || price.product === productId) &&
      (currency === undefined || price.currency === currency) &&
      (type === undefined || price.type === type) &&
      (lookupKeys === undefined ||
        (price.lookup_key !== null && lookupKeys.includes(price.lookup_key))) &&
      created(price.created),
  );
  return em.expand(em.page(items, params, path), params);
}

export const catalogRoutes = [
  route("POST", "/v1/products", createProduct),
  route("GET", "/v1/products", ({ em, params, path }) => {
    const active = bool(params, "active");
    const ids = strList(params, "ids");
    const items = Object.values(em.state.products).filter(
      (found) =>
        (active === undefined || found.active === active) && (!ids || ids.includes(found.id)),
    );
    return em.page(items, params, path);
  }),
  route("GET", "/v1/products/:id", (request) =>
    request.em.expand(product(request.em, idAt(request)), request.params),
  ),
  route("POST", "/v1/products/:id", updateProduct),
  route("DELETE", "/v1/products/:id", (request) => {
    const found = product(request.em, idAt(request));
    if (Object.values(request.em.state.prices).some((price) => price.product === found.id)) {
      throw invalidRequest(
        "This product cannot be deleted because it has one or more user-created prices.",
      );
    }
    delete request.em.state.products[found.id];
    request.em.emit("product.deleted", found);
    return { id: found.id, object: "product", deleted: true };
  }),
  route("POST", "/v1/prices", createPrice),
  route("GET", "/v1/prices", listPrices),
  route("GET", "/v1/prices/:id", (request) =>
    request.em.expand(request.em.price(idAt(request), "id"), request.params),
  ),
  route("POST", "/v1/prices/:id", updatePrice),
];
