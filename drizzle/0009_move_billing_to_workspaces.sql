-- Every user gets a personal workspace they own, and everything billing they had moves to it:
-- their Stripe customer, subscriptions, invoices, usage records (the meter outbox with them)
-- and API keys (which keep working: a key now acts on its workspace). Re-running changes nothing.
INSERT INTO "workspaces" ("name", "slug", "personal_user_id", "created_at", "updated_at")
SELECT 'Personal', 'personal-' || substr(md5("id"), 1, 12), "id", "created_at", "created_at"
FROM "user"
ON CONFLICT DO NOTHING;
--> statement-breakpoint
INSERT INTO "workspace_members" ("workspace_id", "user_id", "role", "created_at")
SELECT "id", "personal_user_id", 'owner', "created_at"
FROM "workspaces"
WHERE "personal_user_id" IS NOT NULL
ON CONFLICT DO NOTHING;
--> statement-breakpoint
UPDATE "customers" SET "workspace_id" = "workspaces"."id"
FROM "workspaces"
WHERE "workspaces"."personal_user_id" = "customers"."user_id" AND "customers"."workspace_id" IS NULL;
--> statement-breakpoint
UPDATE "subscriptions" SET "workspace_id" = "workspaces"."id"
FROM "workspaces"
WHERE "workspaces"."personal_user_id" = "subscriptions"."user_id" AND "subscriptions"."workspace_id" IS NULL;
--> statement-breakpoint
UPDATE "invoices" SET "workspace_id" = "workspaces"."id"
FROM "workspaces"
WHERE "workspaces"."personal_user_id" = "invoices"."user_id" AND "invoices"."workspace_id" IS NULL;
--> statement-breakpoint
UPDATE "usage_records" SET "workspace_id" = "workspaces"."id"
FROM "workspaces"
WHERE "workspaces"."personal_user_id" = "usage_records"."user_id" AND "usage_records"."workspace_id" IS NULL;
--> statement-breakpoint
UPDATE "api_keys" SET "workspace_id" = "workspaces"."id"
FROM "workspaces"
WHERE "workspaces"."personal_user_id" = "api_keys"."user_id" AND "api_keys"."workspace_id" IS NULL;
