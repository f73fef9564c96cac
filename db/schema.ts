/**
 * The whole data model. Invariants live in the database, not only in code: Stripe ids are
 * unique, enum-like columns carry CHECK constraints built from the same lists the code uses,
 * money columns Stripe never sends negative are checked non-negative, and a usage record's
 * idempotency key is unique per workspace. Indexes follow the queries the pages run.
 *
 * Change this file, then `npm run db:generate` to write a migration into drizzle/.
 */
import { type SQL, sql } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";
import {
  bigint,
  boolean,
  check,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import {
  BILLING_PERIODS,
  type BillingPeriod,
  METRICS,
  type Metric,
  PLAN_TIERS,
  type PlanTier,
} from "../lib/billing/catalog/plans";

export const USER_ROLES = ["user", "admin"] as const;
export type UserRole = (typeof USER_ROLES)[number];

/**
 * A member's role in a workspace: `owner` can do everything (delete the workspace, transfer
 * ownership), `admin` manages members and billing, `member` uses the product (sees the plan and
 * usage, not invoices or billing actions). Ordered from most to least powerful.
 */
export const WORKSPACE_ROLES = ["owner", "admin", "member"] as const;
export type WorkspaceRole = (typeof WORKSPACE_ROLES)[number];
/** Roles an invitation may carry: ownership is only ever transferred. */
export const INVITATION_ROLES = ["admin", "member"] as const satisfies readonly WorkspaceRole[];
export type InvitationRole = (typeof INVITATION_ROLES)[number];

/** Every status Stripe gives a subscription. */
export const SUBSCRIPTION_STATUSES = [
  "incomplete",
  "incomplete_expired",
  "trialing",
  "active",
  "past_due",
  "canceled",
  "unpaid",
  "paused",
] as const;
export type SubscriptionStatus = (typeof SUBSCRIPTION_STATUSES)[number];
/** Statuses of a subscription that is over for good: it never bills or grants anything again. */
export const ENDED_SUBSCRIPTION_STATUSES = [
  "canceled",
  "incomplete_expired",
] as const satisfies readonly SubscriptionStatus[];

export const INVOICE_STATUSES = ["draft", "open", "paid", "uncollectible", "void"] as const;
export type InvoiceStatus = (typeof INVOICE_STATUSES)[number];

/**
 * `unlinked`: the event is about a Stripe customer no user is linked to yet; it stays pending
 * and reconcile applies it once the link exists.
 */
export const WEBHOOK_EVENT_STATUSES = [
  "received",
  "processed",
  "failed",
  "ignored",
  "unlinked",
] as const;
export type WebhookEventStatus = (typeof WEBHOOK_EVENT_STATUSES)[number];

/**
 * `skip`: nothing to report (free plan, no meter); `pending`: in the outbox; `sent`: reported;
 * `failed`: Stripe refused it for good (too many refusals, or past its 35-day window).
 */
export const USAGE_REPORT_STATUSES = ["skip", "pending", "sent", "failed"] as const;
export type UsageReportStatus = (typeof USAGE_REPORT_STATUSES)[number];

/** Who scheduled a subscription's cancellation; an admin's cannot be undone by the user. */
export const CANCEL_REQUESTERS = ["user", "admin"] as const;
export type CancelRequester = (typeof CANCEL_REQUESTERS)[number];

/** `column IN ('a', 'b', …)` for a CHECK constraint; the values are our own constants. */
function oneOf(column: AnyPgColumn, values: readonly string[]): SQL {
  const list = values.map((value) => `'${value.replaceAll("'", "''")}'`).join(", ");
  return sql`${column} in (${sql.raw(list)})`;
}

const createdAt = () => timestamp("created_at", { withTimezone: true }).notNull().defaultNow();
const updatedAt = () =>
  timestamp("updated_at", { withTimezone: true })
    .notNull()
    .defaultNow()
    .$onUpdate(() => new Date());

// ---------------------------------------------------------------------------------------------
// Auth.js (@auth/drizzle-adapter's PostgreSQL tables, plus role and password hash on user)

export const users = pgTable(
  "user",
  {
    id: text("id")
      .primaryKey()
      .$defaultFn(() => crypto.randomUUID()),
    name: text("name"),
    /** Stored lower-cased, so uniqueness is case-insensitive. */
    email: text("email").unique(),
    emailVerified: timestamp("emailVerified", { mode: "date", withTimezone: true }),
    image: text("image"),
    role: text("role").$type<UserRole>().notNull().default("user"),
    /** scrypt hash for email + password sign-in; null for OAuth and magic-link users. */
    passwordHash: text("password_hash"),
    /**
     * Bumped when every session of the user must end (the address proven by someone who may
     * not have set the password); a session token carrying an older version is refused.
     */
    sessionVersion: integer("session_version").notNull().default(0),
    createdAt: createdAt(),
  },
  (table) => [
    check("user_role_check", oneOf(table.role, USER_ROLES)),
    check("user_session_version_check", sql`${table.sessionVersion} >= 0`),
    // The admin customer list: newest first, and search by email prefix.
    index("user_created_id_idx").on(table.createdAt.desc(), table.id.desc()),
    index("user_email_pattern_idx").using("btree", sql`lower(${table.email}) text_pattern_ops`),
  ],
);

export const accounts = pgTable(
  "account",
  {
    userId: text("userId")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    type: text("type").$type<"oauth" | "oidc" | "email" | "webauthn">().notNull(),
    provider: text("provider").notNull(),
    providerAccountId: text("providerAccountId").notNull(),
    refresh_token: text("refresh_token"),
    access_token: text("access_token"),
    expires_at: integer("expires_at"),
    token_type: text("token_type"),
    scope: text("scope"),
    id_token: text("id_token"),
    session_state: text("session_state"),
  },
  (table) => [
    primaryKey({ columns: [table.provider, table.providerAccountId] }),
    index("account_user_idx").on(table.userId),
  ],
);

export const sessions = pgTable(
  "session",
  {
    sessionToken: text("sessionToken").primaryKey(),
    userId: text("userId")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    expires: timestamp("expires", { mode: "date", withTimezone: true }).notNull(),
  },
  (table) => [index("session_user_idx").on(table.userId)],
);

export const verificationTokens = pgTable(
  "verificationToken",
  {
    identifier: text("identifier").notNull(),
    token: text("token").notNull(),
    expires: timestamp("expires", { mode: "date", withTimezone: true }).notNull(),
  },
  (table) => [primaryKey({ columns: [table.identifier, table.token] })],
);

// ---------------------------------------------------------------------------------------------
// Workspaces: the team is the customer

/**
 * A workspace owns everything billing: its Stripe customer, subscriptions, invoices, usage and
 * API keys. Every user has one personal workspace (`personal_user_id` set, created at sign-up);
 * anyone can create team workspaces. `membership_version` rises with every change of its
 * members, so a seat change sent to Stripe is named by the membership it counts.
 */
export const workspaces = pgTable(
  "workspaces",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    name: text("name").notNull(),
    /** The workspace's address: `/w/<slug>/…`. Lower-case letters, digits and inner dashes. */
    slug: text("slug").notNull().unique(),
    /** The user whose personal workspace this is; null for a team workspace. */
    personalUserId: text("personal_user_id")
      .unique()
      .references(() => users.id, { onDelete: "cascade" }),
    membershipVersion: integer("membership_version").notNull().default(0),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (table) => [
    check("workspaces_slug_check", sql`${table.slug} ~ '^[a-z0-9]([a-z0-9-]{0,46}[a-z0-9])?$'`),
    check("workspaces_membership_version_check", sql`${table.membershipVersion} >= 0`),
    index("workspaces_created_id_idx").on(table.createdAt.desc(), table.id.desc()),
  ],
);

export const workspaceMembers = pgTable(
  "workspace_members",
  {
    workspaceId: uuid("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    role: text("role").$type<WorkspaceRole>().notNull(),
    createdAt: createdAt(),
  },
  (table) => [
    primaryKey({ columns: [table.workspaceId, table.userId] }),
    index("workspace_members_user_idx").on(table.userId),
    check("workspace_members_role_check", oneOf(table.role, WORKSPACE_ROLES)),
  ],
);

/**
 * An invitation to join a workspace with a role. Only the SHA-256 of its single-use token is
 * stored; it expires after 7 days, and is over once accepted or revoked. One open invitation per
 * address and workspace (re-sending one gives it a new token and expiry).
 */
export const invitations = pgTable(
  "invitations",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    workspaceId: uuid("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    /** Stored lower-cased. */
    email: text("email").notNull(),
    role: text("role").$type<InvitationRole>().notNull(),
    tokenHash: text("token_hash").notNull().unique(),
    invitedByUserId: text("invited_by_user_id").references(() => users.id, {
      onDelete: "set null",
    }),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    sentAt: timestamp("sent_at", { withTimezone: true }).notNull().defaultNow(),
    sendCount: integer("send_count").notNull().default(1),
    acceptedAt: timestamp("accepted_at", { withTimezone: true }),
    acceptedByUserId: text("accepted_by_user_id").references(() => users.id, {
      onDelete: "set null",
    }),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
    createdAt: createdAt(),
  },
  (table) => [
    uniqueIndex("invitations_open_email_idx")
      .on(table.workspaceId, table.email)
      .where(sql`${table.acceptedAt} is null and ${table.revokedAt} is null`),
    check("invitations_role_check", oneOf(table.role, INVITATION_ROLES)),
    check("invitations_send_count_check", sql`${table.sendCount} >= 1`),
  ],
);

// ---------------------------------------------------------------------------------------------
// Billing

/** One Stripe customer per workspace, created before the first checkout. */
export const customers = pgTable("customers", {
  id: uuid("id").primaryKey().defaultRandom(),
  workspaceId: uuid("workspace_id")
    .notNull()
    .unique()
    .references(() => workspaces.id, { onDelete: "cascade" }),
  stripeCustomerId: text("stripe_customer_id").notNull().unique(),
  email: text("email"),
  /** Set when Stripe reports the customer deleted. */
  deletedAt: timestamp("deleted_at", { withTimezone: true }),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

export const subscriptions = pgTable(
  "subscriptions",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    workspaceId: uuid("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    stripeSubscriptionId: text("stripe_subscription_id").notNull().unique(),
    stripeCustomerId: text("stripe_customer_id").notNull(),
    stripePriceId: text("stripe_price_id"),
    priceLookupKey: text("price_lookup_key"),
    planTier: text("plan_tier").$type<PlanTier>().notNull(),
    billingPeriod: text("billing_period").$type<BillingPeriod>(),
    status: text("status").$type<SubscriptionStatus>().notNull(),
    quantity: integer("quantity").notNull().default(1),
    trialStart: timestamp("trial_start", { withTimezone: true }),
    trialEnd: timestamp("trial_end", { withTimezone: true }),
    /** From the subscription items (where Stripe keeps them since API version basil). */
    currentPeriodStart: timestamp("current_period_start", { withTimezone: true }),
    currentPeriodEnd: timestamp("current_period_end", { withTimezone: true }),
    cancelAtPeriodEnd: boolean("cancel_at_period_end").notNull().default(false),
    cancelAt: timestamp("cancel_at", { withTimezone: true }),
    canceledAt: timestamp("canceled_at", { withTimezone: true }),
    endedAt: timestamp("ended_at", { withTimezone: true }),
    /**
     * A downgrade waiting for the period end: the plan paid for until `keptPlanUntil`, kept
     * while the subscription already bills the lower price from the next renewal. Read from the
     * subscription's metadata (lib/billing/catalog/subscription.ts).
     */
    /**
     * The metered price (API calls) on the subscription, if it has one: usage of a subscription
     * without it is counted against the limits but not reported to Stripe.
     */
    meteredPriceId: text("metered_price_id"),
    keptPlanLookupKey: text("kept_plan_lookup_key"),
    keptPlanUntil: timestamp("kept_plan_until", { withTimezone: true }),
    /** Who scheduled the cancellation (from the subscription's metadata); null when none is. */
    cancelRequestedBy: text("cancel_requested_by").$type<CancelRequester>(),
    /** Last time the mirror found a monthly paid subscription without its metered item and added it. */
    meteredItemRestoredAt: timestamp("metered_item_restored_at", { withTimezone: true }),
    /** First failed payment of the current dunning run; the grace period counts from here. */
    paymentFailedAt: timestamp("payment_failed_at", { withTimezone: true }),
    /**
     * Version marker: when the Stripe state written here was fetched (milliseconds). A write
     * carrying an older marker is stale and is rejected (see lib/billing/mirror/apply-snapshot.ts).
     */
    stripeVersion: bigint("stripe_version", { mode: "number" }).notNull().default(0),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (table) => [
    index("subscriptions_workspace_idx").on(table.workspaceId, table.createdAt),
    index("subscriptions_customer_idx").on(table.stripeCustomerId),
    index("subscriptions_status_idx").on(table.status),
    check("subscriptions_status_check", oneOf(table.status, SUBSCRIPTION_STATUSES)),
    check("subscriptions_plan_tier_check", oneOf(table.planTier, PLAN_TIERS)),
    check(
      "subscriptions_billing_period_check",
      sql`${table.billingPeriod} is null or ${oneOf(table.billingPeriod, BILLING_PERIODS)}`,
    ),
    check("subscriptions_quantity_check", sql`${table.quantity} >= 0`),
    check(
      "subscriptions_cancel_requested_by_check",
      sql`${table.cancelRequestedBy} is null or ${oneOf(table.cancelRequestedBy, CANCEL_REQUESTERS)}`,
    ),
  ],
);

/** Stripe invoices mirrored for the account and admin pages. Amounts in the smallest unit. */
export const invoices = pgTable(
  "invoices",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    stripeInvoiceId: text("stripe_invoice_id").notNull().unique(),
    stripeCustomerId: text("stripe_customer_id").notNull(),
    /** Null while the customer is not (yet) linked to a workspace. */
    workspaceId: uuid("workspace_id").references(() => workspaces.id, { onDelete: "set null" }),
    /** `parent.subscription_details.subscription` on the Stripe invoice. */
    stripeSubscriptionId: text("stripe_subscription_id"),
    planTier: text("plan_tier").$type<PlanTier>(),
    customerEmail: text("customer_email"),
    number: text("number"),
    status: text("status").$type<InvoiceStatus>().notNull(),
    currency: text("currency").notNull(),
    amountDue: bigint("amount_due", { mode: "number" }).notNull().default(0),
    amountPaid: bigint("amount_paid", { mode: "number" }).notNull().default(0),
    amountRemaining: bigint("amount_remaining", { mode: "number" }).notNull().default(0),
    /** Subtotal and total may be negative: a downgrade invoiced at once is a credit. */
    subtotal: bigint("subtotal", { mode: "number" }).notNull().default(0),
    total: bigint("total", { mode: "number" }).notNull().default(0),
    billingReason: text("billing_reason"),
    hostedInvoiceUrl: text("hosted_invoice_url"),
    invoicePdf: text("invoice_pdf"),
    periodStart: timestamp("period_start", { withTimezone: true }),
    periodEnd: timestamp("period_end", { withTimezone: true }),
    paidAt: timestamp("paid_at", { withTimezone: true }),
    attemptCount: integer("attempt_count").notNull().default(0),
    nextPaymentAttempt: timestamp("next_payment_attempt", { withTimezone: true }),
    /** Stripe's `created`: the order of the invoice lists. */
    created: timestamp("created", { withTimezone: true }).notNull(),
    stripeVersion: bigint("stripe_version", { mode: "number" }).notNull().default(0),
    updatedAt: updatedAt(),
  },
  (table) => [
    index("invoices_created_id_idx").on(table.created.desc(), table.id.desc()),
    index("invoices_status_created_idx").on(table.status, table.created.desc(), table.id.desc()),
    index("invoices_customer_created_idx").on(table.stripeCustomerId, table.created.desc()),
    index("invoices_workspace_created_idx").on(
      table.workspaceId,
      table.created.desc(),
      table.id.desc(),
    ),
    index("invoices_subscription_idx").on(table.stripeSubscriptionId),
    index("invoices_number_idx").on(table.number),
    index("invoices_customer_email_idx").on(sql`lower(${table.customerEmail})`),
    // Totals per status and currency, and the failed-payments figure, read from the index alone.
    index("invoices_status_currency_amounts_idx").on(
      table.status,
      table.currency,
      table.amountPaid,
      table.amountRemaining,
      table.attemptCount,
    ),
    // Revenue collected in a month.
    index("invoices_paid_at_idx").on(table.paidAt, table.currency, table.amountPaid),
    check("invoices_status_check", oneOf(table.status, INVOICE_STATUSES)),
    check(
      "invoices_plan_tier_check",
      sql`${table.planTier} is null or ${oneOf(table.planTier, PLAN_TIERS)}`,
    ),
    check(
      "invoices_amounts_check",
      sql`${table.amountDue} >= 0 and ${table.amountPaid} >= 0 and ${table.amountRemaining} >= 0`,
    ),
    check("invoices_attempt_count_check", sql`${table.attemptCount} >= 0`),
    check("invoices_currency_check", sql`${table.currency} ~ '^[a-z]{3}$'`),
  ],
);

/**
 * The append-only usage ledger. A row's id is the `identifier` of its Stripe meter event, so a
 * report repeated after a crash is deduplicated by Stripe.
 */
export const usageRecords = pgTable(
  "usage_records",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    workspaceId: uuid("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    metric: text("metric").$type<Metric>().notNull(),
    quantity: bigint("quantity", { mode: "number" }).notNull(),
    occurredAt: timestamp("occurred_at", { withTimezone: true }).notNull().defaultNow(),
    idempotencyKey: text("idempotency_key"),
    reportStatus: text("report_status").$type<UsageReportStatus>().notNull().default("skip"),
    stripeCustomerId: text("stripe_customer_id"),
    reportAttempts: integer("report_attempts").notNull().default(0),
    nextReportAt: timestamp("next_report_at", { withTimezone: true }),
    reportedAt: timestamp("reported_at", { withTimezone: true }),
    lastReportError: text("last_report_error"),
    createdAt: createdAt(),
  },
  (table) => [
    uniqueIndex("usage_records_workspace_idempotency_key").on(
      table.workspaceId,
      table.idempotencyKey,
    ),
    index("usage_records_workspace_metric_occurred_idx").on(
      table.workspaceId,
      table.metric,
      table.occurredAt,
    ),
    // usage:verify sums a customer's reported usage over a period.
    index("usage_records_customer_occurred_idx")
      .on(table.stripeCustomerId, table.occurredAt)
      .where(sql`${table.stripeCustomerId} is not null`),
    index("usage_records_outbox_idx")
      .on(table.nextReportAt)
      .where(sql`${table.reportStatus} = 'pending'`),
    check("usage_records_metric_check", oneOf(table.metric, METRICS)),
    check("usage_records_quantity_check", sql`${table.quantity} >= 0`),
    check("usage_records_report_status_check", oneOf(table.reportStatus, USAGE_REPORT_STATUSES)),
    check("usage_records_report_attempts_check", sql`${table.reportAttempts} >= 0`),
  ],
);

/** The Stripe event ledger: dedupe, replay and audit. Keyed by Stripe's event id. */
export const webhookEvents = pgTable(
  "webhook_events",
  {
    id: text("id").primaryKey(),
    type: text("type").notNull(),
    apiVersion: text("api_version"),
    livemode: boolean("livemode").notNull().default(false),
    /** Stripe's `created` for the event. */
    created: timestamp("created", { withTimezone: true }).notNull(),
    receivedAt: timestamp("received_at", { withTimezone: true }).notNull().defaultNow(),
    processedAt: timestamp("processed_at", { withTimezone: true }),
    status: text("status").$type<WebhookEventStatus>().notNull().default("received"),
    attempts: integer("attempts").notNull().default(0),
    lastError: text("last_error"),
    /** The customer the event is about, when it names one (for the admin customer page). */
    stripeCustomerId: text("stripe_customer_id"),
    objectId: text("object_id"),
    payload: jsonb("payload").notNull(),
  },
  (table) => [
    index("webhook_events_status_received_idx").on(table.status, table.receivedAt.desc()),
    index("webhook_events_received_idx").on(table.receivedAt.desc()),
    index("webhook_events_customer_idx").on(table.stripeCustomerId, table.created.desc()),
    index("webhook_events_type_idx").on(table.type),
    check("webhook_events_status_check", oneOf(table.status, WEBHOOK_EVENT_STATUSES)),
    check("webhook_events_attempts_check", sql`${table.attempts} >= 0`),
  ],
);

/** API keys for programs calling the usage API. Only a hash is stored; the prefix is shown. */
export const apiKeys = pgTable(
  "api_keys",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    workspaceId: uuid("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    /** Who created the key; it acts on the workspace, and ends with its creator's account. */
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    prefix: text("prefix").notNull(),
    keyHash: text("key_hash").notNull().unique(),
    lastUsedAt: timestamp("last_used_at", { withTimezone: true }),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
    createdAt: createdAt(),
  },
  (table) => [
    index("api_keys_workspace_idx").on(table.workspaceId, table.createdAt),
    index("api_keys_user_idx").on(table.userId),
  ],
);

// ---------------------------------------------------------------------------------------------
// Request safety

/**
 * Fixed-window counters for the rate limiter (lib/rate-limit.ts): one row per limited key
 * (route and user or IP), reset in place when a new window starts, so the table holds at most
 * one row per key. Rows whose window ended long ago are swept by the limiter itself.
 */
export const rateLimits = pgTable(
  "rate_limits",
  {
    key: text("key").primaryKey(),
    windowStart: timestamp("window_start", { withTimezone: true }).notNull(),
    count: integer("count").notNull(),
  },
  (table) => [
    check("rate_limits_count_check", sql`${table.count} > 0`),
    index("rate_limits_window_idx").on(table.windowStart),
  ],
);

/**
 * Leases for work that must run one at a time across every app instance (reconcile): a row is
 * held until `expires_at`; a holder that died frees it by expiring.
 */
export const leases = pgTable("leases", {
  name: text("name").primaryKey(),
  holder: text("holder").notNull(),
  acquiredAt: timestamp("acquired_at", { withTimezone: true }).notNull(),
  expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
});

/**
 * Pacing for calls to an outside API shared by every instance and worker
 * (lib/billing/stripe/limiter.ts): one row per limiter, holding the earliest time the next
 * call may go (`next_slot_at`, the database's clock) and the rate it was cut to by the last
 * slow-down (`rate`, calls per second, recovering from `slowed_at` on; null: never slowed).
 */
export const requestLimiters = pgTable(
  "request_limiters",
  {
    name: text("name").primaryKey(),
    rate: doublePrecision("rate").notNull(),
    slowedAt: timestamp("slowed_at", { withTimezone: true }),
    nextSlotAt: timestamp("next_slot_at", { withTimezone: true }).notNull(),
  },
  (table) => [check("request_limiters_rate_check", sql`${table.rate} > 0`)],
);

// ---------------------------------------------------------------------------------------------
// Types

export type User = typeof users.$inferSelect;
export type Workspace = typeof workspaces.$inferSelect;
export type WorkspaceMember = typeof workspaceMembers.$inferSelect;
export type Invitation = typeof invitations.$inferSelect;
export type NewUser = typeof users.$inferInsert;
export type Customer = typeof customers.$inferSelect;
export type NewCustomer = typeof customers.$inferInsert;
export type Subscription = typeof subscriptions.$inferSelect;
export type NewSubscription = typeof subscriptions.$inferInsert;
export type Invoice = typeof invoices.$inferSelect;
export type NewInvoice = typeof invoices.$inferInsert;
export type UsageRecord = typeof usageRecords.$inferSelect;
export type NewUsageRecord = typeof usageRecords.$inferInsert;
export type WebhookEvent = typeof webhookEvents.$inferSelect;
export type NewWebhookEvent = typeof webhookEvents.$inferInsert;
export type ApiKey = typeof apiKeys.$inferSelect;
export type NewApiKey = typeof apiKeys.$inferInsert;
export type RateLimit = typeof rateLimits.$inferSelect;
export type Lease = typeof leases.$inferSelect;
export type RequestLimiter = typeof requestLimiters.$inferSelect;
