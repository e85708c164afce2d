import type { Collection, ErrorEnvelope } from "@cairn/schema";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signUpUser, superuserToken } from "../testing/actors.js";
import { apiCall } from "../testing/http.js";
import { createTestApp, type TestApp } from "../testing/test-app.js";

let t: TestApp;
let admin: Record<string, string>;

beforeAll(async () => {
  t = await createTestApp();
  admin = { Authorization: `Bearer ${await superuserToken(t)}` };
});
afterAll(() => t.close());

const call = (method: string, path: string, body?: unknown, headers = admin) =>
  apiCall(t.app, method, path, { body, headers });

async function columns(table: string) {
  return t.database.rows<{
    column_name: string;
    data_type: string;
    is_nullable: string;
    column_default: string | null;
  }>(
    sql`select column_name, data_type, is_nullable, column_default from information_schema.columns where table_schema = 'public' and table_name = ${table} order by ordinal_position`,
  );
}

async function tableExists(table: string) {
  const rows = await t.database.rows(
    sql`select 1 from pg_tables where schemaname = 'public' and tablename = ${table}`,
  );
  return rows.length === 1;
}

describe("who may manage collections", () => {
  it("anonymous callers get 401 and app users 403", async () => {
    expect((await call("GET", "/api/collections", undefined, {})).status).toBe(401);
    const user = await signUpUser(t, { superuser: admin.Authorization!.slice(7) });
    const response = await call("POST", "/api/collections", { name: "nope" }, user.headers);
    expect(response.status).toBe(403);
    expect(await tableExists("nope")).toBe(false);
  });

  it("a bad token is refused with 401", async () => {
    const response = await call("GET", "/api/collections", undefined, {
      Authorization: "Bearer notavalidtoken",
    });
    expect(response.status).toBe(401);
    expect((response.body as ErrorEnvelope).error.code).toBe("UNAUTHORIZED");
  });
});

describe("creating a collection", () => {
  it("creates a real table with a column per field, typed and constrained", async () => {
    const authors = await call("POST", "/api/collections", {
      name: "authors",
      fields: [{ name: "name", type: "text" }],
    });
    expect(authors.status).toBe(201);
    const response = await call("POST", "/api/collections", {
      name: "articles",
      fields: [
        { name: "title", type: "text", required: true, nullable: false, max: 200 },
        { name: "views", type: "number", integer: true, min: 0, nullable: false },
        { name: "published", type: "bool", nullable: false, default: false },
        { name: "contact", type: "email" },
        { name: "site", type: "url" },
        { name: "publishAt", type: "date" },
        { name: "touched", type: "autodate", onCreate: true, onUpdate: true },
        { name: "status", type: "select", values: ["draft", "live"], default: "draft" },
        { name: "tags", type: "select", values: ["a", "b", "c"], multiple: true, maxSelect: 2 },
        { name: "meta", type: "json", maxSize: 1000 },
        { name: "author", type: "relation", collection: "authors", onDelete: "cascade" },
        { name: "coauthors", type: "relation", collection: "authors", multiple: true },
        { name: "cover", type: "file" },
        { name: "slug", type: "text", unique: true },
      ],
      indexes: [{ name: "by_status_views", fields: ["status", "views"] }],
      listRule: "",
      viewRule: "published = true",
    });
    expect(response.status).toBe(201);
    const collection = response.body as Collection;
    expect(collection.id).toMatch(/^c[a-z0-9]{14}$/);
    expect(collection.fields.map((f) => f.name).slice(0, 3)).toEqual(["id", "created", "updated"]);
    expect(collection.fields.find((f) => f.name === "author")).toMatchObject({
      collection: (authors.body as Collection).id,
    });

    const cols = Object.fromEntries((await columns("articles")).map((c) => [c.column_name, c]));
    expect(cols.id?.data_type).toBe("text");
    expect(cols.title).toMatchObject({ data_type: "text", is_nullable: "NO" });
    expect(cols.views).toMatchObject({
      data_type: "double precision",
      is_nullable: "NO",
      column_default: "0",
    });
    expect(cols.published?.column_default).toBe("false");
    expect(cols.publishAt?.data_type).toBe("timestamp with time zone");
    expect(cols.tags?.data_type).toBe("ARRAY");
    expect(cols.meta?.data_type).toBe("jsonb");
    expect(cols.status?.column_default).toContain("draft");

    const fks = await t.database.rows<{ def: string }>(
      sql`select pg_get_constraintdef(oid) as def from pg_constraint where conrelid = 'public.articles'::regclass and contype = 'f'`,
    );
    expect(fks.map((f) => f.def)).toEqual([
      expect.stringMatching(/REFERENCES authors\(id\) ON DELETE CASCADE/),
    ]);
    const indexes = await t.database.rows<{ indexdef: string }>(
      sql`select indexdef from pg_indexes where schemaname = 'public' and tablename = 'articles'`,
    );
    const defs = indexes.map((i) => i.indexdef).join("\n");
    expect(defs).toMatch(/UNIQUE INDEX .* \(slug\)/);
    expect(defs).toMatch(/INDEX .* \(status, views\)/);
  });

  it("refuses unsafe, reserved and duplicate names with a field error each, creating nothing", async () => {
    const response = await call("POST", "/api/collections", {
      name: 'x"; drop table articles; --',
      fields: [{ name: "ok", type: "text" }],
    });
    expect(response.status).toBe(400);
    expect(response.body.error.fields.name.code).toBe("invalid");

    const reserved = await call("POST", "/api/collections", {
      name: "things",
      fields: [
        { name: "expand", type: "text" },
        { name: "created", type: "text" },
        { name: "title", type: "text" },
        { name: "Title", type: "text" },
        { name: "comments_via_post", type: "text" },
        { name: "owner", type: "relation", collection: "nowhere" },
      ],
    });
    expect(reserved.status).toBe(400);
    expect(Object.keys(reserved.body.error.fields).sort()).toEqual([
      "fields.0.name",
      "fields.1.name",
      "fields.3.name",
      "fields.4.name",
      "fields.5.collection",
    ]);
    expect(await tableExists("things")).toBe(false);
    expect(await tableExists("articles")).toBe(true);

    const taken = await call("POST", "/api/collections", { name: "ARTICLES" });
    expect(taken.status).toBe(400);
    expect(taken.body.error.fields.name.code).toBe("not_unique");
  });

  it("refuses defaults the field itself would not accept", async () => {
    const response = await call("POST", "/api/collections", {
      name: "defaults",
      fields: [
        { name: "status", type: "select", values: ["a", "b"], default: "c" },
        { name: "title", type: "text", max: 3, default: "too long" },
        { name: "score", type: "number", integer: true, default: 1.5 },
      ],
    });
    expect(response.status).toBe(400);
    expect(Object.keys(response.body.error.fields).sort()).toEqual([
      "fields.0.default",
      "fields.1.default",
      "fields.2.default",
    ]);
  });

  it("refuses invalid rules with their position", async () => {
    const response = await call("POST", "/api/collections", {
      name: "ruled",
      fields: [{ name: "title", type: "text" }],
      listRule: "title = ",
      viewRule: "nosuchfield = 1",
    });
    expect(response.status).toBe(400);
    expect(response.body.error.fields.listRule.code).toBe("invalid_rule");
    expect(response.body.error.fields.listRule.message).toMatch(/line 1, column \d+/);
    expect(response.body.error.fields.viewRule.code).toBe("invalid_rule");
    expect(await tableExists("ruled")).toBe(false);
  });
});

describe("changing a collection keeps its data", () => {
  let notes: Collection;
  beforeAll(async () => {
    notes = (
      await call("POST", "/api/collections", {
        name: "notes",
        fields: [
          { name: "body", type: "text" },
          { name: "score", type: "number" },
        ],
      })
    ).body;
    for (const [body, score] of [
      ["one", 1],
      ["two", 2],
      ["three", 2],
    ] as const) {
      expect((await call("POST", "/api/collections/notes/records", { body, score })).status).toBe(
        201,
      );
    }
  });

  it("renames the collection and a field, keeping every value", async () => {
    const bodyField = notes.fields.find((f) => f.name === "body")!;
    const response = await call("PATCH", `/api/collections/${notes.id}`, {
      name: "memos",
      fields: [{ ...bodyField, name: "text" }, notes.fields.find((f) => f.name === "score")],
    });
    expect(response.status).toBe(200);
    expect(await tableExists("notes")).toBe(false);
    const list = await call("GET", "/api/collections/memos/records?sort=text");
    expect(list.body.items.map((r: Record<string, unknown>) => r.text)).toEqual([
      "one",
      "three",
      "two",
    ]);
    notes = response.body;
  });

  it("adds a field with a default that existing records get", async () => {
    const response = await call("PATCH", `/api/collections/memos`, {
      fields: [
        ...notes.fields.filter((f) => !f.system),
        { name: "pinned", type: "bool", nullable: false, default: true },
      ],
    });
    expect(response.status).toBe(200);
    notes = response.body;
    const list = await call("GET", "/api/collections/memos/records");
    expect(list.body.items.map((r: Record<string, unknown>) => r.pinned)).toEqual([
      true,
      true,
      true,
    ]);
  });

  it("refuses a change the data violates, with the count, and changes nothing", async () => {
    const before = await columns("memos");
    const score = notes.fields.find((f) => f.name === "score")!;
    const response = await call("PATCH", `/api/collections/memos`, {
      fields: notes.fields
        .filter((f) => !f.system)
        .map((f) => (f.id === score.id ? { ...f, unique: true } : f)),
      indexes: [{ name: "text_unique", fields: ["text"], unique: true }],
    });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe("VALIDATION_FAILED");
    expect(response.body.error.fields["fields.score"].message).toMatch(
      /^1 value\(s\) of "score" appear in more than one record/,
    );
    expect(await columns("memos")).toEqual(before);
    const current = await call("GET", "/api/collections/memos");
    expect(current.body.fields.find((f: { name: string }) => f.name === "score").unique).toBe(
      false,
    );

    const maxed = await call("PATCH", `/api/collections/memos`, {
      fields: notes.fields
        .filter((f) => !f.system)
        .map((f) => (f.id === score.id ? { ...f, max: 1 } : f)),
    });
    expect(maxed.status).toBe(400);
    expect(maxed.body.error.fields["fields.score"].message).toMatch(/^2 record\(s\) hold values/);
  });

  it("adds indexes (single, composite, unique) on a table with data", async () => {
    const response = await call("PATCH", `/api/collections/memos`, {
      indexes: [
        { name: "by_text", fields: ["text"], unique: true },
        { name: "by_score_text", fields: ["score", "text"] },
      ],
    });
    expect(response.status).toBe(200);
    const duplicate = await call("POST", "/api/collections/memos/records", { text: "one" });
    expect(duplicate.status).toBe(400);
    expect(duplicate.body.error.fields.body.code).toBe("not_unique");
    expect((await call("GET", "/api/collections/memos/records")).body.totalItems).toBe(3);
  });

  it("refuses to change a field's type", async () => {
    const score = notes.fields.find((f) => f.name === "score")!;
    const response = await call("PATCH", `/api/collections/memos`, {
      fields: notes.fields
        .filter((f) => !f.system)
        .map((f) => (f.id === score.id ? { ...f, type: "text" } : f)),
    });
    expect(response.status).toBe(400);
    expect(response.body.error.fields["fields.1.type"].code).toBe("immutable");
  });

  it("drops a field and its data", async () => {
    const response = await call("PATCH", `/api/collections/memos`, {
      fields: notes.fields.filter((f) => !f.system && f.name !== "pinned"),
    });
    expect(response.status).toBe(200);
    expect((await columns("memos")).map((c) => c.column_name)).not.toContain("pinned");
  });

  it("keeps a history of every change, with who made it", async () => {
    const rows = await t.database.rows<{ action: string; actor: string; collection_name: string }>(
      sql`select action, actor, collection_name from cairn.schema_history where collection_id = ${notes.id} order by id`,
    );
    expect(rows.map((r) => r.action)).toEqual(["create", "update", "update", "update", "update"]);
    expect(rows[0]?.actor).toMatch(/^superuser:/);
  });
});

describe("deleting a collection", () => {
  it("is refused while a relation points at it", async () => {
    const response = await call("DELETE", "/api/collections/authors");
    expect(response.status).toBe(409);
    expect(await tableExists("authors")).toBe(true);
  });

  it("drops the table", async () => {
    expect((await call("DELETE", "/api/collections/memos")).status).toBe(204);
    expect(await tableExists("memos")).toBe(false);
    expect((await call("GET", "/api/collections/memos")).status).toBe(404);
  });
});

describe("view collections", () => {
  it("derive their fields from the query and serve read-only records", async () => {
    await call("POST", "/api/collections/authors/records", { id: "au1", name: "Ada" });
    await call("POST", "/api/collections/articles/records", {
      title: "one",
      author: "au1",
      views: 1,
    });
    await call("POST", "/api/collections/articles/records", {
      title: "two",
      author: "au1",
      views: 2,
    });
    const response = await call("POST", "/api/collections", {
      name: "author_stats",
      type: "view",
      viewQuery: `select a.id, a.name, count(x.id) as articles, max(x.created) as latest
                  from authors a left join articles x on x.author = a.id group by a.id, a.name`,
      listRule: "",
      viewRule: "articles > 0",
    });
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    expect(
      response.body.fields.map((f: { name: string; type: string }) => `${f.name}:${f.type}`),
    ).toEqual(["id:text", "name:text", "articles:number", "latest:date"]);
    const list = await call(
      "GET",
      "/api/collections/author_stats/records?filter=articles%3E1",
      undefined,
      {},
    );
    expect(list.status).toBe(200);
    expect(list.body.items).toEqual([
      expect.objectContaining({
        id: "au1",
        name: "Ada",
        articles: 2,
        latest: expect.stringMatching(/Z$/),
      }),
    ]);
    expect(
      (await call("GET", "/api/collections/author_stats/records/au1", undefined, {})).status,
    ).toBe(200);
    const write = await call("POST", "/api/collections/author_stats/records", { name: "x" });
    expect(write.status).toBe(400);
    expect(write.body.error.message).toMatch(/read-only/);
  });

  it.each([
    ["two statements", "select id from authors; drop table authors"],
    ["not a select", "delete from authors returning id"],
    ["a writing CTE", "with gone as (delete from authors returning id) select id from gone"],
    ["a privileged function", "select pg_read_file('/etc/hostname') as id"],
    ["no id column", "select name from authors"],
    ["an id that is not text", "select 1 as id"],
    ["a syntax error", "select id from from authors"],
  ])("refuses %s, creating nothing", async (_label, viewQuery) => {
    const response = await call("POST", "/api/collections", {
      name: "bad_view",
      type: "view",
      viewQuery,
      listRule: "",
    });
    expect(response.status, JSON.stringify(response.body)).toBe(400);
    const views = await t.database.rows(
      sql`select 1 from pg_views where schemaname = 'public' and viewname = 'bad_view'`,
    );
    expect(views).toEqual([]);
    expect(await tableExists("authors")).toBe(true);
  });
});
