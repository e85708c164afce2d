CREATE SCHEMA IF NOT EXISTS "cairn";
--> statement-breakpoint
CREATE TABLE "cairn"."settings" (
	"key" text PRIMARY KEY NOT NULL,
	"value" jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
