CREATE TABLE "cairn"."files" (
	"id" text PRIMARY KEY NOT NULL,
	"collection_id" text NOT NULL,
	"record_id" text NOT NULL,
	"field_id" text NOT NULL,
	"name" text NOT NULL,
	"original_name" text NOT NULL,
	"storage" text NOT NULL,
	"key" text NOT NULL,
	"size" bigint NOT NULL,
	"mime_type" text NOT NULL,
	"etag" text DEFAULT '' NOT NULL,
	"status" text NOT NULL,
	"uploaded_by" text NOT NULL,
	"created" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone
);
--> statement-breakpoint
CREATE UNIQUE INDEX "files_record_name_idx" ON "cairn"."files" USING btree ("collection_id","record_id","name");--> statement-breakpoint
CREATE INDEX "files_status_idx" ON "cairn"."files" USING btree ("status","expires_at");