ALTER TABLE "customers" DROP CONSTRAINT "customers_user_id_unique";
--> statement-breakpoint
ALTER TABLE "customers" DROP CONSTRAINT "customers_user_id_user_id_fk";
--> statement-breakpoint
ALTER TABLE "invoices" DROP CONSTRAINT "invoices_user_id_user_id_fk";
--> statement-breakpoint
ALTER TABLE "subscriptions" DROP CONSTRAINT "subscriptions_user_id_user_id_fk";
--> statement-breakpoint
ALTER TABLE "usage_records" DROP CONSTRAINT "usage_records_user_id_user_id_fk";
--> statement-breakpoint
DROP INDEX CONCURRENTLY IF EXISTS "invoices_user_created_idx";
--> statement-breakpoint
DROP INDEX CONCURRENTLY IF EXISTS "subscriptions_user_idx";
--> statement-breakpoint
DROP INDEX CONCURRENTLY IF EXISTS "usage_records_user_idempotency_key";
--> statement-breakpoint
DROP INDEX CONCURRENTLY IF EXISTS "usage_records_user_metric_occurred_idx";
--> statement-breakpoint
DROP INDEX CONCURRENTLY IF EXISTS "api_keys_user_idx";
--> statement-breakpoint
ALTER TABLE "api_keys" ALTER COLUMN "workspace_id" SET NOT NULL;
--> statement-breakpoint
ALTER TABLE "customers" ALTER COLUMN "workspace_id" SET NOT NULL;
--> statement-breakpoint
ALTER TABLE "subscriptions" ALTER COLUMN "workspace_id" SET NOT NULL;
--> statement-breakpoint
ALTER TABLE "usage_records" ALTER COLUMN "workspace_id" SET NOT NULL;
--> statement-breakpoint
CREATE INDEX CONCURRENTLY IF NOT EXISTS "api_keys_workspace_idx" ON "api_keys" USING btree ("workspace_id","created_at");
--> statement-breakpoint
CREATE INDEX CONCURRENTLY IF NOT EXISTS "invoices_workspace_created_idx" ON "invoices" USING btree ("workspace_id","created" DESC NULLS LAST,"id" DESC NULLS LAST);
--> statement-breakpoint
CREATE INDEX CONCURRENTLY IF NOT EXISTS "subscriptions_workspace_idx" ON "subscriptions" USING btree ("workspace_id","created_at");
--> statement-breakpoint
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS "usage_records_workspace_idempotency_key" ON "usage_records" USING btree ("workspace_id","idempotency_key");
--> statement-breakpoint
CREATE INDEX CONCURRENTLY IF NOT EXISTS "usage_records_workspace_metric_occurred_idx" ON "usage_records" USING btree ("workspace_id","metric","occurred_at");
--> statement-breakpoint
CREATE INDEX CONCURRENTLY IF NOT EXISTS "api_keys_user_idx" ON "api_keys" USING btree ("user_id");
--> statement-breakpoint
ALTER TABLE "customers" DROP COLUMN "user_id";
--> statement-breakpoint
ALTER TABLE "invoices" DROP COLUMN "user_id";
--> statement-breakpoint
ALTER TABLE "subscriptions" DROP COLUMN "user_id";
--> statement-breakpoint
ALTER TABLE "usage_records" DROP COLUMN "user_id";
--> statement-breakpoint
ALTER TABLE "customers" ADD CONSTRAINT "customers_workspace_id_unique" UNIQUE("workspace_id");
