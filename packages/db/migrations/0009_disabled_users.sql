CREATE TABLE "cairn"."disabled_users" (
	"collection_id" text NOT NULL,
	"user_id" text NOT NULL,
	"reason" text,
	"disabled_at" timestamp with time zone DEFAULT now() NOT NULL,
	"disabled_by" text NOT NULL,
	CONSTRAINT "disabled_users_collection_id_user_id_pk" PRIMARY KEY("collection_id","user_id")
);
