import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "@/db";
import { INVOICE_STATUSES, invoices, type NewInvoice, workspaces } from "@/db/schema";
import { createTestDatabase } from "@/db/testing";
import { PLAN_TIERS } from "@/lib/billing/catalog/plans";
import { AppError } from "@/lib/errors";
import { encodeCursor } from "@/lib/http/cursor";
import {
  type InvoiceFilter,
  invoiceTotals,
  listInvoices,
  parseInvoiceFilter,
  parseInvoiceFilterOrThrow,
  streamInvoicesCsv,
} from "./invoices";

let handle: DatabaseHandle;
/** The bulk rows as inserted, with their ids, in the order the list must give them. */
let bulk: Array<NewInvoice & { id: string; created: Date }>;

const BULK = 300;
const HOUR = 60 * 60 * 1000;

/**
 * Invoice `n` of the bulk set: three invoices share each hour from 2026-01-01 00:00 UTC, so
 * ties on `created` are broken by id and share a status; 20 customers (the first 10 linked to
 * workspaces), emails of even customers stored in mixed case, numbers `ACME<customer>-<n>`.
 */
function bulkInvoice(n: number, workspaceIds: string[]): NewInvoice & { created: Date } {
  const customer = n % 20;
  const status = INVOICE_STATUSES[Math.floor(n / 3) % INVOICE_STATUSES.length] ?? "paid";
  const total = 2900 + n;
  return {
    stripeInvoiceId: `in_bulk_${n}`,
    stripeCustomerId: `cus_${customer}`,
    workspaceId: customer < 10 ? workspaceIds[customer] : null,
    planTier: PLAN_TIERS[Math.floor(n / 7) % PLAN_TIERS.length] ?? "pro",
    customerEmail:
      customer % 2 === 0 ? `Customer${customer}@Example.com` : `customer${customer}@example.com`,
    number: `ACME${String(customer).padStart(2, "0")}-${String(n).padStart(4, "0")}`,
    status,
    currency: n % 10 === 0 ? "jpy" : "usd",
    amountDue: total,
    amountPaid: status === "paid" ? total : 0,
    amountRemaining: status === "open" ? total : 0,
    subtotal: total,
    total,
    created: new Date(Date.UTC(2026, 0, 1) + Math.floor(n / 3) * HOUR),
  };
}

/** Six invoices in June 2025 whose CSV lines and totals are written out below. */
const JUNE: NewInvoice[] = [
  {
    stripeInvoiceId: "in_csv_a",
    stripeCustomerId: "cus_csv",
    number: "CSV-0001",
    status: "paid",
    planTier: "pro",
    customerEmail: "ann@example.com",
    currency: "usd",
    total: 2900,
    amountDue: 2900,
    amountPaid: 2900,
    created: new Date("2025-06-10T12:00:00Z"),
    paidAt: new Date("2025-06-10T12:05:00Z"),
    hostedInvoiceUrl: "https://invoice.example/a",
    invoicePdf: "https://invoice.example/a.pdf",
  },
  {
    stripeInvoiceId: "in_csv_b",
    stripeCustomerId: "cus_csv",
    number: "=1+2",
    status: "open",
    planTier: "enterprise",
    customerEmail: '"Bob, Jr" <bob@example.com>',
    currency: "usd",
    total: 29900,
    amountDue: 29900,
    amountPaid: 19900,
    amountRemaining: 10000,
    created: new Date("2025-06-09T08:30:00Z"),
  },
  {
    stripeInvoiceId: "in_csv_c",
    stripeCustomerId: "cus_csv",
    number: "CSV-0003",
    status: "paid",
    planTier: "pro",
    customerEmail: "@chiyo@example.jp",
    currency: "jpy",
    total: 4500,
    amountDue: 4500,
    amountPaid: 4500,
    created: new Date("2025-06-08T00:00:00Z"),
    paidAt: new Date("2025-06-08T00:01:00Z"),
    hostedInvoiceUrl: "https://invoice.example/c?a=1,2",
  },
  {
    stripeInvoiceId: "in_csv_d",
    stripeCustomerId: "cus_csv",
    number: "+81-0004",
    status: "open",
    planTier: "enterprise",
    customerEmail: "dai@example.jp",
    currency: "jpy",
    total: 12000,
    amountDue: 12000,
    amountRemaining: 12000,
    created: new Date("2025-06-07T00:00:00Z"),
  },
  {
    stripeInvoiceId: "in_csv_e",
    stripeCustomerId: "cus_csv",
    number: null,
    status: "draft",
    planTier: "free",
    customerEmail: null,
    currency: "usd",
    total: -1250,
    created: new Date("2025-06-06T00:00:00Z"),
  },
  {
    stripeInvoiceId: "in_csv_f",
    stripeCustomerId: "cus_csv",
    number: "CSV-0006",
    status: "paid",
    planTier: "enterprise",
    customerEmail: "fay\n@example.com",
    currency: "kwd",
    total: 1234,
    amountDue: 1234,
    amountPaid: 1234,
    created: new Date("2025-06-05T00:00:00Z"),
  },
];

/** Newest first, ties by id descending (uuids compare as their hex text). */
function byListOrder(a: { created: Date; id: string }, b: { created: Date; id: string }) {
  return b.created.getTime() - a.created.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
}

async function walk(filter: InvoiceFilter, limit: number): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  for (let pages = 0; pages < 1000; pages += 1) {
    const page = await listInvoices(handle.db, { ...filter, cursor }, limit);
    expect(page.rows.length).toBeLessThanOrEqual(limit);
    ids.push(...page.rows.map((row) => row.id));
    if (!page.nextCursor) return ids;
    cursor = page.nextCursor;
  }
  throw new Error("the walk did not end");
}

async function streamText(stream: ReadableStream<Uint8Array>): Promise<string> {
  return new Response(stream).text();
}

const filter = (query: string) => parseInvoiceFilterOrThrow(new URLSearchParams(query));
const bulkWhere = (predicate: (row: (typeof bulk)[number]) => boolean) =>
  bulk.filter(predicate).map((row) => row.id);

beforeAll(async () => {
  handle = await createTestDatabase();
  const workspaceRows = await handle.db
    .insert(workspaces)
    .values(Array.from({ length: 10 }, (_, n) => ({ name: `Team ${n}`, slug: `team-${n}` })))
    .returning({ id: workspaces.id });
  const workspaceIds = workspaceRows.map((row) => row.id);
  const rows = Array.from({ length: BULK }, (_, n) => bulkInvoice(n, workspaceIds));
  const inserted = await handle.db
    .insert(invoices)
    .values(rows)
    .returning({ id: invoices.id, stripeInvoiceId: invoices.stripeInvoiceId });
  const idOf = new Map(inserted.map((row) => [row.stripeInvoiceId, row.id]));
  bulk = rows.map((row) => ({ ...row, id: idOf.get(row.stripeInvoiceId) ?? "" })).sort(byListOrder);
  await handle.db.insert(invoices).values(JUNE);
});
afterAll(async () => {
  await handle.close();
});

describe("listInvoices", () => {
  it("pages through every invoice exactly once, newest first, ties broken by id", async () => {
    const ids = await walk({ from: "2026-01-01" }, 7);
    expect(ids).toHaveLength(BULK);
    expect(ids).toEqual(bulk.map((row) => row.id));
  });

  it("gives the first 50 and a cursor by default, and no cursor on the last page", async () => {
    const first = await listInvoices(handle.db, {});
    expect(first.rows).toHaveLength(50);
    expect(first.nextCursor).not.toBeNull();
    const last = await listInvoices(handle.db, { from: "2025-06-01", to: "2025-06-30" }, 6);
    expect(last.rows.map((row) => row.stripeInvoiceId)).toEqual([
      "in_csv_a",
      "in_csv_b",
      "in_csv_c",
      "in_csv_d",
      "in_csv_e",
      "in_csv_f",
    ]);
    expect(last.nextCursor).toBeNull();
  });

  it("keeps a filter across pages", async () => {
    const ids = await walk(filter("status=open&from=2026-01-01"), 5);
    expect(ids).toEqual(bulkWhere((row) => row.status === "open"));
    expect(ids).toHaveLength(60);
  });

  it("tells apart invoices created within the same millisecond", async () => {
    await handle.db.execute(sql`
      insert into invoices (stripe_invoice_id, stripe_customer_id, status, currency, created)
      values ('in_us_1', 'cus_us', 'paid', 'usd', '2026-03-01 00:00:00.000001+00'),
             ('in_us_2', 'cus_us', 'paid', 'usd', '2026-03-01 00:00:00.000002+00'),
             ('in_us_3', 'cus_us', 'paid', 'usd', '2026-03-01 00:00:00.000003+00')`);
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await listInvoices(handle.db, { from: "2026-03-01", cursor }, 1);
      seen.push(...page.rows.map((row) => row.stripeInvoiceId));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual(["in_us_3", "in_us_2", "in_us_1"]);
  });

  it("filters by status, by plan, and by UTC days with both ends included", async () => {
    const open = await walk(filter("status=open&to=2025-12-31"), 50);
    expect(open).toHaveLength(2);
    expect(await walk(filter("plan=enterprise&from=2026-01-01"), 50)).toEqual(
      bulkWhere((row) => row.planTier === "enterprise"),
    );
    // Hours 24 to 71 after 2026-01-01 00:00: invoices 72 to 215.
    const days = await walk(filter("from=2026-01-02&to=2026-01-03"), 50);
    expect(days).toHaveLength(144);
    expect(await walk(filter("from=0001-01-01&to=9999-12-31"), 100)).toEqual(await walk({}, 100));
    const numbers = new Set(
      bulk.filter((row) => days.includes(row.id)).map((row) => row.stripeInvoiceId),
    );
    expect(numbers.has("in_bulk_71")).toBe(false);
    expect(numbers.has("in_bulk_72")).toBe(true);
    expect(numbers.has("in_bulk_215")).toBe(true);
    expect(numbers.has("in_bulk_216")).toBe(false);
  });

  it("finds a customer's invoices by whole email, ignoring case", async () => {
    const shouted = await walk(filter("q=CUSTOMER4@example.COM"), 50);
    expect(shouted).toEqual(bulkWhere((row) => row.stripeCustomerId === "cus_4"));
    expect(shouted).toHaveLength(15);
    expect(await walk(filter("q=customer1@example.com"), 50)).toHaveLength(15);
    expect(await walk(filter("q=customer4@example.co"), 50)).toEqual([]);
  });

  it("finds invoices by whole number or its beginning, in any case", async () => {
    const one = await listInvoices(handle.db, filter("q=ACME03-0123"));
    expect(one.rows.map((row) => row.stripeInvoiceId)).toEqual(["in_bulk_123"]);
    expect(await walk(filter("q=acme03"), 50)).toEqual(
      bulkWhere((row) => row.stripeCustomerId === "cus_3"),
    );
    expect(await walk(filter("q=ACME03-01"), 50)).toHaveLength(5);
    expect(await walk(filter("q=ACME0"), 50)).toHaveLength(150);
    expect(await walk(filter("q=ZZZ"), 50)).toEqual([]);
  });

  it("combines every filter", async () => {
    const ids = await walk(filter("q=acme0&status=paid&plan=pro&from=2026-01-02&to=2026-01-04"), 3);
    const from = Date.UTC(2026, 0, 2);
    const to = Date.UTC(2026, 0, 5);
    expect(ids).toEqual(
      bulkWhere(
        (row) =>
          (row.number ?? "").startsWith("ACME0") &&
          row.status === "paid" &&
          row.planTier === "pro" &&
          row.created.getTime() >= from &&
          row.created.getTime() < to,
      ),
    );
    expect(ids.length).toBeGreaterThan(0);
  });

  it("refuses a cursor it did not make", async () => {
    const tampered = [
      "not-a-cursor",
      encodeCursor({
        at: "2026-02-30T00:00:00.000000Z",
        id: "00000000-0000-0000-0000-000000000000",
      }),
      encodeCursor({
        at: "0000-01-01T00:00:00.000000Z",
        id: "00000000-0000-0000-0000-000000000000",
      }),
      encodeCursor({ at: "2026-01-01T00:00:00.000000Z", id: "1; drop table invoices" }),
      Buffer.from("2026-01-01T00:00:00Z|x").toString("base64url"),
    ];
    for (const cursor of tampered) {
      await expect(listInvoices(handle.db, { cursor })).rejects.toMatchObject({
        code: "bad_request",
      });
    }
    await expect(listInvoices(handle.db, { cursor: "%%%" })).rejects.toBeInstanceOf(AppError);
  });
});

describe("parseInvoiceFilter", () => {
  it("reads a filter from query parameters, blanks meaning no filter", () => {
    expect(
      parseInvoiceFilter(
        new URLSearchParams("status=open&plan=&from=2026-01-01&to=&q=%20%20&other=1"),
      ),
    ).toEqual({ ok: true, filter: { status: "open", from: "2026-01-01" } });
    expect(parseInvoiceFilter({ status: ["paid", "open"], q: " INV-1 " })).toEqual({
      ok: true,
      filter: { status: "paid", q: "INV-1" },
    });
  });

  it("names what is wrong", () => {
    const message = (query: string) => {
      const result = parseInvoiceFilter(new URLSearchParams(query));
      return result.ok ? null : result.message;
    };
    expect(message("status=late")).toBe(
      "Status must be one of draft, open, paid, uncollectible, void.",
    );
    expect(message("plan=gold")).toBe("Plan must be one of free, pro, enterprise.");
    expect(message("from=2026-02-30")).toBe("From is not a real date.");
    expect(message("from=0000-01-01")).toBe("From is not a real date.");
    expect(message("to=01/02/2026")).toBe("To must be a date written as YYYY-MM-DD.");
    expect(message("from=2026-02-02&to=2026-02-01")).toBe("To must not be before the first day.");
    expect(message("cursor=abc")).toBe(
      "The page link is not valid; start again from the first page.",
    );
    expect(() => parseInvoiceFilterOrThrow(new URLSearchParams("status=late"))).toThrow(
      expect.objectContaining({ code: "bad_request" }),
    );
  });
});

describe("invoiceTotals", () => {
  it("sums collected and open amounts per currency", async () => {
    expect(await invoiceTotals(handle.db, filter("from=2025-06-01&to=2025-06-30"))).toEqual([
      { currency: "jpy", count: 2, collected: 4500, outstanding: 12000 },
      { currency: "kwd", count: 1, collected: 1234, outstanding: 0 },
      { currency: "usd", count: 3, collected: 22800, outstanding: 10000 },
    ]);
    expect(await invoiceTotals(handle.db, filter("status=open&to=2025-12-31"))).toEqual([
      { currency: "jpy", count: 1, collected: 0, outstanding: 12000 },
      { currency: "usd", count: 1, collected: 19900, outstanding: 10000 },
    ]);
    expect(await invoiceTotals(handle.db, filter("q=nobody@example.com"))).toEqual([]);
  });

  it("covers every page of the filter, not only the cursor's", async () => {
    const first = await listInvoices(handle.db, filter("q=acme03"), 2);
    const totals = await invoiceTotals(handle.db, {
      ...filter("q=acme03"),
      cursor: first.nextCursor ?? undefined,
    });
    // Customer 3: invoices 3, 23, …, 283; paid are 23, 83, 143, 203, 263; open 3, 63, … 243.
    expect(totals).toEqual([{ currency: "usd", count: 15, collected: 15215, outstanding: 15115 }]);
  });
});

describe("streamInvoicesCsv", () => {
  it("writes RFC 4180 lines, neutralises formulas and formats amounts per currency", async () => {
    const text = await streamText(
      streamInvoicesCsv(handle.db, filter("from=2025-06-01&to=2025-06-30")),
    );
    expect(text).toBe(
      [
        "invoice_id,number,created,status,plan,customer_email,workspace_id,currency,total,amount_due,amount_paid,amount_remaining,paid_at,hosted_invoice_url,invoice_pdf",
        "in_csv_a,CSV-0001,2025-06-10T12:00:00.000Z,paid,pro,ann@example.com,,usd,29.00,29.00,29.00,0.00,2025-06-10T12:05:00.000Z,https://invoice.example/a,https://invoice.example/a.pdf",
        `in_csv_b,'=1+2,2025-06-09T08:30:00.000Z,open,enterprise,"""Bob, Jr"" <bob@example.com>",,usd,299.00,299.00,199.00,100.00,,,`,
        `in_csv_c,CSV-0003,2025-06-08T00:00:00.000Z,paid,pro,'@chiyo@example.jp,,jpy,4500,4500,4500,0,2025-06-08T00:01:00.000Z,"https://invoice.example/c?a=1,2",`,
        "in_csv_d,'+81-0004,2025-06-07T00:00:00.000Z,open,enterprise,dai@example.jp,,jpy,12000,12000,0,12000,,,",
        "in_csv_e,,2025-06-06T00:00:00.000Z,draft,free,,,usd,-12.50,0.00,0.00,0.00,,,",
        'in_csv_f,CSV-0006,2025-06-05T00:00:00.000Z,paid,enterprise,"fay\n@example.com",,kwd,1.234,1.234,1.234,0.000,,,',
        "",
      ].join("\r\n"),
    );
  });

  it("walks every matching invoice a page at a time, in list order", async () => {
    const text = await streamText(
      streamInvoicesCsv(handle.db, filter("status=paid&from=2026-01-01&to=2026-02-28"), {
        pageSize: 7,
      }),
    );
    const lines = text.split("\r\n").slice(1, -1);
    const expected = bulk.filter((row) => row.status === "paid");
    expect(lines).toHaveLength(expected.length);
    expect(lines.map((line) => line.split(",")[0])).toEqual(
      expected.map((row) => row.stripeInvoiceId),
    );
  });

  it("reads the next page only when the reader asks for it", async () => {
    const reader = streamInvoicesCsv(handle.db, {}, { pageSize: 10 }).getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value).split("\r\n")).toHaveLength(12);
    await reader.cancel();
  });

  it("writes only the header when nothing matches", async () => {
    const text = await streamText(streamInvoicesCsv(handle.db, filter("q=nobody@example.com")));
    expect(text.split("\r\n")).toEqual([expect.stringMatching(/^invoice_id,number,/), ""]);
  });
});
