// The documented semantics, case by case, on a fixed dataset: each expectation is checked on
// the SQL compiler (against the test database) and on the evaluator. The differential test
// shows the two agree; this file shows what they agree on is what docs/rules.md promises.
import { type TestDatabase, testDatabase } from "@cairn/db/testing";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compileRule, evaluateRule, parseRule, type RequestInfo } from "./index.js";
import {
  createTables,
  sampleData as data,
  insertDataset,
  type ListRules,
  makeSchema,
  memoryLoader,
  sampleNow as now,
  sampleUser as user,
} from "./rule-test-fixtures.js";

const all = ["p1", "p2", "p3", "p4", "p5"];

interface Case {
  request?: Partial<RequestInfo>;
  listRules?: ListRules;
}

let database: TestDatabase;
beforeAll(async () => {
  database = await testDatabase();
  const schema = makeSchema();
  await createTables(database, schema);
  // p2's meta is the JSON null, not SQL NULL: both mean "no value".
  await insertDataset(database, schema, data, ["posts/p2/meta"]);
});
afterAll(async () => {
  await database?.close();
});

/** The ids of posts the rule selects, asserted equal on SQL and on the evaluator. */
async function selected(text: string, options: Case = {}): Promise<string[]> {
  const schema = makeSchema(options.listRules);
  const request: RequestInfo = {
    auth: null,
    isSuperuser: false,
    body: {},
    query: {},
    headers: {},
    method: "GET",
    ...options.request,
  };
  const ast = parseRule(text);
  const scope = { collection: schema.posts, lookup: schema.lookup, request, now };
  const rows = await database.rows<{ id: string }>(
    sql`SELECT "id" FROM "public"."posts" AS "r" WHERE ${compileRule(ast, scope)} ORDER BY "id"`,
  );
  const loader = memoryLoader(data);
  const evaluated: string[] = [];
  for (const record of data.posts ?? []) {
    if (await evaluateRule(ast, { ...scope, record, loader })) evaluated.push(record.id as string);
  }
  const fromSql = rows.map((row) => row.id);
  expect(evaluated, `evaluator vs SQL for ${text}`).toEqual(fromSql);
  return fromSql;
}

type Table = [string, string[], Case?][];
function cases(table: Table) {
  it.each(table)("%s", async (text, expected, options) => {
    expect(await selected(text, options)).toEqual(expected);
  });
}

describe("null and the empty string", () => {
  cases([
    ['title = ""', ["p2", "p3"]],
    ["title = null", ["p2", "p3"]],
    ['title != ""', ["p1", "p4", "p5"]],
    ['views = ""', ["p3"]],
    ["views = null", ["p3"]],
    ["views != 10", ["p2", "p3", "p4", "p5"]],
    ["views > -100", ["p1", "p2", "p4", "p5"]],
    ["views < 100 || views >= 100", ["p1", "p2", "p4", "p5"]],
    ['published_at = ""', ["p2"]],
    ["published != true", ["p2", "p3", "p5"]],
    ['cover = ""', ["p2", "p3", "p4", "p5"]],
    ['@request.auth.id != ""', []],
    ['@request.auth.id = ""', all],
    ['@request.auth.id != ""', all, { request: { auth: user("u1") } }],
  ]);
});

describe("text order and ~", () => {
  cases([
    // Code point order: U+1F600 sorts after U+FFDA (UTF-16 order would say the opposite).
    ['title > "\uffda"', ["p4"]],
    ['title < "a"', ["p1", "p2"]],
    ['title ~ "hello"', ["p1"]],
    ['title ~ "HELLO%"', ["p1"]],
    ['title ~ "%WORLD"', ["p1"]],
    ['title ~ "%lo%"', ["p1"]],
    ['title ~ "o W"', ["p1"]],
    ['title ~ "o_W"', []],
    ['title ~ "hello world!"', []],
    ['title ~ ""', ["p1", "p2", "p4", "p5"]],
    ['title !~ "hello"', ["p2", "p3", "p4", "p5"]],
    ['"say hello world" ~ title', ["p1", "p2"]],
    ['comments_via_post.text ?~ "m_b"', ["p1"]],
    // With a % the pattern is anchored: "m%b" means "starts with m, ends with b".
    ['comments_via_post.text ?~ "M%B"', []],
    ['comments_via_post.text ?~ "%M%B%"', ["p1"]],
    ['author.name:lower = "ann"', ["p1", "p5"]],
  ]);
});

describe("multi-valued fields", () => {
  cases([
    ['tags = "a"', ["p4"]],
    ['tags ?= "a"', ["p1", "p4"]],
    ['tags != "a"', ["p3"]],
    ['tags ?!= "a"', ["p1", "p3"]],
    ['tags = ""', ["p2", "p5"]],
    ["tags = null", ["p2", "p5"]],
    ['tags != ""', ["p1", "p3", "p4"]],
    ["tags:length = 2", ["p1", "p4"]],
    ["tags:length = 0", ["p2", "p5"]],
    ['tags:each = "a"', ["p4"]],
    ['tags:lower ?= "a"', ["p1", "p3", "p4"]],
    ['tags:lower = "a"', ["p3", "p4"]],
    ["editors:length = 2", ["p1", "p3", "p4"]],
    ["editors.name:length = 2", ["p1"]],
    ['editors.name ?= "Bob"', ["p1", "p3"]],
    ['editors.name = "Ann"', ["p4"]],
    ['editors ?= "missing"', ["p3"]],
    ['editors.id ?= "missing"', []],
  ]);
});

describe("relation paths and back-relations", () => {
  cases([
    ['author.name = "Ann"', ["p1", "p5"]],
    ['author.name = ""', ["p3", "p4"]],
    ['author.team.name = "Red"', ["p1", "p5"]],
    ["author.team.name = null", ["p3", "p4"]],
    ['parent.title = "Hello World"', ["p2"]],
    ['parent.parent.title = "Hello World"', ["p3"]],
    ["comments_via_post.score ?> 3", ["p1"]],
    ["comments_via_post:length = 2", ["p1"]],
    ["comments_via_post.score > -5", ["p1", "p2"]],
    ["comments_via_tagged:length > 0", ["p1", "p2"]],
    ['comments_via_post.author.name ?= "Ann"', ["p1", "p2"]],
    ['comments_via_post ?= "c3"', ["p2"]],
  ]);
});

describe("json values", () => {
  cases([
    ['meta.a = "x"', ["p1"]],
    ["meta.a = 5", ["p4"]],
    ['meta.a = "5"', []],
    ['meta.a = ""', ["p2", "p3", "p5"]],
    ["meta.a != 5", ["p1", "p2", "p3", "p5"]],
    ["meta.arr.0 = true", ["p1"]],
    ['meta.arr.1 = "y"', ["p1"]],
    ["meta.b.c > 0", ["p1"]],
    ["meta = null", ["p2"]],
    ['meta = "x"', ["p3"]],
    ["meta.a > 1", ["p4"]],
    ['meta.a > "a"', ["p1"]],
    ['meta.a ~ "X"', ["p1"]],
    ["author.meta.x = 1", ["p1", "p5"]],
  ]);
});

describe("dates and macros", () => {
  cases([
    ['published_at >= "2026-03-15"', ["p1", "p5"]],
    ['published_at = "2026-03-15T02:00:00+02:00"', ["p1"]],
    ['published_at = "2026-03-15 00:00:00"', ["p1"]],
    ['published_at = "2026-03-15T00:00:00.0009Z"', ["p1"]],
    ['published_at > "2026-03-14 23:59:59"', ["p1", "p3", "p5"]],
    ["published_at >= @todayStart && published_at <= @todayEnd", ["p1", "p5"]],
    ["published_at = @todayEnd", ["p5"]],
    ["published_at < @todayStart", ["p3", "p4"]],
    ["published_at > @yearStart && published_at < @monthEnd", ["p1", "p3", "p5"]],
    ["published_at > @yesterday && published_at < @tomorrow", ["p1", "p3", "p5"]],
    ["published_at < @now", ["p1", "p3", "p4"]],
    [
      "@hour = 12 && @minute = 0 && @second = 0 && @day = 15 && @month = 3 && @year = 2026 && @weekday = 0",
      all,
    ],
  ]);
});

describe("@request values", () => {
  const body = (value: Record<string, unknown>) => ({ request: { body: value } });
  cases([
    ["author = @request.auth.id", ["p1", "p5"], { request: { auth: user("u1") } }],
    ["editors ?= @request.auth.id", ["p1", "p4"], { request: { auth: user("u1") } }],
    ['@request.auth.collectionName = "users"', all, { request: { auth: user("u2") } }],
    ["@request.auth.age > 25", all, { request: { auth: user("u1") } }],
    ["@request.body.title:isset = true", all, body({ title: "" })],
    ["@request.body.title:isset = true", [], body({})],
    [
      "@request.body.title:changed = true",
      ["p2", "p3", "p4", "p5"],
      body({ title: "Hello World" }),
    ],
    ["@request.body.title:changed = false", ["p2", "p3"], body({ title: "" })],
    ["@request.body.title:changed = true", [], body({})],
    ["@request.body.tags:changed = false", ["p1"], body({ tags: ["a", "b"] })],
    ["@request.body.tags:changed = false", [], body({ tags: ["b", "a"] })],
    ["@request.body.tags:changed = false", ["p2", "p5"], body({ tags: [] })],
    [
      "@request.body.meta:changed = false",
      ["p1"],
      body({ meta: { b: { c: 1 }, arr: [true, "y"], a: "x" } }),
    ],
    ["@request.body.meta:changed = false", ["p2"], body({ meta: null })],
    ["@request.body.views:changed = false", ["p1"], body({ views: "10" })],
    ["@request.body.views:changed = true", all, body({ views: "ten" })],
    ["@request.body.published_at:changed = false", ["p1"], body({ published_at: "2026-03-15" })],
    ["views > @request.query.min", ["p1", "p5"], { request: { query: { min: "5" } } }],
    ["views > @request.query.min", [], { request: { query: { min: "abc" } } }],
    ["views != @request.query.min", all, { request: { query: { min: "abc" } } }],
    ['@request.headers.x_api_key = "k"', all, { request: { headers: { "X-Api-Key": "k" } } }],
    ['@request.method = "PATCH"', all, { request: { method: "PATCH" } }],
    ["tags ?= @request.body.tags", ["p1"], body({ tags: ["b", "z"] })],
    ["tags:each ?= @request.body.tags", ["p1", "p4"], body({ tags: ["a", "b"] })],
    ["@request.body.tags:length = 2", all, body({ tags: ["b", "z"] })],
    ['@request.body.tags:each ~ "b"', [], body({ tags: ["b", "z"] })],
    ['@request.body.tags ?= "z"', all, body({ tags: ["b", "z"] })],
    ['@request.body.tags = ""', all, body({ tags: [] })],
    [
      "@request.body.count = @request.query.count",
      all,
      { request: { body: { count: 5 }, query: { count: "5" } } },
    ],
    ["title = @request.body.title", [], body({ title: "Hello\u0000World" })],
  ]);
});

describe("@collection", () => {
  const membership =
    "@collection.members.user = @request.auth.id && @collection.members.team = author.team";
  cases([
    [membership, ["p1", "p5"], { request: { auth: user("u1") } }],
    [membership, ["p2"], { request: { auth: user("u2") } }],
    [membership, [], {}],
    ['@collection.members.user = "u1" && @collection.members.role = "member"', []],
    ['@collection.members:a.user = "u1" && @collection.members:b.role = "member"', all],
    ["@collection.members.user = null", all, { listRules: { members: null } }],
    ['@collection.members.user = "u1"', [], { listRules: { members: null } }],
    [
      '@collection.members.user = "u1"',
      all,
      { listRules: { members: null }, request: { isSuperuser: true } },
    ],
    ['@collection.members.user.name = "Ann"', all],
  ]);
});

describe("list-rule guards on the collections a path passes through", () => {
  cases([
    ['author.name = "Bob"', [], { listRules: { users: "verified = true" } }],
    [
      'author.name = "Bob"',
      ["p2"],
      { listRules: { users: "verified = true" }, request: { isSuperuser: true } },
    ],
    ['editors.name ?= "Bob"', [], { listRules: { users: "verified = true" } }],
    ["editors.name:length = 2", [], { listRules: { users: "verified = true" } }],
    [
      'author.name = "Bob"',
      ["p2"],
      {
        listRules: { users: "verified = true || id = @request.auth.id" },
        request: { auth: user("u2") },
      },
    ],
    ["comments_via_post:length = 0", all, { listRules: { comments: null } }],
    ['author.team.name = "Red"', [], { listRules: { teams: null } }],
    ['author.team = "t1"', ["p1", "p5"], { listRules: { teams: null } }],
    ['author.name = "Ann"', [], { listRules: { users: "no_such_field = 1" } }],
    // A list rule reading its own collection: the inner read is a cycle and yields nothing.
    [
      'parent.title = "Hello World"',
      ["p2"],
      { listRules: { posts: 'published = true || parent.title = "Hello World"' } },
    ],
    [
      'parent.parent.title = "Hello World"',
      [],
      { listRules: { posts: 'published = true || parent.title = "Hello World"' } },
    ],
  ]);
});

describe("constants", () => {
  cases([
    ["1 = 1", all],
    ['"a" = "b"', []],
    ["views ?> 5", ["p1", "p5"]],
    ["(title = 'x' || views = 0) && (views < 1 || views > 5)", ["p2"]],
  ]);
});
