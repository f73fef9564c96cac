import "server-only";
import { sql } from "drizzle-orm";
import type Stripe from "stripe";
import { type Database, selectRows } from "@/db";
import { isDeletedCustomer, retrieveCustomer, retrieveInvoiceIfExists } from "./deleted-in-stripe";
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
  /** Invoices asked for (`alsoInvoice`) that Stripe answered 404 for: deleted drafts. */
  deletedInvoices: string[];
}

/**
 * How many of the newest invoices each fetch re-reads; older ones change rarely, and an event
 * about one of them brings that invoice along (`alsoInvoice`).
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
 * Reads the customer, all its subscriptions and its recent invoices from Stripe. Each live
 * subscription is first held to Tollgate's terms (`repairSubscription`), so what is mirrored
 * is the repaired state. A deleted customer (or a 404 for it) is read alone: its subscriptions
 * end with it. An `alsoInvoice` Stripe answers 404 for is listed in `deletedInvoices`; any
 * other failure is thrown.
 */
export async function fetchCustomerSnapshot(
  db: Database,
  stripe: Stripe,
  stripeCustomerId: string,
  { alsoInvoice }: { alsoInvoice?: string | null } = {},
): Promise<CustomerSnapshot> {
  const version = await databaseNow(db);
  const customer = await retrieveCustomer(stripe, stripeCustomerId);
  if (isDeletedCustomer(customer)) {
    return { version, customer, subscriptions: [], invoices: [], deletedInvoices: [] };
  }
  const found: Stripe.Subscription[] = [];
  for await (const subscription of stripe.subscriptions.list({
    customer: stripeCustomerId,
    status: "all",
    limit: 100,
  })) {
    found.push(await repairSubscription(stripe, subscription));
  }
  const recent = await stripe.invoices.list({ customer: stripeCustomerId, limit: INVOICE_WINDOW });
  const invoiceList = [...recent.data];
  const deletedInvoices: string[] = [];
  if (alsoInvoice && !invoiceList.some((invoice) => invoice.id === alsoInvoice)) {
    const invoice = await retrieveInvoiceIfExists(stripe, alsoInvoice);
    if (invoice) invoiceList.push(invoice);
    else deletedInvoices.push(alsoInvoice);
  }
  return { version, customer, subscriptions: found, invoices: invoiceList, deletedInvoices };
}
