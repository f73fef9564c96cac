CREATE TABLE "leases" (
	"name" text PRIMARY KEY NOT NULL,
	"holder" text NOT NULL,
	"acquired_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "usage_records" DROP CONSTRAINT "usage_records_report_status_check";
--> statement-breakpoint
ALTER TABLE "webhook_events" DROP CONSTRAINT "webhook_events_status_check";
--> statement-breakpoint
ALTER TABLE "subscriptions" ADD COLUMN "cancel_requested_by" text;
--> statement-breakpoint
ALTER TABLE "subscriptions" ADD COLUMN "metered_item_restored_at" timestamp with time zone;
--> statement-breakpoint
ALTER TABLE "user" ADD COLUMN "session_version" integer DEFAULT 0 NOT NULL;
--> statement-breakpoint
ALTER TABLE "subscriptions" ADD CONSTRAINT "subscriptions_cancel_requested_by_check" CHECK ("subscriptions"."cancel_requested_by" is null or "subscriptions"."cancel_requested_by" in ('user', 'admin')) NOT VALID;
--> statement-breakpoint
ALTER TABLE "subscriptions" VALIDATE CONSTRAINT "subscriptions_cancel_requested_by_check";
--> statement-breakpoint
ALTER TABLE "usage_records" ADD CONSTRAINT "usage_records_report_status_check" CHECK ("usage_records"."report_status" in ('skip', 'pending', 'sent', 'failed')) NOT VALID;
--> statement-breakpoint
ALTER TABLE "usage_records" VALIDATE CONSTRAINT "usage_records_report_status_check";
--> statement-breakpoint
ALTER TABLE "user" ADD CONSTRAINT "user_session_version_check" CHECK ("user"."session_version" >= 0) NOT VALID;
--> statement-breakpoint
ALTER TABLE "user" VALIDATE CONSTRAINT "user_session_version_check";
--> statement-breakpoint
ALTER TABLE "webhook_events" ADD CONSTRAINT "webhook_events_status_check" CHECK ("webhook_events"."status" in ('received', 'processed', 'failed', 'ignored', 'unlinked')) NOT VALID;
--> statement-breakpoint
ALTER TABLE "webhook_events" VALIDATE CONSTRAINT "webhook_events_status_check";
