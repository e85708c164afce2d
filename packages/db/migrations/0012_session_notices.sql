-- Replicas cache a session's actor for a few seconds; these triggers tell every replica (NOTIFY
-- "cairn_sessions") when a cached one stops being true: a session deleted or shortened, a user or
-- superuser changed or deleted. The payload is "session:<id>" or "subject:<id>".
CREATE FUNCTION "cairn"."notify_session_gone"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('cairn_sessions', 'session:' || OLD."id");
  RETURN OLD;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "sessions_gone" AFTER DELETE ON "cairn"."sessions"
FOR EACH ROW EXECUTE FUNCTION "cairn"."notify_session_gone"();
--> statement-breakpoint
CREATE TRIGGER "sessions_shortened" AFTER UPDATE ON "cairn"."sessions"
FOR EACH ROW WHEN (
  NEW."expires_at" < OLD."expires_at"
  OR (NEW."subject_kind", NEW."collection_id", NEW."subject_id")
    IS DISTINCT FROM (OLD."subject_kind", OLD."collection_id", OLD."subject_id")
) EXECUTE FUNCTION "cairn"."notify_session_gone"();
--> statement-breakpoint
CREATE FUNCTION "cairn"."notify_subject_changed"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('cairn_sessions', 'subject:' || OLD."id");
  RETURN OLD;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "superusers_changed" AFTER UPDATE OR DELETE ON "cairn"."superusers"
FOR EACH ROW EXECUTE FUNCTION "cairn"."notify_subject_changed"();
--> statement-breakpoint
DO $$
DECLARE
  auth_collection record;
BEGIN
  FOR auth_collection IN SELECT "name" FROM "cairn"."collections" WHERE "type" = 'auth' LOOP
    EXECUTE format(
      'CREATE TRIGGER "cairn_subject_changed" AFTER UPDATE OR DELETE ON "public".%I FOR EACH ROW EXECUTE FUNCTION "cairn"."notify_subject_changed"()',
      auth_collection."name"
    );
  END LOOP;
END
$$;
