import type Stripe from "stripe";
import type { SyncChange } from "./types";

type Configuration = Stripe.BillingPortal.Configuration;
type CancelMode = Stripe.BillingPortal.Configuration.Features.SubscriptionCancel.Mode;
type AllowedUpdate =
  Stripe.BillingPortal.Configuration.Features.SubscriptionUpdate.DefaultAllowedUpdate;
type ProrationBehavior =
  Stripe.BillingPortal.Configuration.Features.SubscriptionUpdate.ProrationBehavior;

/** The portal settings the sync owns, in one shape for what it sends and what Stripe returns. */
interface PortalSettings {
  headline: string | null;
  returnUrl: string | null;
  customerUpdate: boolean;
  invoiceHistory: boolean;
  paymentMethodUpdate: boolean;
  cancel: { enabled: boolean; mode: CancelMode };
  update: {
    enabled: boolean;
    allowed: AllowedUpdate[];
    proration: ProrationBehavior;
    products: { product: string; prices: string[] }[];
  };
}

const METADATA = { tollgate: "portal" } as const;

/**
 * Customers switch between the plans' monthly and yearly prices (prorated), cancel at the end
 * of the period, update their card and download invoices; their name and address stay ours.
 */
function desiredSettings(input: PortalInput): PortalSettings {
  return {
    headline: input.headline,
    returnUrl: input.returnUrl,
    customerUpdate: false,
    invoiceHistory: true,
    paymentMethodUpdate: true,
    cancel: { enabled: true, mode: "at_period_end" },
    update: {
      enabled: true,
      allowed: ["price"],
      proration: "create_prorations",
      products: input.products,
    },
  };
}

function settingsOf(configuration: Configuration): PortalSettings {
  const { features } = configuration;
  return {
    headline: configuration.business_profile.headline,
    returnUrl: configuration.default_return_url,
    customerUpdate: features.customer_update.enabled,
    invoiceHistory: features.invoice_history.enabled,
    paymentMethodUpdate: features.payment_method_update.enabled,
    cancel: {
      enabled: features.subscription_cancel.enabled,
      mode: features.subscription_cancel.mode,
    },
    update: {
      enabled: features.subscription_update.enabled,
      allowed: features.subscription_update.default_allowed_updates,
      proration: features.subscription_update.proration_behavior,
      products: (features.subscription_update.products ?? []).map(({ product, prices }) => ({
        product,
        prices,
      })),
    },
  };
}

/** Equal for equal settings, whatever order Stripe lists products, prices and updates in. */
function fingerprint(settings: PortalSettings): string {
  return JSON.stringify({
    ...settings,
    update: {
      ...settings.update,
      allowed: [...settings.update.allowed].sort(),
      products: settings.update.products
        .map(({ product, prices }) => ({ product, prices: [...prices].sort() }))
        .sort((a, b) => a.product.localeCompare(b.product)),
    },
  });
}

function paramsFor(
  settings: PortalSettings,
): Stripe.BillingPortal.ConfigurationCreateParams & Stripe.BillingPortal.ConfigurationUpdateParams {
  return {
    business_profile: { headline: settings.headline ?? "" },
    default_return_url: settings.returnUrl ?? "",
    metadata: { ...METADATA },
    features: {
      customer_update: { enabled: settings.customerUpdate },
      invoice_history: { enabled: settings.invoiceHistory },
      payment_method_update: { enabled: settings.paymentMethodUpdate },
      subscription_cancel: settings.cancel,
      subscription_update: {
        enabled: settings.update.enabled,
        default_allowed_updates: settings.update.allowed,
        proration_behavior: settings.update.proration,
        products: settings.update.products,
      },
    },
  };
}

export interface PortalInput {
  headline: string;
  returnUrl: string;
  /** Each paid product with the prices a customer may switch between. */
  products: { product: string; prices: string[] }[];
}

/** Finds Tollgate's configuration by its metadata (an active one first), else creates it. */
export async function syncPortalConfiguration(
  stripe: Stripe,
  input: PortalInput,
): Promise<SyncChange> {
  const desired = desiredSettings(input);
  const ours: Configuration[] = [];
  // `products` is only returned when expanded.
  for await (const configuration of stripe.billingPortal.configurations.list({
    limit: 100,
    expand: ["data.features.subscription_update.products"],
  })) {
    if (configuration.metadata?.tollgate === METADATA.tollgate) ours.push(configuration);
  }
  const existing = ours.find((configuration) => configuration.active) ?? ours[0];
  const change = (id: string, action: SyncChange["action"]): SyncChange => ({
    kind: "portal_configuration",
    key: "portal",
    id,
    action,
  });
  if (!existing) {
    const created = await stripe.billingPortal.configurations.create(paramsFor(desired));
    return change(created.id, "created");
  }
  if (existing.active && fingerprint(settingsOf(existing)) === fingerprint(desired)) {
    return change(existing.id, "unchanged");
  }
  await stripe.billingPortal.configurations.update(existing.id, {
    ...paramsFor(desired),
    active: true,
  });
  return change(existing.id, "updated");
}
