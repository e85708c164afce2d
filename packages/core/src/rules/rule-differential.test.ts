// The SQL compiler and the evaluator must agree on every rule: random data, random well-typed
// expressions (paths, back-relations, ?-operators, modifiers, macros, @request, @collection),
// random list rules on the collections paths pass through; the ids SQL returns = the evaluator's.
import { type TestDatabase, testDatabase } from "@cairn/db/testing";
import { sql } from "drizzle-orm";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkRule, compileRule, evaluateRule, parseRule, type RequestInfo } from "./index.js";
import {
  createTables,
  type Dataset,
  insertDataset,
  type ListRules,
  makeSchema,
  memoryLoader,
  type Schema,
} from "./rule-test-fixtures.js";

type T = "text" | "number" | "bool" | "date" | "json";
interface Pool {
  scalar: string[];
  multi: string[];
  consts: string[];
}

// Fields of posts (the collection under test) by type. `multi` paths hold lists.
const fields: Record<T, Omit<Pool, "consts">> = {
  text: {
    scalar: [
      "title",
      "status",
      "id",
      "author",
      "cover",
      "parent",
      "author.name",
      "author.role",
      "author.team",
      "author.team.name",
      "parent.title",
      "parent.author.name",
      "title:lower",
      "author.name:lower",
      "@collection.members.role",
      "@collection.members.user",
      "@collection.members.team.name",
      "@collection.members:m.role",
    ],
    multi: [
      "tags",
      "editors",
      "editors.name",
      "editors.role",
      "comments_via_post.text",
      "comments_via_tagged.text",
      "comments_via_post.author.name",
      "comments_via_post.post.title",
      "editors.team.name",
      "parent.tags",
      "tags:lower",
      "comments_via_post",
    ],
  },
  number: {
    scalar: [
      "views",
      "author.age",
      "parent.views",
      "tags:length",
      "editors:length",
      "comments_via_post:length",
      "comments_via_tagged.score:length",
      "editors.name:length",
      "@collection.members.user.age",
    ],
    multi: ["comments_via_post.score", "editors.age", "comments_via_tagged.score"],
  },
  bool: {
    scalar: ["published", "author.verified", "parent.published"],
    multi: ["editors.verified", "comments_via_post.author.verified"],
  },
  date: {
    scalar: ["published_at", "created", "updated", "author.created", "parent.published_at"],
    multi: ["comments_via_post.created", "editors.updated"],
  },
  json: {
    scalar: [
      "meta",
      "meta.a",
      "meta.b.c",
      "meta.arr.0",
      "meta.arr.1",
      "author.meta",
      "author.meta.x",
    ],
    multi: ["editors.meta.x", "comments_via_post.post.meta.a"],
  },
};

// Few distinct words, so equalities and orderings between data and literals often decide.
const words = [
  "",
  "a",
  "A",
  "ab",
  "aB",
  "b",
  "ba",
  "a b",
  "%",
  "a%",
  "_",
  "a_b",
  "\\",
  "é",
  "É",
  "😀",
  "\uffda",
  '"',
  "'",
];
const textValue = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...words) },
  fc.tuple(fc.constantFrom(...words), fc.constantFrom(...words)).map(([a, b]) => a + b),
);

function quote(value: string, single: boolean): string {
  if (!single) return JSON.stringify(value);
  return `'${value.replace(/[\\']/g, (c) => `\\${c}`)}'`;
}

const textLiteral = fc.tuple(textValue, fc.boolean()).map(([v, single]) => quote(v, single));
const numberValue = fc.oneof(
  fc.integer({ min: -3, max: 6 }),
  fc.constantFrom(0.5, -0.5, 2.25, 1e21),
);
const numberLiteral = numberValue.map(String);
const baseMs = Date.UTC(2026, 2, 15);
const dayMs = 86_400_000;
const hourMs = 3_600_000;
// Instants on a grid (midnights, ±2 h, the last millisecond of a day, month and year edges)
// so date literals, macros and stored dates often meet exactly or straddle each other.
const gridMs = [-400, -40, -1, 0, 1, 17, 40].flatMap((days) =>
  [0, 1, 2 * hourMs, 2 * hourMs + 1, 22 * hourMs, dayMs - 1].map(
    (ms) => baseMs + days * dayMs + ms,
  ),
);
const dateMs = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...gridMs) },
  fc.integer({ min: -400 * dayMs, max: 400 * dayMs }).map((ms) => baseMs + ms),
);
const dateLiteral = fc.tuple(dateMs, fc.integer({ min: 0, max: 3 })).map(([ms, style]) => {
  const iso = new Date(ms).toISOString();
  switch (style) {
    case 0:
      return `"${iso.slice(0, 10)}"`;
    case 1:
      return `"${iso.slice(0, 19).replace("T", " ")}"`;
    case 2:
      return `"${iso}"`;
    default:
      return `"${iso.slice(0, 19)}+02:00"`;
  }
});
const macroDates = [
  "@now",
  "@yesterday",
  "@tomorrow",
  "@todayStart",
  "@todayEnd",
  "@monthStart",
  "@monthEnd",
  "@yearStart",
  "@yearEnd",
];
const macroNumbers = ["@second", "@minute", "@hour", "@weekday", "@day", "@month", "@year"];

const consts: Record<T, fc.Arbitrary<string>> = {
  text: fc.oneof(
    { weight: 4, arbitrary: textLiteral },
    { weight: 1, arbitrary: fc.constantFrom("null", '""') },
    fc.constantFrom(
      "null",
      '""',
      "@request.auth.id",
      "@request.auth.name",
      "@request.body.title",
      "@request.body.title:lower",
      "@request.query.q",
      "@request.headers.x_mode",
      "@request.method",
      "@request.body.tags",
      "@request.body.tags:each",
    ),
  ),
  number: fc.oneof(
    { weight: 4, arbitrary: numberLiteral },
    { weight: 1, arbitrary: fc.constantFrom("null", '""') },
    fc.constantFrom(
      "null",
      '""',
      "@request.auth.age",
      "@request.body.views",
      "@request.body.tags:length",
      "@request.query.n",
      ...macroNumbers,
    ),
  ),
  bool: fc.constantFrom(
    "true",
    "false",
    "null",
    "@request.body.published",
    "@request.auth.verified",
    "@request.body.title:isset",
    "@request.body.title:changed",
    "@request.body.tags:changed",
    "@request.body.meta:changed",
    "@request.body.views:changed",
    "@request.body.published_at:changed",
    "@request.body.status:changed",
  ),
  date: fc.oneof(
    { weight: 3, arbitrary: dateLiteral },
    { weight: 1, arbitrary: fc.constantFrom("null", '""') },
    fc.constantFrom("null", '""', "@request.body.published_at", ...macroDates),
  ),
  json: fc.oneof(
    { weight: 2, arbitrary: fc.constantFrom("null", '""') },
    textLiteral,
    numberLiteral,
    fc.constantFrom(
      "true",
      "false",
      "null",
      '""',
      "@request.body.title",
      "@request.body.views",
      "@request.query.q",
    ),
  ),
};

const opsFor: Record<T, string[]> = {
  text: ["=", "!=", ">", ">=", "<", "<=", "~", "!~"],
  number: ["=", "!=", ">", ">=", "<", "<="],
  bool: ["=", "!="],
  date: ["=", "!=", ">", ">=", "<", "<="],
  json: ["=", "!=", ">", ">=", "<", "<=", "~", "!~"],
};

/** A field operand of type t, sometimes a list with :each. */
function fieldOperand(t: T): fc.Arbitrary<string> {
  const { scalar, multi } = fields[t];
  return fc.oneof(
    { weight: 5, arbitrary: fc.constantFrom(...scalar) },
    { weight: 3, arbitrary: fc.constantFrom(...multi) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(...multi.filter((m) => !m.includes(":"))).map((m) => `${m}:each`),
    },
  );
}

const comparison: fc.Arbitrary<string> = fc
  .constantFrom<T>(
    "text",
    "text",
    "text",
    "number",
    "number",
    "bool",
    "date",
    "date",
    "json",
    "json",
  )
  .chain((t) => {
    const right = t === "json" ? consts.json : fc.oneof(consts[t], fieldOperand(t));
    return fc
      .record({
        left: fieldOperand(t),
        right,
        op: fc.constantFrom(...opsFor[t]),
        any: fc.boolean(),
        swap: fc.boolean(),
      })
      .map(({ left, right, op, any, swap }) => {
        // json ~ needs a text pattern; numbers and booleans are refused by the checker.
        let r = right;
        if (t === "json" && op.includes("~") && /^(-?\d|true|false)/.test(r)) r = '"a"';
        const [a, b] = swap ? [r, left] : [left, r];
        return `${a} ${any ? "?" : ""}${op} ${b}`;
      });
  });

const expression: fc.Arbitrary<string> = fc.letrec((tie) => ({
  node: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    { weight: 3, arbitrary: comparison },
    fc
      .tuple(tie("node"), fc.constantFrom("&&", "||"), tie("node"))
      .map(([a, op, b]) => `${a} ${op} ${b}`),
    tie("node").map((inner) => `(${inner})`),
    tie("node").map((inner) => `// a comment\n${inner}`),
  ),
})).node as fc.Arbitrary<string>;

// Data ----------------------------------------------------------------------------------------

const nullable = <V>(arb: fc.Arbitrary<V>) => fc.option(arb, { freq: 4, nil: null });
const iso = dateMs.map((ms) => new Date(ms).toISOString());
const jsonScalar = fc.oneof(textValue, numberValue, fc.boolean(), fc.constant(null));
const jsonValue = fc.oneof(
  jsonScalar,
  fc.record(
    {
      a: jsonScalar,
      x: jsonScalar,
      b: fc.oneof(jsonScalar, fc.record({ c: jsonScalar }, { requiredKeys: [] })),
      arr: fc.array(jsonScalar, { maxLength: 3 }),
    },
    { requiredKeys: [] },
  ),
  fc.array(jsonScalar, { maxLength: 2 }),
);

function datasetArb(): fc.Arbitrary<{
  data: Dataset;
  jsonNull: string[];
  listRules: ListRules;
  now: number;
}> {
  const ids = (prefix: string, n: number) =>
    Array.from({ length: n }, (_, i) => `${prefix}${i + 1}`);
  const teamIds = ids("t", 3);
  const userIds = ids("u", 4);
  const postIds = ids("p", 6);
  const idOf = (list: string[]) => nullable(fc.constantFrom(...list));
  const stamps = { created: iso, updated: iso };
  return fc
    .record({
      now: dateMs,
      listRules: fc.record({
        teams: fc.constantFrom<string | null>("", null, 'name ~ "a"'),
        users: fc.constantFrom<string | null>(
          "",
          null,
          "verified = true || id = @request.auth.id",
          "age > 2",
          'team.name != ""',
        ),
        posts: fc.constantFrom<string | null>(
          "",
          null,
          "published = true || author = @request.auth.id",
          "author.verified = true",
        ),
        comments: fc.constantFrom<string | null>(
          "",
          null,
          "score >= 0 || author = @request.auth.id",
          "post.published = true",
        ),
        members: fc.constantFrom<string | null>("", null, "user = @request.auth.id"),
      }),
      teams: fc.tuple(
        ...teamIds.map((id) =>
          fc.record({ id: fc.constant(id), name: nullable(textValue), ...stamps }),
        ),
      ),
      users: fc.tuple(
        ...userIds.map((id) =>
          fc.record({
            id: fc.constant(id),
            name: nullable(textValue),
            age: nullable(numberValue),
            verified: nullable(fc.boolean()),
            role: nullable(fc.constantFrom("admin", "member", "guest", "")),
            team: idOf(teamIds),
            meta: nullable(jsonValue),
            secret: nullable(textValue),
            ...stamps,
          }),
        ),
      ),
      posts: fc.tuple(
        ...postIds.map((id, index) =>
          fc.record({
            id: fc.constant(id),
            title: nullable(textValue),
            views: nullable(numberValue),
            published: nullable(fc.boolean()),
            published_at: nullable(iso),
            status: nullable(fc.constantFrom("draft", "live", "archived", "")),
            tags: fc.array(fc.constantFrom("a", "b", "c", "A"), { maxLength: 3 }),
            meta: nullable(jsonValue),
            author: idOf(userIds),
            editors: fc.array(fc.constantFrom(...userIds, "missing"), { maxLength: 3 }),
            parent: index === 0 ? fc.constant(null) : idOf(postIds.slice(0, index)),
            cover: nullable(fc.constantFrom("a.png", "", "B.jpg")),
            ...stamps,
          }),
        ),
      ),
      comments: fc.array(
        fc.record({
          post: idOf(postIds),
          tagged: fc.array(fc.constantFrom(...postIds), { maxLength: 3 }),
          author: idOf(userIds),
          text: nullable(textValue),
          score: nullable(numberValue),
          ...stamps,
        }),
        { minLength: 3, maxLength: 10 },
      ),
      members: fc.array(
        fc.record({
          user: idOf(userIds),
          team: idOf(teamIds),
          role: nullable(fc.constantFrom("owner", "public", "")),
        }),
        { maxLength: 3 },
      ),
      jsonNull: fc.subarray(["posts/p1/meta", "posts/p2/meta", "users/u1/meta", "posts/p3/meta"]),
    })
    .map(({ now, listRules, jsonNull, ...rows }) => {
      const data: Dataset = {
        teams: [...rows.teams],
        users: [...rows.users],
        posts: [...rows.posts],
        comments: rows.comments.map((c, i) => ({ id: `c${i + 1}`, ...c })),
        members: rows.members.map((m, i) => ({ id: `m${i + 1}`, ...m })),
      };
      return { data, jsonNull, listRules, now };
    });
}

function requestArb(users: Dataset[string] | undefined): fc.Arbitrary<RequestInfo> {
  const maybe = <V>(arb: fc.Arbitrary<V>) => fc.option(arb, { freq: 2, nil: undefined });
  return fc
    .record({
      auth: fc.option(fc.constantFrom(...(users ?? [])), { freq: 3, nil: null }),
      isSuperuser: fc.integer({ min: 0, max: 5 }).map((n) => n === 0),
      body: fc.record(
        {
          title: maybe(fc.oneof(textValue, fc.constant(null), numberValue)),
          views: maybe(fc.oneof(numberValue, fc.constantFrom("3", "abc", "", null))),
          tags: maybe(
            fc.oneof(
              fc.array(fc.constantFrom("a", "b", "A", "x"), { maxLength: 3 }),
              fc.constantFrom("a", null),
            ),
          ),
          meta: maybe(jsonValue),
          published_at: maybe(fc.oneof(iso, fc.constantFrom("2026-03-15", "garbage", "", null))),
          published: maybe(fc.oneof(fc.boolean(), fc.constantFrom("true", "x", null))),
          status: maybe(fc.constantFrom("draft", "live", "", null)),
        },
        { requiredKeys: [] },
      ),
      q: maybe(textValue),
      n: maybe(fc.constantFrom("3", "x", "-0.5")),
      mode: maybe(textValue),
      method: fc.constantFrom("GET", "POST", "PATCH"),
    })
    .map(({ auth, isSuperuser, body, q, n, mode, method }) => {
      const query: Record<string, unknown> = {};
      if (q !== undefined) query.q = q;
      if (n !== undefined) query.n = n;
      const cleanBody = Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined));
      return {
        auth: auth ? { ...auth, collectionName: "users" } : null,
        isSuperuser,
        body: cleanBody,
        query,
        headers: mode === undefined ? {} : { "X-Mode": mode },
        method,
      };
    });
}

// The property --------------------------------------------------------------------------------

describe("SQL and evaluator agree", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await testDatabase();
  });
  afterAll(async () => {
    await database?.close();
  });

  const datasets = 5;
  const runsPerDataset = 30;
  const batch = 20;

  it(`on ${datasets} random datasets × ${runsPerDataset} batches of up to ${batch} random expressions`, async () => {
    const seed = Number(process.env.RULES_SEED ?? Date.now() % 1_000_000);
    const samples = fc.sample(datasetArb(), { numRuns: datasets, seed });
    // How many expressions selected none, some or all posts: a generator that only ever
    // produces "none" would agree trivially, so the mix is asserted below.
    const outcomes = { none: 0, some: 0, all: 0 };
    for (const [index, sample] of samples.entries()) {
      const schema: Schema = makeSchema(sample.listRules);
      if (index === 0) await createTables(database, schema);
      await insertDataset(database, schema, sample.data, sample.jsonNull);
      const now = new Date(sample.now);
      const loader = memoryLoader(sample.data);
      const posts = sample.data.posts ?? [];
      await fc.assert(
        fc.asyncProperty(
          fc.array(expression, { minLength: 1, maxLength: batch }),
          requestArb(sample.data.users),
          async (texts, request) => {
            const options = { collection: schema.posts, lookup: schema.lookup };
            const scope = { ...options, request, now };
            const asts = texts.map((text) => {
              expect(
                checkRule(text, { ...options, allowRequest: true, allowCollectionRefs: true }),
                text,
              ).toEqual([]);
              return parseRule(text);
            });
            // One query answers the whole batch: a boolean column per expression.
            const columns = asts.map(
              (ast, i) => sql`${compileRule(ast, scope)} AS ${sql.identifier(`e${i}`)}`,
            );
            const rows = await database.rows<Record<string, unknown>>(
              sql`SELECT "id", ${sql.join(columns, sql`, `)} FROM "public"."posts" AS "r" ORDER BY "id"`,
            );
            for (const [i, ast] of asts.entries()) {
              const expected: string[] = [];
              for (const record of posts) {
                if (await evaluateRule(ast, { ...scope, record, loader }))
                  expected.push(record.id as string);
              }
              const actual = rows.filter((row) => row[`e${i}`] === true).map((row) => row.id);
              expect(actual, ast.text).toEqual(expected);
              outcomes[
                expected.length === 0 ? "none" : expected.length === posts.length ? "all" : "some"
              ]++;
            }
          },
        ),
        {
          numRuns: runsPerDataset,
          seed: seed + index,
          reporter: (details) => {
            if (details.failed) {
              throw new Error(
                `dataset seed ${seed} #${index}, list rules ${JSON.stringify(sample.listRules)}\n${fc.defaultReportMessage(details)}`,
              );
            }
          },
        },
      );
    }
    // The generator must not pass vacuously: a fair share of expressions has to select some
    // posts but not all (about a fifth do; the bar sits well below, as runs vary by seed).
    const total = outcomes.none + outcomes.some + outcomes.all;
    expect(outcomes.some, `seed ${seed}: ${JSON.stringify(outcomes)}`).toBeGreaterThan(total * 0.1);
  }, 120_000);
});
