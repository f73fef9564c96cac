ALTER TABLE "subscriptions" ADD COLUMN "kept_plan_lookup_key" text;--> statement-breakpoint
ALTER TABLE "subscriptions" ADD COLUMN "kept_plan_until" timestamp with time zone;