// `cairn <command> --help`: what each command does, its options and its exit codes. The overview
// (`cairn --help`) lives in cli.ts next to the dispatch.

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
