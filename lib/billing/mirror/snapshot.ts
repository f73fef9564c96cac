import "server-only";
import { sql } from "drizzle-orm";
import type Stripe from "stripe";
import { type Database, selectRows } from "@/db";
import {
  isDeletedCustomer,
  isNotFoundInStripe,
  retrieveCustomer,
  retrieveInvoiceIfExists,
} from "./deleted-in-stripe";
import { repairSubscription } from "./subscription-repair";

/**
 * What Stripe says about one customer, fetched at `version`: the database's clock in
 * milliseconds, read before the first request. One clock for every instance, so a fetch that
 * started later always carries a larger version, whichever machine made it.
 */
export interface CustomerSnapshot {
  version: number;
  /** Deleted (`deleted: true`) also when Stripe answered 404 for it. */
  customer: Stripe.Customer | Stripe.DeletedCustomer;
  subscriptions: Stripe.Subscription[];
  invoices: Stripe.Invoice[];
  /** Invoices asked for (`alsoInvoices`) that Stripe answered 404 for: deleted drafts. */
  deletedInvoices: string[];
}

/**
 * How many of the newest invoices each fetch re-reads; older ones change rarely, and an event
 * about one of them brings that invoice along (`alsoInvoices`).
 */
const INVOICE_WINDOW = 100;

async function databaseNow(db: Database): Promise<number> {
  const [row] = await selectRows<{ now: string | number }>(
    db,
    sql`select floor(extract(epoch from clock_timestamp()) * 1000)::bigint as now`,
  );
  if (!row) throw new Error("the database gave no time");
  return Number(row.now);
}

/**
 * Reads the customer, all its subscriptions and its recent invoices from Stripe: two requests
 * for a customer with subscriptions (the list carries the customer, expanded), three without.
 * Each live subscription is first held to Tollgate's terms (`repairSubscription`), so what is
 * mirrored is the repaired state. A deleted customer (or a 404 for it) is read alone: its
 * subscriptions end with it. Each of `alsoInvoices` that is not among the recent ones is read
 * by itself; one Stripe answers 404 for is listed in `deletedInvoices`. Any other failure is
 * thrown.
 */
export async function fetchCustomerSnapshot(
  db: Database,
  stripe: Stripe,
  stripeCustomerId: string,
  { alsoInvoices = [] }: { alsoInvoices?: readonly string[] } = {},
): Promise<CustomerSnapshot> {
  const version = await databaseNow(db);
  const listed = await listSubscriptions(stripe, stripeCustomerId);
  const customer = listed?.customer ?? (await retrieveCustomer(stripe, stripeCustomerId));
  if (isDeletedCustomer(customer)) {
    return { version, customer, subscriptions: [], invoices: [], deletedInvoices: [] };
  }
  const found: Stripe.Subscription[] = [];
  for (const subscription of listed?.subscriptions ?? []) {
    found.push(await repairSubscription(stripe, { ...subscription, customer: stripeCustomerId }));
  }
  const recent = await stripe.invoices.list({ customer: stripeCustomerId, limit: INVOICE_WINDOW });
  const invoiceList = [...recent.data];
  const deletedInvoices: string[] = [];
  for (const invoiceId of new Set(alsoInvoices)) {
    if (invoiceList.some((invoice) => invoice.id === invoiceId)) continue;
    const invoice = await retrieveInvoiceIfExists(stripe, invoiceId);
    if (invoice) invoiceList.push(invoice);
    else deletedInvoices.push(invoiceId);
  }
  return { version, customer, subscriptions: found, invoices: invoiceList, deletedInvoices };
}

/**
 * All the customer's subscriptions, with the customer itself when the list names it (expanded
 * on the first one). Null when Stripe answers 404: the customer is gone (read it alone).
 */
async function listSubscriptions(
  stripe: Stripe,
  stripeCustomerId: string,
): Promise<{
  subscriptions: Stripe.Subscription[];
  customer: Stripe.Customer | Stripe.DeletedCustomer | null;
} | null> {
  const subscriptions: Stripe.Subscription[] = [];
  let customer: Stripe.Customer | Stripe.DeletedCustomer | null = null;
  try {
    for await (const subscription of stripe.subscriptions.list({
      customer: stripeCustomerId,
      status: "all",
      limit: 100,
      expand: ["data.customer"],
    })) {
      if (typeof subscription.customer === "object") customer ??= subscription.customer;
      subscriptions.push(subscription);
    }
  } catch (error) {
    if (isNotFoundInStripe(error)) return null;
    throw error;
  }
  return { subscriptions, customer };
}
