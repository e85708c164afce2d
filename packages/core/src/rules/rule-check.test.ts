import { describe, expect, it } from "vitest";
import { type CheckOptions, checkRule, implies, planRule, type RuleProblem } from "./rule-check.js";
import { parseRule } from "./rule-parser.js";
import { lookupOf, makeCollection, makeSchema } from "./rule-test-fixtures.js";

const schema = makeSchema();
const rule: CheckOptions = { collection: schema.posts, lookup: schema.lookup };
const filter: CheckOptions = {
  ...rule,
  allowRequest: false,
  allowCollectionRefs: false,
  allowHiddenFields: false,
};

const problems = (text: string, options = rule) => checkRule(text, options);
const first = (text: string, options = rule): RuleProblem => {
  const [problem] = checkRule(text, options);
  if (!problem) throw new Error(`expected a problem in ${text}`);
  return problem;
};

describe("checkRule accepts", () => {
  it.each([
    'title = "x"',
    "views > 1 && views <= 10.5",
    "published = true",
    'published_at > "2026-01-02" && published_at < "2026-01-02 03:04:05"',
    'created >= "2026-01-02T03:04:05.678Z" && created != "2026-01-02T03:04:05+02:00"',
    "created > @todayStart && updated < @now && @year >= 2026 && @weekday != 0",
    'status = "live" && tags ?= "a" && tags:length > 1 && tags:each != "b"',
    'author = @request.auth.id && author.name ~ "ann" && author.team.name:lower = "red"',
    "editors ?= @request.auth.id && editors.name ?!~ 'x'",
    "comments_via_post.text ?~ 'spam' && comments_via_post:length < 5 && comments_via_tagged.score ?> 2",
    'meta.a = "x" && meta.b.c = 1 && meta.arr.0 = true && meta = null && meta.a ~ "y" && meta.a > 2',
    "meta.a = @request.body.title",
    '@request.auth.id != "" && @request.auth.collectionName = "users"',
    "@request.body.title:isset = false && @request.body.tags:changed = false && @request.body.tags:length < 3",
    "@request.body.tags:each ?= tags && @request.query.page = '1' && @request.headers.x_api_key != ''",
    '@request.method = "GET" && @request.body.title:lower ~ "x"',
    "@collection.members.user = @request.auth.id && @collection.members.team = author.team",
    '@collection.members:m.role = "owner" && @collection.members:m.user.name != ""',
    "parent.parent.author.name != null",
    'title = "" && views = "" && published = "" && published_at = "" && meta = ""',
    "1 = 1 && null = null && 'a' < 'b'",
  ])("%s", (text) => {
    expect(problems(text)).toEqual([]);
  });
});

describe("checkRule refuses, with a position", () => {
  it.each<[string, string, number]>([
    ["nope = 1", 'Unknown field "nope" in "posts"', 0],
    ['title = "" && author.nope = 1', 'Unknown field "nope" in "users"', 21],
    ["title.name = 1", '"title" is not a relation, so "name" cannot follow it', 6],
    ["tags.x = 1", '"tags" is not a relation', 5],
    [
      'comments_via_author.text = ""',
      '"comments" has no relation field "author" pointing at "posts"',
      0,
    ],
    ['ghosts_via_post.text = ""', 'Unknown field "ghosts_via_post"', 0],
    ["views = 'many'", "Cannot compare number with a string", 8],
    ["title = 1", "Cannot compare text with number", 6],
    ["views = published", "Cannot compare number with true/false", 6],
    ['published_at > "yesterday"', '"yesterday" is not a date', 15],
    ['published_at = "2026-02-30"', "is not a date", 15],
    ["created = 5", "Cannot compare date with number", 8],
    ["published > true", "true/false values have no order", 10],
    ["views ~ 1", "~ and !~ compare text, not number values", 6],
    ["meta.a ~ 1", "~ and !~ need a text pattern", 9],
    ["meta = title", "A json value can only be compared with a literal or a @request value", 7],
    ["title:length = 1", ":length applies to fields holding several values", 5],
    ["title:each = 'x'", ":each applies to fields holding several values", 5],
    ["views:lower = 1", ":lower applies to text fields", 5],
    ["title:isset = true", ":isset only applies to @request.body fields", 5],
    ["title:bogus = 1", "Unknown modifier :bogus", 5],
    ["@request.auth.id:changed = true", ":changed only applies to @request.body fields", 16],
    ["@request.body.nope:changed = true", '"nope" is not a field of "posts"', 14],
    ["@request.cookies.x = 1", "Expected @request.auth, @request.body", 9],
    ["@request.auth = 1", "Expected a name after @request.auth.", 0],
    ["@request.auth.team.name = 1", "@request.auth takes one name, not a path", 19],
    ["@request.method.x = 1", "@request.method has no fields", 16],
    ["@collection.ghosts.x = 1", 'Unknown collection "ghosts"', 12],
    [
      "@collection.members:m.role = '' && @collection.users:m.name = ''",
      'The alias "m" already names "members"',
      53,
    ],
    ["a.b.c.d.e.f.g = 1", 'Unknown field "a" in "posts"', 0],
  ])("%s → %s", (text, message, offset) => {
    const problem = first(text);
    expect(problem.message).toContain(message);
    expect(problem.offset).toBe(offset);
  });

  it("reports every bad comparison, each with its line and column", () => {
    const found = problems("nope = 1 &&\n  views = 'x' ||\n  published > false");
    expect(found.map((p) => [p.line, p.column])).toEqual([
      [1, 1],
      [2, 11],
      [3, 13],
    ]);
  });

  it("reports syntax errors as one problem with their position", () => {
    expect(problems("title = ")).toEqual([
      expect.objectContaining({
        message: "Unexpected end of the expression",
        offset: 8,
        line: 1,
        column: 9,
      }),
    ]);
  });

  it("caps relation paths and @collection aliases", () => {
    const deep = `${"parent.".repeat(7)}title = ""`;
    expect(first(deep).message).toContain("at most 6 relations");
    const aliases = ["a", "b", "c", "d", "e"]
      .map((a) => `@collection.members:${a}.role = ""`)
      .join(" && ");
    expect(first(aliases).message).toContain("At most 4 @collection aliases");
  });
});

describe("checkRule options for client filters", () => {
  it("refuses @request and @collection when not allowed", () => {
    expect(first("author = @request.auth.id", filter).message).toBe("@request cannot be used here");
    expect(first("title = @collection.members.role", filter).message).toBe(
      "@collection cannot be used here",
    );
    expect(problems("title = 'x' && author.name ~ 'a' && created > @now", filter)).toEqual([]);
  });

  it("refuses hidden fields, also through relations, when not allowed", () => {
    expect(first("author.secret = 'x'", filter).message).toBe(
      '"secret" is hidden and cannot be used here',
    );
    expect(problems("author.secret = 'x'")).toEqual([]);
  });
});

describe("planRule", () => {
  it("plans a rule once per schema and options, and afresh for a new schema", () => {
    const ast = parseRule("author = @request.auth.id || published = true");
    const plan = planRule(ast, rule);
    expect(planRule(ast, rule)).toBe(plan);
    expect(planRule(parseRule("author = @request.auth.id || published = true"), rule)).toBe(plan);
    // Other options check other things: never the same plan.
    expect(planRule(ast, { ...rule, allowHiddenFields: false })).not.toBe(plan);

    // A schema change is a new lookup: the rule is resolved against it, not the old one.
    const renamed = makeCollection("c_posts", "posts", [{ name: "title", type: "text" }]);
    const changed = { collection: renamed, lookup: lookupOf([renamed, schema.users]) };
    expect(() => planRule(ast, changed)).toThrow(/author/);
    expect(planRule(parseRule('title = "x"'), changed).collection).toBe(renamed);
  });
});

describe("implies (a filter that requires one of the rule's alternatives)", () => {
  const plan = (text: string, options = rule) => planRule(parseRule(text), options);
  const feed = 'author = @request.auth.id || status = "live"';
  it.each<[string, string, boolean]>([
    [feed, 'status = "live"', true],
    [feed, 'status = "live" && views > 5', true],
    [feed, 'views > 5 && (status = "live")', true],
    [feed, 'status = "draft"', false],
    [feed, 'status != "live"', false],
    [feed, 'status = "live" || views > 5', false],
    [feed, 'status ~ "live"', false],
    ['status = "live"', 'status = "live"', true],
    ['status = "live" && views > 5', 'views > 5 && status = "live" && title = "x"', true],
    ['status = "live" && views > 5', 'status = "live"', false],
    ["views > 5 || title = 'x'", "views > 6", false],
    // Request values, times and relations never count, even written alike.
    ["created > @now", "created > @now", false],
    ['author.name = "ann"', 'author.name = "ann"', false],
    ['meta.a = "x"', 'meta.a = "x"', true],
  ])("rule %s, filter %s → %s", (ruleText, filterText, expected) => {
    expect(implies(plan(filterText, filter), plan(ruleText))).toBe(expected);
  });

  it("never across collections", () => {
    const onComments = plan('text = "x"', { ...filter, collection: schema.comments });
    expect(implies(onComments, plan('text = "x"', { ...rule, collection: schema.comments }))).toBe(
      true,
    );
    expect(implies(onComments, plan('title = "x"'))).toBe(false);
  });
});
