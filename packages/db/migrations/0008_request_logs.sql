CREATE TABLE "cairn"."request_logs" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"method" text NOT NULL,
	"path" text NOT NULL,
	"status" integer NOT NULL,
	"duration_ms" double precision NOT NULL,
	"request_id" text,
	"ip" text,
	"user_agent" text,
	"actor" text DEFAULT 'anonymous' NOT NULL,
	"response_bytes" integer,
	"error_code" text
);
--> statement-breakpoint
CREATE INDEX "request_logs_at_idx" ON "cairn"."request_logs" USING btree ("at");--> statement-breakpoint
CREATE INDEX "request_logs_status_idx" ON "cairn"."request_logs" USING btree ("status","id");--> statement-breakpoint
CREATE INDEX "request_logs_request_id_idx" ON "cairn"."request_logs" USING btree ("request_id");--> statement-breakpoint
CREATE INDEX "request_logs_actor_idx" ON "cairn"."request_logs" USING btree ("actor","id");