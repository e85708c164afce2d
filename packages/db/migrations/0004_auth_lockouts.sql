CREATE TABLE "cairn"."auth_lockouts" (
	"key" text PRIMARY KEY NOT NULL,
	"failures" integer NOT NULL,
	"last_failure" timestamp with time zone NOT NULL,
	"locked_until" timestamp with time zone
);
