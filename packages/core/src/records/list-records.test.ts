// The list query a client's indexed filter and sort produce stays on the index at 100 000
// records: no sequential scan, no full sort.
import { queryRows } from "@cairn/db";
import { type TestDatabase, testDatabase } from "@cairn/db/testing";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CollectionRegistry } from "../collections/collection-registry.js";
import { createCollection } from "../collections/create-collection.js";
import { createCtx } from "../context.js";
import { buildListQuery, listRecords } from "./list-records.js";
import { ruleAccess } from "./record-rules.js";

let database: TestDatabase;
let collections: CollectionRegistry;

beforeAll(async () => {
  database = await testDatabase();
  collections = new CollectionRegistry(database);
  const admin = createCtx({
    database,
    collections,
    actor: { kind: "superuser", id: "t", email: "t@example.com" },
  });
  await createCollection({
    ctx: admin,
    input: {
      name: "posts",
      listRule: "",
      fields: [
        { name: "title", type: "text" },
        { name: "published", type: "bool", nullable: false },
        { name: "views", type: "number", integer: true },
      ],
      indexes: [{ name: "published_views", fields: ["published", "views"] }],
    },
  });
  await database.rows(sql`
    insert into "public"."posts" (id, title, published, views)
    select lpad(g::text, 8, '0'), 'post ' || g, g % 3 = 0, (g * 7919) % 100000
    from generate_series(1, 100000) as g`);
  await database.rows(sql`analyze "public"."posts"`);
  await createCollection({
    ctx: admin,
    input: {
      name: "feed",
      listRule: "owner = @request.auth.id || published = true",
      fields: [
        { name: "owner", type: "text" },
        { name: "published", type: "bool", nullable: false },
        { name: "views", type: "number", integer: true },
      ],
      indexes: [{ name: "feed_published_views", fields: ["published", "views"] }],
    },
  });
  await database.rows(sql`
    insert into "public"."feed" (id, owner, published, views)
    select lpad(g::text, 8, '0'), 'u' || (g % 100), g % 2 = 0, (g * 7919) % 100000
    from generate_series(1, 20000) as g`);
  await database.rows(sql`vacuum analyze "public"."feed"`);
}, 120_000);
afterAll(() => database.close());

describe("listing 100 000 records", () => {
  it("filters and sorts on the index: no sequential scan, no full sort", async () => {
    const ctx = createCtx({ database, collections });
    const lookup = await collections.current();
    const collection = lookup.byName("posts")!;
    const query = buildListQuery(
      ctx,
      collection,
      lookup,
      ruleAccess(ctx, collection, lookup, "listRule"),
      {
        collection: "posts",
        filter: "published = true",
        sort: "-views",
        perPage: 50,
      },
    );
    const plan = (
      await queryRows<{ "QUERY PLAN": string }>(database.db, sql`EXPLAIN ${query.rows}`)
    )
      .map((row) => row["QUERY PLAN"])
      .join("\n");
    expect(plan, plan).toMatch(/Index Scan/);
    expect(plan).not.toMatch(/Seq Scan/);
    // An Incremental Sort on the id tiebreak is fine; a full Sort node is not.
    expect(plan).not.toMatch(/(^|->\s+)Sort\s+\(cost/m);

    const page = await listRecords({
      ctx,
      input: {
        collection: "posts",
        filter: "published = true",
        sort: "-views",
        perPage: 50,
        skipTotal: true,
      },
    });
    expect(page.items).toHaveLength(50);
    const views = page.items.map((r) => r.views as number);
    expect(views).toEqual([...views].sort((a, b) => b - a));
    expect(
      page.items.every((r) => r.published === true),
      JSON.stringify(page.items[0]),
    ).toBe(true);
  });
});

describe("a filter that requires one of the list rule's alternatives", () => {
  // The rule `owner = @request.auth.id || published = true` with the filter `published = true`:
  // every published record passes the rule, so the query is the filter alone.
  const asOwner = () =>
    createCtx({
      database,
      collections,
      actor: {
        kind: "user",
        id: "u1",
        collectionId: "c",
        collectionName: "users",
        record: { id: "u1" },
      },
    });

  async function countPlan(filter: string): Promise<string> {
    const ctx = asOwner();
    const lookup = await collections.current();
    const collection = lookup.byName("feed")!;
    const query = buildListQuery(
      ctx,
      collection,
      lookup,
      ruleAccess(ctx, collection, lookup, "listRule"),
      {
        collection: "feed",
        filter,
      },
    );
    return (await queryRows<{ "QUERY PLAN": string }>(database.db, sql`EXPLAIN ${query.count}`))
      .map((row) => row["QUERY PLAN"])
      .join("\n");
  }

  it("counts from the index alone, and finds every published record", async () => {
    const plan = await countPlan("published = true");
    expect(plan, plan).not.toMatch(/Seq Scan|owner/);
    const page = await listRecords({
      ctx: asOwner(),
      input: { collection: "feed", filter: "published = true", perPage: 5 },
    });
    expect(page.totalItems).toBe(10_000);
  });

  it("keeps the rule where the filter does not require it", async () => {
    expect(await countPlan("published = false")).toMatch(/owner/);
    const page = await listRecords({
      ctx: asOwner(),
      input: { collection: "feed", filter: "published = false", perPage: 500 },
    });
    // Only the caller's own records: u1 owns g ≡ 1 (mod 100), all odd, so all unpublished.
    expect(page.totalItems).toBe(200);
    expect(page.items.every((r) => r.owner === "u1" && r.published === false)).toBe(true);
    const either = await listRecords({
      ctx: asOwner(),
      input: { collection: "feed", filter: "published = true || views >= 0", perPage: 5 },
    });
    expect(either.totalItems).toBe(10_200);
  });
});
