CREATE TABLE "request_limiters" (
	"name" text PRIMARY KEY NOT NULL,
	"rate" double precision NOT NULL,
	"slowed_at" timestamp with time zone,
	"next_slot_at" timestamp with time zone NOT NULL,
	CONSTRAINT "request_limiters_rate_check" CHECK ("request_limiters"."rate" > 0)
);
