// `cairn --help` and `cairn <command> --help`: what each command does, its options and its exit
// codes. Plain text only, so help answers without loading the server.

const environment = `Configuration comes from environment variables (DATABASE_URL, CAIRN_DATA_DIR, PORT…);
see docs/configuration.md. Without DATABASE_URL the embedded database in CAIRN_DATA_DIR is used,
which only one process can open at a time: stop the server before other commands.`;

export const serveUsage = `Usage: cairn serve

Starts the server: applies pending migrations, then serves the API at /api, the console at /_/
and the health checks /api/health (the process answers) and /api/ready (the database answers and
is migrated). On first run, with no superuser yet, it prints a one-time setup link. SIGTERM or
SIGINT stops it gracefully: no new connections, in-flight requests finish (up to
CAIRN_SHUTDOWN_TIMEOUT_MS), realtime streams end, the database closes.

Exit code 0 after a graceful stop, 1 when it cannot start (the reason is logged).

${environment}`;

export const migrateUsage = `Usage: cairn migrate

Applies pending database migrations and exits (\`cairn serve\` does the same at start; run this
to migrate ahead of a deploy).

Exit code 0 when the database is up to date, 1 when it cannot be reached or a migration fails.

${environment}`;

export const superuserUsage = `Usage: cairn superuser create EMAIL [--password PASSWORD]
       cairn superuser list
       cairn superuser delete EMAIL

Manages the console's admins straight in the database.
  create   Adds a superuser. The password comes from --password or, to keep it out of the shell
           history, from CAIRN_SUPERUSER_PASSWORD.
  list     Prints every superuser's email and creation date, tab-separated.
  delete   Removes a superuser; never the last one.

Exit code 0 on success, 1 when it fails (e.g. the email is taken), 2 for a usage error.

${environment}`;

export const schemaUsage = `Usage: cairn schema export [--out FILE]
       cairn schema plan FILE
       cairn schema apply FILE [--allow-destructive]

Schema as code: every collection as one JSON document (docs/collections.md).
  export   Writes the document (stdout unless --out).
  plan     Prints the steps applying FILE would take; "!" marks steps that drop data.
  apply    Makes the schema equal to FILE in one transaction. Steps that drop data (a collection
           or field missing from FILE) run only with --allow-destructive; otherwise nothing
           changes and the exit code is 1.

Exit code 0 on success, 1 when FILE is invalid or the apply is refused, 2 for a usage error.

${environment}`;

export const typegenUsage = `Usage: cairn typegen [--out FILE]

Writes TypeScript types for every collection (records, create and update shapes, and the map
the SDK reads) from the live schema, to stdout unless --out. The same output as cairn-typegen,
which reads a running server instead (docs/typegen.md).

Exit code 0 on success, 1 when the database cannot be read, 2 for a usage error.

${environment}`;

export const usage = `Usage: cairn <command>

Commands:
  serve                          Start the server (default). Applies pending migrations first.
  migrate                        Apply pending database migrations and exit.
  superuser create EMAIL [--password PASSWORD]
                                 Add a superuser (password also from CAIRN_SUPERUSER_PASSWORD).
  superuser list                 List superusers.
  superuser delete EMAIL         Remove a superuser (never the last one).
  schema export [--out FILE]     Write every collection as one JSON document (stdout by default).
  schema plan FILE               Show what applying FILE would change.
  schema apply FILE [--allow-destructive]
                                 Make the schema equal to FILE, in one transaction.
  typegen [--out FILE]           Write TypeScript types for the schema (stdout by default);
                                 the same output as cairn-typegen, see docs/typegen.md.
  files migrate [--to local|s3] [--dry-run]
                                 Move stored files to the active storage (or --to), see
                                 \`cairn files migrate --help\`.
  backup [--out FILE] [--no-files]
                                 Write an archive of everything (see \`cairn backup --help\`).
  restore FILE [--force]         Restore an archive into an empty instance (\`cairn restore --help\`).

Configuration comes from environment variables; see docs/configuration.md.`;

export const filesUsage = `Usage: cairn files migrate [--to local|s3] [--dry-run]

Moves every file attached to a record from the storage it lives on to the active storage
(the \`storage\` setting) or to the one --to names: copies the bytes, points the file at the
copy, then deletes the old bytes and thumbnails. One file at a time: safe to stop (Ctrl-C) and
run again, and servers keep serving files while it runs (each file is read from where it is).

Options:
  --to local|s3   Where the files go (default: the active storage).
  --dry-run       Only check and count what would move; change nothing.

Exit code 0 when every file moved, 1 when any failed or it was stopped (failures are listed;
run it again to retry), 2 for a usage error. On the embedded database (no DATABASE_URL) stop
the server first: only one process can open it.`;

export const backupUsage = `Usage: cairn backup [--out FILE] [--no-files]

Writes one archive (a gzipped tar) of this instance: the schema, every record, the system
tables (users' sessions, API keys, webhooks, settings, …) read in one consistent snapshot, and
the bytes of every file. See docs/backups.md.

Options:
  --out FILE    Where to write it (default: cairn-backup-<time>.tar.gz here); "-" for stdout.
  --no-files    Leave the files' bytes out (rows only; their records then point at nothing).

Exit code 0 when written, 1 when it failed (no partial file is left), 2 for a usage error. On
the embedded database (no DATABASE_URL) stop the server first, or use the scheduled backups.`;

export const restoreUsage = `Usage: cairn restore FILE [--force]

Restores an archive written by \`cairn backup\` (or downloaded from the console) into this
instance, which must be empty: no collections and no superusers. Checks every entry of the
archive first, applies migrations, recreates the collections, loads every row in one
transaction, then copies the files to the active storage. See docs/backups.md.

Options:
  --force   Replace everything the instance holds (its collections, records, superusers,
            settings except storage) with the archive's.

Exit code 0 when restored, 1 when it failed (a damaged archive, one from a newer Cairn), 2 for
a usage error or an instance that is not empty.`;
