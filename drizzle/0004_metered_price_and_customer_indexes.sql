ALTER TABLE "subscriptions" ADD COLUMN "metered_price_id" text;--> statement-breakpoint
CREATE INDEX "user_created_id_idx" ON "user" USING btree ("created_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "user_email_pattern_idx" ON "user" USING btree (lower("email") text_pattern_ops);