import "server-only";
import { sql } from "drizzle-orm";
import type Stripe from "stripe";
import { type Database, selectRows } from "@/db";
import { priceIdsOfInvoice } from "../catalog/invoice-plan";
import { lookupKeysOfPrices } from "../catalog/price-lookup-keys";
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
  /** Each with all its lines (Stripe embeds the first ten; the rest are fetched). */
  invoices: Stripe.Invoice[];
  /** Invoices asked for (`alsoInvoices`) that Stripe answered 404 for: deleted drafts. */
  deletedInvoices: string[];
  /** The catalog lookup key of each price the invoices' lines charge that has one. */
  priceLookupKeys: ReadonlyMap<string, string>;
}

export interface SnapshotOptions {
  /** Invoices events are about, fetched even when they are not among the recent ones. */
  alsoInvoices?: readonly string[];
  /**
   * Every invoice of the customer instead of the newest `INVOICE_WINDOW`: what reconciliation
   * reads, so that every mirrored invoice is rewritten from Stripe.
   */
  allInvoices?: boolean;
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
 * Reads the customer, all its subscriptions and its recent invoices (`allInvoices`: all of
 * them) from Stripe, with the catalog lookup keys of the prices the invoices charged: two
 * requests for a customer with subscriptions (the list carries the customer, expanded), three
 * without. Each live subscription is first held to Tollgate's terms (`repairSubscription`), so
 * what is mirrored is the repaired state. A deleted customer (or a 404 for it) is read with
 * only the invoices of `alsoInvoices`: its subscriptions end with it, its invoices stay. Each of
 * `alsoInvoices` that is not among the recent ones is read by itself; one Stripe answers 404
 * for is listed in `deletedInvoices`. Any other failure is thrown.
 */
export async function fetchCustomerSnapshot(
  db: Database,
  stripe: Stripe,
  stripeCustomerId: string,
  { alsoInvoices = [], allInvoices = false }: SnapshotOptions = {},
): Promise<CustomerSnapshot> {
  const version = await databaseNow(db);
  const listed = await listSubscriptions(stripe, stripeCustomerId);
  const customer = listed?.customer ?? (await retrieveCustomer(stripe, stripeCustomerId));
  if (isDeletedCustomer(customer)) {
    // Stripe keeps a deleted customer's invoices: those its events name are still read, so a
    // payment made just before the deletion reaches the mirror however late its event is.
    const { invoices, deletedInvoices } = await withNamedInvoices(stripe, [], alsoInvoices);
    return {
      version,
      customer,
      subscriptions: [],
      ...(await withLinesAndPlans(stripe, invoices)),
      deletedInvoices,
    };
  }
  const found: Stripe.Subscription[] = [];
  for (const subscription of listed?.subscriptions ?? []) {
    found.push(await repairSubscription(stripe, { ...subscription, customer: stripeCustomerId }));
  }
  const { invoices, deletedInvoices } = await withNamedInvoices(
    stripe,
    await listInvoices(stripe, stripeCustomerId, allInvoices),
    alsoInvoices,
  );
  return {
    version,
    customer,
    subscriptions: found,
    ...(await withLinesAndPlans(stripe, invoices)),
    deletedInvoices,
  };
}

/**
 * `listed` and each of `named` that is not among them, read by itself; those Stripe answers
 * 404 for (deleted drafts) in `deletedInvoices`.
 */
async function withNamedInvoices(
  stripe: Stripe,
  listed: Stripe.Invoice[],
  named: readonly string[],
): Promise<{ invoices: Stripe.Invoice[]; deletedInvoices: string[] }> {
  const invoices = [...listed];
  const deletedInvoices: string[] = [];
  for (const invoiceId of new Set(named)) {
    if (invoices.some((invoice) => invoice.id === invoiceId)) continue;
    const invoice = await retrieveInvoiceIfExists(stripe, invoiceId);
    if (invoice) invoices.push(invoice);
    else deletedInvoices.push(invoiceId);
  }
  return { invoices, deletedInvoices };
}

/** The invoices with all their lines, and the lookup keys of the prices those charged. */
async function withLinesAndPlans(
  stripe: Stripe,
  listed: Stripe.Invoice[],
): Promise<Pick<CustomerSnapshot, "invoices" | "priceLookupKeys">> {
  const invoices: Stripe.Invoice[] = [];
  for (const invoice of listed) invoices.push(await withAllLines(stripe, invoice));
  const priceLookupKeys = await lookupKeysOfPrices(stripe, invoices.flatMap(priceIdsOfInvoice));
  return { invoices, priceLookupKeys };
}

async function listInvoices(
  stripe: Stripe,
  stripeCustomerId: string,
  all: boolean,
): Promise<Stripe.Invoice[]> {
  const params = { customer: stripeCustomerId, limit: INVOICE_WINDOW };
  if (!all) return (await stripe.invoices.list(params)).data;
  const invoices: Stripe.Invoice[] = [];
  for await (const invoice of stripe.invoices.list(params)) invoices.push(invoice);
  return invoices;
}

/**
 * The invoice with every line: Stripe embeds the first ten, so one with more (a renewal that
 * carries many plan changes' prorations) has its lines read in full.
 */
async function withAllLines(stripe: Stripe, invoice: Stripe.Invoice): Promise<Stripe.Invoice> {
  if (!invoice.lines.has_more) return invoice;
  const data: Stripe.InvoiceLineItem[] = [];
  for await (const line of stripe.invoices.listLineItems(invoice.id, { limit: 100 })) {
    data.push(line);
  }
  return { ...invoice, lines: { ...invoice.lines, data, has_more: false } };
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
