// Test fixtures for the rule tests: a small schema (teams, users, posts, comments, members),
// its tables created with raw SQL in the storage layout, and an in-memory RecordLoader.
import type { Collection, Field } from "@cairn/schema";
import { type SQL, sql } from "drizzle-orm";
import type { SchemaLookup } from "./rule-check.js";
import type { RecordData, RecordLoader } from "./rule-eval.js";

type FieldSpec = Partial<Field> & { name: string; type: Field["type"] };

function field(spec: FieldSpec): Field {
  return {
    id: spec.name,
    required: false,
    nullable: true,
    unique: false,
    hidden: false,
    help: "",
    system: false,
    ...spec,
  } as Field;
}

const systemFields = (): Field[] => [
  field({ name: "id", type: "text", system: true, nullable: false }),
  field({ name: "created", type: "autodate", system: true }),
  field({ name: "updated", type: "autodate", system: true }),
];

export type Rules = Partial<Pick<Collection, "listRule" | "viewRule">>;

export function makeCollection(
  id: string,
  name: string,
  fields: FieldSpec[],
  rules: Rules = {},
): Collection {
  return {
    id,
    name,
    type: "base",
    fields: [...systemFields(), ...fields.map(field)],
    indexes: [],
    listRule: rules.listRule === undefined ? "" : rules.listRule,
    viewRule: rules.viewRule === undefined ? "" : rules.viewRule,
    createRule: null,
    updateRule: null,
    deleteRule: null,
    created: "2026-01-01T00:00:00.000Z",
    updated: "2026-01-01T00:00:00.000Z",
  };
}

export interface Schema {
  teams: Collection;
  users: Collection;
  posts: Collection;
  comments: Collection;
  members: Collection;
  all: Collection[];
  lookup: SchemaLookup;
}

export function lookupOf(all: Collection[]): SchemaLookup {
  return {
    byId: (id) => all.find((c) => c.id === id),
    byName: (name) => all.find((c) => c.name === name),
  };
}

export interface ListRules {
  teams?: string | null;
  users?: string | null;
  posts?: string | null;
  comments?: string | null;
  members?: string | null;
}

export function makeSchema(listRules: ListRules = {}): Schema {
  const teams = makeCollection("c_teams", "teams", [{ name: "name", type: "text" }], {
    listRule: listRules.teams,
  });
  const users = makeCollection(
    "c_users",
    "users",
    [
      { name: "name", type: "text" },
      { name: "age", type: "number" },
      { name: "verified", type: "bool" },
      {
        name: "role",
        type: "select",
        values: ["admin", "member", "guest"],
        multiple: false,
      } as FieldSpec,
      { name: "team", type: "relation", collection: "c_teams", multiple: false } as FieldSpec,
      { name: "meta", type: "json" },
      { name: "secret", type: "text", hidden: true },
    ],
    { listRule: listRules.users },
  );
  const posts = makeCollection(
    "c_posts",
    "posts",
    [
      { name: "title", type: "text" },
      { name: "views", type: "number" },
      { name: "published", type: "bool" },
      { name: "published_at", type: "date" },
      {
        name: "status",
        type: "select",
        values: ["draft", "live", "archived"],
        multiple: false,
      } as FieldSpec,
      { name: "tags", type: "select", values: ["a", "b", "c", "A"], multiple: true } as FieldSpec,
      { name: "meta", type: "json" },
      { name: "author", type: "relation", collection: "c_users", multiple: false } as FieldSpec,
      { name: "editors", type: "relation", collection: "c_users", multiple: true } as FieldSpec,
      { name: "parent", type: "relation", collection: "c_posts", multiple: false } as FieldSpec,
      { name: "cover", type: "file", multiple: false } as FieldSpec,
    ],
    { listRule: listRules.posts },
  );
  const comments = makeCollection(
    "c_comments",
    "comments",
    [
      { name: "post", type: "relation", collection: "c_posts", multiple: false } as FieldSpec,
      { name: "tagged", type: "relation", collection: "c_posts", multiple: true } as FieldSpec,
      { name: "author", type: "relation", collection: "c_users", multiple: false } as FieldSpec,
      { name: "text", type: "text" },
      { name: "score", type: "number" },
    ],
    { listRule: listRules.comments },
  );
  const members = makeCollection(
    "c_members",
    "members",
    [
      { name: "user", type: "relation", collection: "c_users", multiple: false } as FieldSpec,
      { name: "team", type: "relation", collection: "c_teams", multiple: false } as FieldSpec,
      { name: "role", type: "text" },
    ],
    { listRule: listRules.members },
  );
  const all = [teams, users, posts, comments, members];
  return { teams, users, posts, comments, members, all, lookup: lookupOf(all) };
}

/** The column type of a field, as the collection DDL creates it. */
function columnType(f: Field, all: Collection[]): string {
  const multiple = "multiple" in f && f.multiple;
  switch (f.type) {
    case "number":
      return "double precision";
    case "bool":
      return "boolean";
    case "date":
    case "autodate":
      return "timestamptz";
    case "json":
      return "jsonb";
    case "relation": {
      if (multiple) return "text[]";
      const target = all.find((c) => c.id === f.collection);
      return `text REFERENCES "public"."${target?.name}" ("id")`;
    }
    default:
      return multiple ? "text[]" : "text";
  }
}

type Rows = { rows(query: SQL): Promise<Record<string, unknown>[]> };

/** Creates the tables in dependency order; drops them first so a file can rebuild its data. */
export async function createTables(database: Rows, schema: Schema): Promise<void> {
  for (const c of [...schema.all].reverse()) {
    await database.rows(sql.raw(`DROP TABLE IF EXISTS "public"."${c.name}" CASCADE`));
  }
  for (const c of schema.all) {
    const columns = c.fields.map((f) =>
      f.name === "id" ? `"id" text PRIMARY KEY` : `"${f.name}" ${columnType(f, schema.all)}`,
    );
    await database.rows(sql.raw(`CREATE TABLE "public"."${c.name}" (${columns.join(", ")})`));
  }
}

export type Dataset = Record<string, RecordData[]>;

/**
 * Inserts records given in API form (through jsonb_populate_record, so arrays, dates and json
 * arrive exactly as the evaluator sees them). `jsonNull` lists "collection/id/field" json
 * values to store as the JSON null rather than SQL NULL.
 */
export async function insertDataset(
  database: Rows,
  schema: Schema,
  data: Dataset,
  jsonNull: string[] = [],
): Promise<void> {
  const tables = schema.all.map((c) => `"public"."${c.name}"`).join(", ");
  await database.rows(sql.raw(`TRUNCATE ${tables}`));
  for (const c of schema.all) {
    for (const record of data[c.name] ?? []) {
      const table = sql`${sql.identifier("public")}.${sql.identifier(c.name)}`;
      await database.rows(
        sql`INSERT INTO ${table} SELECT * FROM jsonb_populate_record(NULL::${table}, ${JSON.stringify(record)}::jsonb)`,
      );
    }
  }
  for (const key of jsonNull) {
    const [name, id, column] = key.split("/") as [string, string, string];
    const table = sql`${sql.identifier("public")}.${sql.identifier(name)}`;
    await database.rows(
      sql`UPDATE ${table} SET ${sql.identifier(column)} = 'null'::jsonb WHERE "id" = ${id} AND ${sql.identifier(column)} IS NULL`,
    );
  }
  // Fresh tables have no statistics; Postgres would then guess them huge and spend far longer
  // JIT-compiling each query than running it.
  await database.rows(sql.raw(`ANALYZE ${tables}`));
}

export function memoryLoader(data: Dataset): RecordLoader {
  const records = (c: Collection) => data[c.name] ?? [];
  return {
    get: async (c, id) => records(c).find((r) => r.id === id) ?? null,
    list: async (c) => records(c),
    backRelations: async (source, fieldName, targetId) => {
      const f = source.fields.find((x) => x.name === fieldName);
      const multiple = f && "multiple" in f && f.multiple;
      return records(source).filter((r) => {
        const value = r[fieldName];
        return multiple ? Array.isArray(value) && value.includes(targetId) : value === targetId;
      });
    },
  };
}

const stamps = { created: "2026-01-01T00:00:00.000Z", updated: "2026-01-01T00:00:00.000Z" };
/** A small fixed dataset whose every row is described in rule-semantics.test.ts. */
export const sampleData: Dataset = {
  teams: [
    { id: "t1", name: "Red", ...stamps },
    { id: "t2", name: "blue", ...stamps },
  ],
  users: [
    {
      id: "u1",
      name: "Ann",
      age: 30,
      verified: true,
      role: "admin",
      team: "t1",
      meta: { x: 1 },
      secret: "s1",
      ...stamps,
    },
    {
      id: "u2",
      name: "Bob",
      age: 20,
      verified: false,
      role: "member",
      team: "t2",
      meta: null,
      secret: "s2",
      ...stamps,
    },
    {
      id: "u3",
      name: "",
      age: null,
      verified: true,
      role: null,
      team: null,
      meta: null,
      secret: null,
      ...stamps,
    },
  ],
  posts: [
    {
      id: "p1",
      title: "Hello World",
      views: 10,
      published: true,
      published_at: "2026-03-15T00:00:00.000Z",
      status: "live",
      tags: ["a", "b"],
      meta: { a: "x", b: { c: 1 }, arr: [true, "y"] },
      author: "u1",
      editors: ["u1", "u2"],
      parent: null,
      cover: "a.png",
      ...stamps,
    },
    {
      id: "p2",
      title: "",
      views: 0,
      published: false,
      published_at: null,
      status: "draft",
      tags: [],
      meta: null,
      author: "u2",
      editors: [],
      parent: "p1",
      cover: null,
      ...stamps,
    },
    {
      id: "p3",
      title: null,
      views: null,
      published: null,
      published_at: "2026-03-14T23:59:59.999Z",
      status: null,
      tags: ["A"],
      meta: "x",
      author: null,
      editors: ["u2", "missing"],
      parent: "p2",
      cover: null,
      ...stamps,
    },
    {
      id: "p4",
      title: "😀",
      views: -1.5,
      published: true,
      published_at: "2025-01-01T00:00:00.000Z",
      status: "archived",
      tags: ["a", "a"],
      meta: { a: 5 },
      author: "u3",
      editors: ["u1", "u1"],
      parent: null,
      cover: "",
      ...stamps,
    },
    {
      id: "p5",
      title: "\uffda",
      views: 1e21,
      published: false,
      published_at: "2026-03-15T23:59:59.999Z",
      status: "live",
      tags: [],
      meta: { a: "" },
      author: "u1",
      editors: [],
      parent: null,
      cover: null,
      ...stamps,
    },
  ],
  comments: [
    { id: "c1", post: "p1", tagged: ["p1", "p2"], author: "u2", text: "Nice", score: 5, ...stamps },
    { id: "c2", post: "p1", tagged: [], author: "u1", text: "spam_bot", score: -1, ...stamps },
    { id: "c3", post: "p2", tagged: ["p1"], author: "u1", text: null, score: 0, ...stamps },
  ],
  members: [
    { id: "m1", user: "u1", team: "t1", role: "owner", ...stamps },
    { id: "m2", user: "u2", team: "t2", role: "member", ...stamps },
  ],
};
/** 2026-03-15 (a Sunday) 12:00 UTC. */
export const sampleNow = new Date("2026-03-15T12:00:00.000Z");
/** A sample user as @request.auth sees it. */
export const sampleUser = (id: string) => ({
  ...(sampleData.users?.find((u) => u.id === id) ?? {}),
  collectionName: "users",
});
