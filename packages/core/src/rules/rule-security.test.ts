// Security cases: a filter, sort or rule must not reveal records the reader cannot list, and no
// input (filter text, request value) may make Postgres fail or run anything but our SQL.
import { type TestDatabase, testDatabase } from "@cairn/db/testing";
import type { Collection } from "@cairn/schema";
import { type SQL, sql } from "drizzle-orm";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isCairnError } from "../errors.js";
import {
  compileFilter,
  compileRule,
  compileSort,
  evaluateRule,
  maxListItems,
  parseRule,
  type RequestInfo,
} from "./index.js";
import {
  createTables,
  type Dataset,
  insertDataset,
  lookupOf,
  makeCollection,
  memoryLoader,
  type Schema,
} from "./rule-test-fixtures.js";

// Two users with private notes; links are public and point at notes.
const users = makeCollection(
  "c_u",
  "users",
  [
    { name: "name", type: "text" },
    { name: "pin", type: "text", hidden: true },
  ],
  {
    listRule: "id = @request.auth.id",
  },
);
const notes = makeCollection(
  "c_n",
  "notes",
  [
    { name: "owner", type: "relation", collection: "c_u", multiple: false } as never,
    { name: "body", type: "text" },
  ],
  { listRule: "owner = @request.auth.id" },
);
const links = makeCollection(
  "c_l",
  "links",
  [
    { name: "note", type: "relation", collection: "c_n", multiple: false } as never,
    { name: "notes", type: "relation", collection: "c_n", multiple: true } as never,
    { name: "label", type: "text" },
  ],
  { listRule: "" },
);
const all = [users, notes, links];
const schema = { all, lookup: lookupOf(all) } as unknown as Schema;
const stamps = { created: "2026-01-01T00:00:00.000Z", updated: "2026-01-01T00:00:00.000Z" };
const data: Dataset = {
  users: [
    { id: "alice", name: "alice", pin: "1111", ...stamps },
    { id: "bob", name: "bob", pin: "2222", ...stamps },
  ],
  notes: [
    { id: "n1", owner: "alice", body: "alice secret", ...stamps },
    { id: "n2", owner: "bob", body: "bob secret", ...stamps },
  ],
  links: [
    { id: "l1", note: "n1", notes: ["n1", "n2"], label: "one", ...stamps },
    { id: "l2", note: "n2", notes: ["n2"], label: "two", ...stamps },
    { id: "l3", note: null, notes: [], label: "three", ...stamps },
  ],
};

const as = (id: string | null, extra: Partial<RequestInfo> = {}): RequestInfo => ({
  auth: id ? { ...data.users?.find((u) => u.id === id), collectionName: "users" } : null,
  isSuperuser: false,
  body: {},
  query: {},
  headers: {},
  method: "GET",
  ...extra,
});
const now = new Date("2026-03-15T12:00:00.000Z");
const table = (c: Collection) => sql`${sql.identifier("public")}.${sql.identifier(c.name)}`;

let database: TestDatabase;
beforeAll(async () => {
  database = await testDatabase();
  await createTables(database, schema);
  await insertDataset(database, schema, data);
});
afterAll(async () => {
  await database?.close();
});

async function ids(
  collection: Collection,
  where: SQL,
  orderBy: SQL = sql`"id"`,
): Promise<string[]> {
  const rows = await database.rows<{ id: string }>(
    sql`SELECT "id" FROM ${table(collection)} AS "r" WHERE ${where} ORDER BY ${orderBy}`,
  );
  return rows.map((row) => row.id);
}

/** A client filter as `reader` sees it, on SQL and on the evaluator (which must agree). */
async function filter(
  collection: Collection,
  text: string,
  request: RequestInfo,
): Promise<string[]> {
  const scope = { collection, lookup: schema.lookup, request, now };
  const fromSql = await ids(collection, compileFilter(text, scope));
  const evaluated: string[] = [];
  for (const record of data[collection.name] ?? []) {
    const ok = await evaluateRule(parseRule(text), {
      ...scope,
      record,
      loader: memoryLoader(data),
      allowRequest: false,
      allowCollectionRefs: false,
    });
    if (ok) evaluated.push(record.id as string);
  }
  expect(evaluated).toEqual(fromSql);
  return fromSql;
}

describe("relation paths respect the list rules of the collections they pass through", () => {
  it("a filter through a single relation does not see another user's note", async () => {
    expect(await filter(links, 'note.body ~ "alice"', as("bob"))).toEqual([]);
    expect(await filter(links, 'note.body ~ "secret"', as("bob"))).toEqual(["l2"]);
    expect(await filter(links, 'note.body ~ "alice"', as("alice"))).toEqual(["l1"]);
    expect(await filter(links, 'note.body ~ "secret"', as(null))).toEqual([]);
  });

  it("nor through a multiple relation, nor by counting", async () => {
    expect(await filter(links, 'notes.body ?~ "alice"', as("bob"))).toEqual([]);
    expect(await filter(links, "notes.body:length = 2", as("bob"))).toEqual([]);
    expect(await filter(links, "notes.body:length = 1", as("bob"))).toEqual(["l1", "l2"]);
    // The relation's own ids are the link's data, not the note's.
    expect(await filter(links, "notes:length = 2", as("bob"))).toEqual(["l1"]);
  });

  it("nor two relations deep, nor by testing for a missing value", async () => {
    expect(await filter(links, 'note.owner.name = "alice"', as("bob"))).toEqual([]);
    expect(await filter(links, 'note.owner = "alice"', as("bob"))).toEqual([]);
    expect(await filter(links, "note.body = null", as("bob"))).toEqual(["l1", "l3"]);
  });

  it("nor through a back-relation", async () => {
    expect(await filter(users, 'notes_via_owner.body ?~ "alice"', as("bob"))).toEqual([]);
    expect(await filter(users, "notes_via_owner:length > 0", as("bob"))).toEqual(["bob"]);
  });

  it("superusers see through every relation", async () => {
    expect(await filter(links, 'note.body ~ "alice"', { ...as(null), isSuperuser: true })).toEqual([
      "l1",
    ]);
  });

  it("@collection joins are guarded too, in rules", async () => {
    const rule = parseRule('@collection.notes.body ~ "alice"');
    const scope = (request: RequestInfo) => ({
      collection: links,
      lookup: schema.lookup,
      request,
      now,
    });
    expect(await ids(links, compileRule(rule, scope(as("bob"))))).toEqual([]);
    expect(await ids(links, compileRule(rule, scope(as("alice"))))).toEqual(["l1", "l2", "l3"]);
  });

  it("a sort by a hidden related value does not leak its order", async () => {
    const request = as("bob");
    const [first] = compileSort("note.body", {
      collection: links,
      lookup: schema.lookup,
      request,
      now,
    });
    const order = await ids(links, sql`TRUE`, sql`${first}, "id" DESC`);
    // Only l2's note is visible to bob; l1's and l3's sort as missing, by id alone.
    expect(order).toEqual(["l2", "l3", "l1"]);
  });
});

describe("client filters", () => {
  it("refuse @request, @collection and hidden fields with a 400", () => {
    const scope = { collection: users, lookup: schema.lookup, request: as("bob"), now };
    for (const text of [
      "id = @request.auth.id",
      "@collection.notes.body = ''",
      "pin = '1111'",
      "notes_via_owner.owner.pin = '1'",
    ]) {
      let error: unknown;
      try {
        compileFilter(text, scope);
      } catch (caught) {
        error = caught;
      }
      expect(isCairnError(error) && error.code === "BAD_REQUEST", text).toBe(true);
      expect((error as Error).message).toMatch(/^Invalid filter: /);
    }
    expect(() =>
      compileFilter("pin = '1111'", { ...scope, request: { ...as(null), isSuperuser: true } }),
    ).not.toThrow();
  });

  it("report syntax errors with their position as a 400", () => {
    const scope = { collection: users, lookup: schema.lookup, request: as("bob"), now };
    expect(() => compileFilter("name = ", scope)).toThrow(
      /Invalid filter: Unexpected end of the expression \(line 1, column 8\)/,
    );
  });
});

describe("hostile input never reaches Postgres as anything but a parameter", () => {
  it("takes SQL in string literals as data", async () => {
    const request = { ...as(null), isSuperuser: true };
    for (const text of [
      `label = "'; DROP TABLE links; --"`,
      `label ~ "%' OR '1'='1"`,
      `label = '\\\\'`,
    ]) {
      expect(await filter(links, text, request)).toEqual([]);
    }
    expect(await ids(links, sql`TRUE`)).toEqual(["l1", "l2", "l3"]);
  });

  it("compares any request value without a database error", async () => {
    const hostile: unknown[] = [
      "a\u0000b",
      "\ud800",
      "'; DROP TABLE links; --",
      "1e999",
      "NaN",
      "9999-12-31T23:59:59.999-14:00",
      "0000-01-01",
      "2026-02-30",
      { a: 1 },
      [{ a: "\u0000" }],
      ["x", 1, null, true],
      Number.MAX_VALUE,
      -0,
      true,
      null,
      "",
    ];
    const texts = [
      "label = @request.body.v",
      "label ~ @request.body.v",
      "label > @request.body.v",
      "notes ?= @request.body.v",
      "@request.body.v:each != label",
      "created > @request.body.v",
      "@request.body.label:changed = true",
      "@request.body.notes:changed = true",
      "@request.body.v:length > 1",
      "@request.query.v = label",
      "@request.headers.v = label",
    ];
    for (const value of hostile) {
      const request = as("alice", {
        body: { v: value, label: value, notes: value },
        query: { v: value },
        headers: { v: value },
      });
      for (const text of texts) {
        const scope = { collection: links, lookup: schema.lookup, request, now };
        const rule = parseRule(text);
        const fromSql = await ids(links, compileRule(rule, scope));
        const evaluated: string[] = [];
        for (const record of data.links ?? []) {
          if (await evaluateRule(rule, { ...scope, record, loader: memoryLoader(data) })) {
            evaluated.push(record.id as string);
          }
        }
        expect(evaluated, `${text} with ${JSON.stringify(value)}`).toEqual(fromSql);
      }
    }
  });

  it("refuses request lists too long to compare, with a 400", () => {
    const request = as("alice", {
      body: { v: Array.from({ length: maxListItems + 1 }, (_, i) => `x${i}`) },
    });
    const scope = { collection: links, lookup: schema.lookup, request, now };
    expect(() => compileRule(parseRule("label ?= @request.body.v"), scope)).toThrow(
      /at most 500 items/,
    );
  });

  it("runs any random filter text to a 400 or a query that succeeds", async () => {
    const unit = fc.constantFrom(
      ..."ab ._'\"\\=!<>~?&|()@:%-/0\n".split(""),
      "label",
      "note",
      "notes",
      ".body",
      "@now",
      "\u0000",
      "😀",
      "created",
      "_via_",
    );
    const scope = { collection: links, lookup: schema.lookup, request: as("bob"), now };
    await fc.assert(
      fc.asyncProperty(fc.string({ unit, maxLength: 30 }), async (text) => {
        let condition: SQL;
        try {
          condition = compileFilter(text, scope);
        } catch (error) {
          expect(isCairnError(error) && error.code === "BAD_REQUEST").toBe(true);
          return;
        }
        await ids(links, condition);
      }),
      { numRuns: 300 },
    );
  });
});
