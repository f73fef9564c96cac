import type Stripe from "stripe";
import type { StripeChange } from "./types";

type Configuration = Stripe.BillingPortal.Configuration;
type CancelMode = Stripe.BillingPortal.Configuration.Features.SubscriptionCancel.Mode;
type CustomerField = Stripe.BillingPortal.Configuration.Features.CustomerUpdate.AllowedUpdate;

/** The portal settings the push owns, in one shape for what it sends and what Stripe returns. */
interface PortalSettings {
  headline: string | null;
  returnUrl: string | null;
  customerUpdate: { enabled: boolean; allowed: CustomerField[] };
  invoiceHistory: boolean;
  paymentMethodUpdate: boolean;
  cancel: { enabled: boolean; mode: CancelMode };
  /** Plan switching in the portal; always off (see `desiredSettings`). */
  updateEnabled: boolean;
}

/** Marks Tollgate's configuration among the account's others. */
export const PORTAL_METADATA = { tollgate: "portal" } as const;

/** True for the configuration `pushPortalConfiguration` manages. */
export function isTollgatePortal(configuration: Configuration): boolean {
  return configuration.metadata?.tollgate === PORTAL_METADATA.tollgate;
}

/**
 * Customers update their card and billing details (name, address, tax id: the email stays the
 * account's), download invoices and cancel at the end of the period. Nothing else: plan
 * changes go through /account/billing only, because the portal's own switching leaves an
 * upgrade's proration pending until the next invoice (a year away on a yearly plan) and swaps
 * a single price, dropping the metered item a monthly plan must carry.
 */
function desiredSettings(input: PortalInput): PortalSettings {
  return {
    headline: input.headline,
    returnUrl: input.returnUrl,
    customerUpdate: { enabled: true, allowed: ["address", "name", "tax_id"] },
    invoiceHistory: true,
    paymentMethodUpdate: true,
    cancel: { enabled: true, mode: "at_period_end" },
    updateEnabled: false,
  };
}

function settingsOf(configuration: Configuration): PortalSettings {
  const { features } = configuration;
  return {
    headline: configuration.business_profile.headline,
    returnUrl: configuration.default_return_url,
    customerUpdate: {
      enabled: features.customer_update.enabled,
      allowed: features.customer_update.allowed_updates,
    },
    invoiceHistory: features.invoice_history.enabled,
    paymentMethodUpdate: features.payment_method_update.enabled,
    cancel: {
      enabled: features.subscription_cancel.enabled,
      mode: features.subscription_cancel.mode,
    },
    updateEnabled: features.subscription_update.enabled,
  };
}

/** Equal for equal settings, whatever order Stripe lists the customer fields in. */
function fingerprint(settings: PortalSettings): string {
  return JSON.stringify({
    ...settings,
    customerUpdate: {
      ...settings.customerUpdate,
      allowed: [...settings.customerUpdate.allowed].sort(),
    },
  });
}

function paramsFor(
  settings: PortalSettings,
): Stripe.BillingPortal.ConfigurationCreateParams & Stripe.BillingPortal.ConfigurationUpdateParams {
  return {
    business_profile: { headline: settings.headline ?? "" },
    default_return_url: settings.returnUrl ?? "",
    metadata: { ...PORTAL_METADATA },
    features: {
      customer_update: {
        enabled: settings.customerUpdate.enabled,
        allowed_updates: settings.customerUpdate.allowed,
      },
      invoice_history: { enabled: settings.invoiceHistory },
      payment_method_update: { enabled: settings.paymentMethodUpdate },
      subscription_cancel: settings.cancel,
      subscription_update: { enabled: settings.updateEnabled },
    },
  };
}

export interface PortalInput {
  headline: string;
  returnUrl: string;
}

/** Finds Tollgate's configuration by its metadata (an active one first), else creates it. */
export async function pushPortalConfiguration(
  stripe: Stripe,
  input: PortalInput,
): Promise<StripeChange> {
  const desired = desiredSettings(input);
  const ours: Configuration[] = [];
  for await (const configuration of stripe.billingPortal.configurations.list({ limit: 100 })) {
    if (isTollgatePortal(configuration)) ours.push(configuration);
  }
  const existing = ours.find((configuration) => configuration.active) ?? ours[0];
  const change = (id: string, action: StripeChange["action"]): StripeChange => ({
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
