CREATE TABLE "cairn"."event_consumers" (
	"name" text PRIMARY KEY NOT NULL,
	"txid" bigint DEFAULT 0 NOT NULL,
	"position" bigint DEFAULT 0 NOT NULL,
	"updated" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "cairn"."events" (
	"position" bigserial PRIMARY KEY NOT NULL,
	"txid" bigint DEFAULT (pg_current_xact_id()::text::bigint) NOT NULL,
	"type" text NOT NULL,
	"collection_id" text,
	"collection_name" text,
	"record_id" text,
	"data" jsonb NOT NULL,
	"created" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "events_cursor_idx" ON "cairn"."events" USING btree ("txid","position");--> statement-breakpoint
CREATE INDEX "events_created_idx" ON "cairn"."events" USING btree ("created");