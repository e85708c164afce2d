import { type TestDatabase, testDatabase } from "@cairn/db/testing";
import { sql } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isCairnError } from "../errors.js";
import { compileSort, type RequestInfo } from "./index.js";
import {
  createTables,
  insertDataset,
  type ListRules,
  makeSchema,
  sampleData,
  sampleNow,
} from "./rule-test-fixtures.js";

let database: TestDatabase;
beforeAll(async () => {
  database = await testDatabase();
  const schema = makeSchema();
  await createTables(database, schema);
  await insertDataset(database, schema, sampleData);
});
afterAll(async () => {
  await database?.close();
});

const anonymous: RequestInfo = {
  auth: null,
  isSuperuser: false,
  body: {},
  query: {},
  headers: {},
  method: "GET",
};

function scope(listRules: ListRules = {}, request: RequestInfo = anonymous) {
  const schema = makeSchema(listRules);
  return { collection: schema.posts, lookup: schema.lookup, request, now: sampleNow };
}

async function order(
  sort: string,
  listRules: ListRules = {},
  request = anonymous,
): Promise<string[]> {
  const terms = compileSort(sort, scope(listRules, request));
  const rows = await database.rows<{ id: string }>(
    sql`SELECT "id" FROM "public"."posts" AS "r" ORDER BY ${sql.join(terms, sql`, `)}`,
  );
  return rows.map((row) => row.id);
}

function refusal(sort: string, listRules: ListRules = {}): string {
  try {
    compileSort(sort, scope(listRules));
  } catch (error) {
    if (isCairnError(error) && error.code === "BAD_REQUEST") return error.message;
    throw error;
  }
  throw new Error(`expected ${sort} to be refused`);
}

describe("compileSort", () => {
  it("sorts ascending and descending, missing values last ascending and first descending", async () => {
    // views: p1 10, p2 0, p3 null, p4 -1.5, p5 1e21
    expect(await order("views")).toEqual(["p4", "p2", "p1", "p5", "p3"]);
    expect(await order("-views")).toEqual(["p3", "p5", "p1", "p2", "p4"]);
    expect(await order("+views")).toEqual(["p4", "p2", "p1", "p5", "p3"]);
  });

  it("sorts text by code point, like the comparison operators", async () => {
    // title: p1 "Hello World", p2 "", p3 null, p4 "😀", p5 "\uffda"
    expect(await order("title")).toEqual(["p2", "p1", "p5", "p4", "p3"]);
  });

  it("appends id as the tiebreak, unless the sort already names it", async () => {
    expect(await order("published")).toEqual(["p2", "p5", "p1", "p4", "p3"]);
    expect(await order("-published,-id")).toEqual(["p3", "p4", "p1", "p5", "p2"]);
    const render = (s: string) =>
      new PgDialect().sqlToQuery(sql.join(compileSort(s, scope()), sql`, `)).sql;
    expect(render("")).toBe('"r"."id" ASC');
    expect(render("-id")).toBe('"r"."id" DESC NULLS FIRST');
    expect(render("-created, title")).toBe(
      '"r"."created" DESC NULLS FIRST, "r"."title" COLLATE "C" ASC NULLS LAST, "r"."id" ASC',
    );
  });

  it("follows single relations, through the target's list rule", async () => {
    // author.name: p1 Ann, p2 Bob, p3 (none), p4 "", p5 Ann
    expect(await order("author.name,-id")).toEqual(["p4", "p5", "p1", "p2", "p3"]);
    // Bob is not listable: his name sorts as missing, it cannot be inferred from the order.
    expect(await order("author.name,-id", { users: "verified = true" })).toEqual([
      "p4",
      "p5",
      "p1",
      "p3",
      "p2",
    ]);
    expect(await order("-author.team.name,id")).toEqual(["p3", "p4", "p2", "p1", "p5"]);
  });

  it("sorts by json values and shuffles with @random", async () => {
    expect(await order("meta.a,id")).toHaveLength(5);
    expect((await order("@random")).sort()).toEqual(["p1", "p2", "p3", "p4", "p5"]);
  });

  it.each([
    ["nope", 'Unknown field "nope"'],
    ["author.nope", 'Unknown field "nope" in "users"'],
    ["title.x", '"title" is not a relation'],
    ["tags", '"tags" holds several values'],
    ["editors.name", '"editors.name" holds several values'],
    ["comments_via_post.text", "holds several values"],
    ["title:lower", "modifiers cannot sort"],
    ["title,,views", "an empty key between commas"],
    ["@request.auth.id", "is not a field name"],
    ["title desc", "is not a field name"],
    ["title;drop", "is not a field name"],
    ['"title"', "is not a field name"],
    [Array.from({ length: 17 }, () => "title").join(","), "at most 16 keys"],
    ["x".repeat(2000), "longer than 1024"],
  ])("refuses %j", (sort, message) => {
    expect(refusal(sort)).toContain(message);
  });

  it("refuses hidden fields unless a superuser sorts", () => {
    expect(refusal("author.secret")).toContain('"secret" is hidden');
    const superuser = { ...anonymous, isSuperuser: true };
    expect(() => compileSort("author.secret", scope({}, superuser))).not.toThrow();
  });
});
