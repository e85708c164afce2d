CREATE TABLE "cairn"."backups" (
	"id" text PRIMARY KEY NOT NULL,
	"trigger" text NOT NULL,
	"status" text NOT NULL,
	"storage" text NOT NULL,
	"key" text NOT NULL,
	"include_files" boolean DEFAULT true NOT NULL,
	"size" bigint,
	"missing_files" bigint DEFAULT 0 NOT NULL,
	"error" text,
	"started_by" text NOT NULL,
	"started" timestamp with time zone DEFAULT now() NOT NULL,
	"finished" timestamp with time zone
);
--> statement-breakpoint
CREATE INDEX "backups_started_idx" ON "cairn"."backups" USING btree ("started");