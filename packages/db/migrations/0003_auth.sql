CREATE TABLE "cairn"."api_keys" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"secret_hash" text NOT NULL,
	"scopes" jsonb NOT NULL,
	"created_by" text NOT NULL,
	"created" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone,
	"last_used" timestamp with time zone,
	"revoked_at" timestamp with time zone,
	CONSTRAINT "api_keys_secret_hash_unique" UNIQUE("secret_hash")
);
--> statement-breakpoint
CREATE TABLE "cairn"."audit_log" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"action" text NOT NULL,
	"actor" text NOT NULL,
	"collection_id" text,
	"subject_id" text,
	"ip" text,
	"user_agent" text,
	"detail" jsonb DEFAULT '{}'::jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "cairn"."auth_tokens" (
	"id" text PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"collection_id" text,
	"subject_id" text,
	"email" text,
	"payload" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"created" timestamp with time zone DEFAULT now() NOT NULL,
	"used_at" timestamp with time zone,
	"attempts" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "cairn"."mailbox" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"to" text NOT NULL,
	"subject" text NOT NULL,
	"text" text NOT NULL,
	"html" text NOT NULL,
	"template" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "cairn"."mfa_factors" (
	"id" text PRIMARY KEY NOT NULL,
	"collection_id" text NOT NULL,
	"subject_id" text NOT NULL,
	"secret" text NOT NULL,
	"created" timestamp with time zone DEFAULT now() NOT NULL,
	"confirmed_at" timestamp with time zone,
	"last_step" text
);
--> statement-breakpoint
CREATE TABLE "cairn"."mfa_recovery_codes" (
	"id" text PRIMARY KEY NOT NULL,
	"collection_id" text NOT NULL,
	"subject_id" text NOT NULL,
	"code_hash" text NOT NULL,
	"used_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "cairn"."oauth_accounts" (
	"collection_id" text NOT NULL,
	"subject_id" text NOT NULL,
	"provider" text NOT NULL,
	"provider_user_id" text NOT NULL,
	"created" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "cairn"."rate_limits" (
	"key" text PRIMARY KEY NOT NULL,
	"window_start" timestamp with time zone NOT NULL,
	"count" integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE "cairn"."sessions" ADD COLUMN "impersonator" text;--> statement-breakpoint
CREATE INDEX "audit_log_at_idx" ON "cairn"."audit_log" USING btree ("at");--> statement-breakpoint
CREATE INDEX "auth_tokens_subject_idx" ON "cairn"."auth_tokens" USING btree ("kind","subject_id");--> statement-breakpoint
CREATE UNIQUE INDEX "mfa_factors_subject_idx" ON "cairn"."mfa_factors" USING btree ("collection_id","subject_id");--> statement-breakpoint
CREATE INDEX "mfa_recovery_subject_idx" ON "cairn"."mfa_recovery_codes" USING btree ("collection_id","subject_id");--> statement-breakpoint
CREATE UNIQUE INDEX "oauth_accounts_identity_idx" ON "cairn"."oauth_accounts" USING btree ("collection_id","provider","provider_user_id");