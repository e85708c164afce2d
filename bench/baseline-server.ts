// The hand-written baseline of the posts benchmark: hono + postgres.js serving the same four
// requests as Cairn's record API, with plain SQL and the same access logic (session by token hash,
// the rules as WHERE clauses), and nothing Cairn adds beyond that. Run by posts.ts from bench/dist.
import { createHash, randomUUID } from "node:crypto";
import { serve } from "@hono/node-server";
import { type Context, Hono } from "hono";
import postgres from "postgres";

// The same pool size and session settings as Cairn's own connection (packages/db). Named
// prepared statements (postgres.js's default) unless BASELINE_PREPARE=false: drizzle sends every
// query unnamed, which costs a describe round trip per query (see docs/performance.md).
const sql = postgres(process.env.DATABASE_URL!, {
  max: 10,
  prepare: process.env.BASELINE_PREPARE !== "false",
  onnotice: () => {},
  connection: { application_name: "baseline", jit: "off", TimeZone: "UTC" },
});
// The auth collection the sessions must belong to, and its session lifetime (Cairn's defaults).
const usersCollectionId = process.env.USERS_COLLECTION_ID!;
const lifetimeMs = Number(process.env.SESSION_LIFETIME_MS ?? 30 * 24 * 60 * 60 * 1000);
const port = Number(process.env.PORT ?? 0);

interface User {
  id: string;
}

const fail = (c: Context, status: 400 | 401 | 403 | 404, code: string, message: string) =>
  c.json({ error: { code, message } }, status);

/**
 * The caller: `null` without a token, `undefined` for a bad, unknown, expired or disabled one.
 * One query: the session by the SHA-256 of its token, joined to its user; the same sliding
 * expiry and last-used bookkeeping (to the minute) as Cairn.
 */
async function caller(c: Context): Promise<User | null | undefined> {
  const header = c.req.header("authorization");
  if (!header) return null;
  const token = /^Bearer\s+([a-z2-7]{16,64})$/i.exec(header)?.[1];
  if (!token) return undefined;
  const id = createHash("sha256").update(token).digest("hex");
  const [row] = await sql<
    { userId: string; expiresAt: Date; lastUsed: Date; impersonator: string | null }[]
  >`
    SELECT u.id AS "userId", s.expires_at AS "expiresAt", s.last_used AS "lastUsed", s.impersonator
    FROM cairn.sessions s JOIN public.users u ON u.id = s.subject_id
    WHERE s.id = ${id} AND s.subject_kind = 'user' AND s.collection_id = ${usersCollectionId}
      AND NOT EXISTS (SELECT 1 FROM cairn.disabled_users d
                      WHERE d.collection_id = ${usersCollectionId} AND d.user_id = s.subject_id)`;
  const now = Date.now();
  if (!row || row.expiresAt.getTime() <= now) return undefined;
  const renew = !row.impersonator && row.expiresAt.getTime() - now < lifetimeMs / 2;
  if (renew || now - row.lastUsed.getTime() > 60_000) {
    const expiresAt = renew ? new Date(now + lifetimeMs) : row.expiresAt;
    await sql`UPDATE cairn.sessions SET last_used = ${new Date(now)}, expires_at = ${expiresAt}
              WHERE id = ${id}`;
  }
  return { id: row.userId };
}

const record = (row: Record<string, unknown>) => ({
  collectionId: "posts",
  collectionName: "posts",
  ...row,
});

/** The writable fields and their checks; `owner` is checked against the caller separately. */
const checks: Record<string, (value: unknown) => boolean> = {
  title: (v) => typeof v === "string" && v.length <= 5000,
  body: (v) => typeof v === "string" && v.length <= 5000,
  published: (v) => typeof v === "boolean",
  views: (v) => typeof v === "number" && Number.isSafeInteger(v),
  owner: (v) => typeof v === "string",
};

/** The body's known fields, or the name of the first one that is wrong. */
async function readBody(c: Context): Promise<Record<string, string | number | boolean> | string> {
  let body: unknown;
  try {
    body = await c.req.json();
  } catch {
    return "body";
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) return "body";
  const values: Record<string, string | number | boolean> = {};
  for (const [key, value] of Object.entries(body)) {
    const check = checks[key];
    if (!check?.(value)) return key;
    values[key] = value as string | number | boolean;
  }
  return values;
}

const posts = new Hono()
  // view rule: owner = @request.auth.id || published = true
  .get("/:id", async (c) => {
    const user = await caller(c);
    if (user === undefined) return fail(c, 401, "UNAUTHORIZED", "Sign in again.");
    const [row] = await sql`
      SELECT * FROM public.posts
      WHERE id = ${c.req.param("id")} AND (owner = ${user?.id ?? ""} OR published = true)`;
    if (!row) return fail(c, 404, "NOT_FOUND", "No such post.");
    return c.json(record(row));
  })
  // list rule: the view rule; the one query this server knows: published posts, most viewed first.
  .get("/", async (c) => {
    const user = await caller(c);
    if (user === undefined) return fail(c, 401, "UNAUTHORIZED", "Sign in again.");
    if (c.req.query("filter") !== "published = true" || c.req.query("sort") !== "-views")
      return fail(c, 400, "BAD_REQUEST", "Only filter=published = true&sort=-views.");
    const page = Number(c.req.query("page") ?? 1);
    const perPage = Math.min(Number(c.req.query("perPage") ?? 30), 500);
    if (!Number.isSafeInteger(page) || page < 1 || !Number.isSafeInteger(perPage) || perPage < 1)
      return fail(c, 400, "BAD_REQUEST", "page and perPage are whole numbers from 1.");
    const owner = user?.id ?? "";
    const items = await sql`
      SELECT * FROM public.posts
      WHERE (owner = ${owner} OR published = true) AND published = true
      ORDER BY views DESC NULLS FIRST, id
      LIMIT ${perPage} OFFSET ${(page - 1) * perPage}`;
    let totalItems = -1;
    if (c.req.query("skipTotal") !== "1" && c.req.query("skipTotal") !== "true") {
      const [count] = await sql<{ n: number }[]>`
        SELECT count(*)::int AS n FROM public.posts
        WHERE (owner = ${owner} OR published = true) AND published = true`;
      totalItems = count!.n;
    }
    return c.json({
      page,
      perPage,
      totalItems,
      totalPages: totalItems < 0 ? -1 : Math.ceil(totalItems / perPage),
      items: items.map(record),
    });
  })
  // create rule: owner = @request.auth.id
  .post("/", async (c) => {
    const user = await caller(c);
    if (user === undefined) return fail(c, 401, "UNAUTHORIZED", "Sign in again.");
    const values = await readBody(c);
    if (typeof values === "string") return fail(c, 400, "VALIDATION_FAILED", `Check ${values}.`);
    if (!user || values.owner !== user.id)
      return fail(c, 403, "FORBIDDEN", "You can only create your own posts.");
    const [row] = await sql`
      INSERT INTO public.posts (id, title, body, published, views, owner)
      VALUES (${randomUUID()}, ${(values.title as string) ?? null}, ${(values.body as string) ?? null},
              ${(values.published as boolean) ?? false}, ${(values.views as number) ?? 0},
              ${user.id})
      RETURNING *`;
    return c.json(record(row!), 201);
  })
  // update rule: owner = @request.auth.id (before and after: the owner cannot change hands)
  .patch("/:id", async (c) => {
    const user = await caller(c);
    if (user === undefined) return fail(c, 401, "UNAUTHORIZED", "Sign in again.");
    if (!user) return fail(c, 403, "FORBIDDEN", "Sign in to edit posts.");
    const values = await readBody(c);
    if (typeof values === "string") return fail(c, 400, "VALIDATION_FAILED", `Check ${values}.`);
    if (values.owner !== undefined && values.owner !== user.id)
      return fail(c, 403, "FORBIDDEN", "A post cannot change owner.");
    const columns = Object.keys(values);
    const [row] =
      columns.length === 0
        ? await sql`SELECT * FROM public.posts WHERE id = ${c.req.param("id")} AND owner = ${user.id}`
        : await sql`
          UPDATE public.posts SET ${sql(values, columns)}
          WHERE id = ${c.req.param("id")} AND owner = ${user.id}
          RETURNING *`;
    if (!row) return fail(c, 404, "NOT_FOUND", "No such post.");
    return c.json(record(row));
  });

const app = new Hono()
  .get("/ready", async (c) => {
    await sql`SELECT 1`;
    return c.json({ status: "ready" });
  })
  .route("/api/collections/posts/records", posts);

const server = serve({ fetch: app.fetch, port, hostname: "127.0.0.1" });
process.on("SIGTERM", () =>
  server.close(() => sql.end({ timeout: 5 }).then(() => process.exit(0))),
);
