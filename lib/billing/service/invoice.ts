import "server-only";
import type Stripe from "stripe";
import { AppError } from "@/lib/errors";
import { callStripe } from "../stripe/call-stripe";
import type { BillingDeps } from "../stripe/client";
import { findCustomer } from "./customer";

const INVOICE_ID = /^in_[A-Za-z0-9_]{1,250}$/;

/**
 * One of the user's own invoices, as Stripe has it now. An invoice of another customer answers
 * `not_found`, exactly as an id that does not exist, so ids reveal nothing.
 */
export async function getInvoice(
  deps: BillingDeps & { workspaceId: string; invoiceId: string },
): Promise<Stripe.Invoice> {
  const notFound = () => new AppError("not_found", "No such invoice.");
  if (!INVOICE_ID.test(deps.invoiceId)) throw notFound();
  const customer = await findCustomer(deps.db, deps.workspaceId);
  if (!customer) throw notFound();
  const invoice = await callStripe("invoices.retrieve", () =>
    deps.stripe.invoices.retrieve(deps.invoiceId),
  ).catch((error: unknown) => {
    if (error instanceof AppError && error.code === "not_found") throw notFound();
    throw error;
  });
  const owner = typeof invoice.customer === "string" ? invoice.customer : invoice.customer?.id;
  if (owner !== customer.stripeCustomerId) throw notFound();
  return invoice;
}
