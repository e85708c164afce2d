import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isCairnError } from "../errors.js";
import type { CompareExpr, LogicalExpr, Operand } from "./rule-ast.js";
import { parseRule, RuleSyntaxError, ruleLimits } from "./rule-parser.js";

const compare = (text: string) => parseRule(text).root as CompareExpr;
const left = (text: string): Operand => compare(`${text} = 1`).left;

function syntaxError(text: string, options = {}): RuleSyntaxError {
  try {
    parseRule(text, options);
  } catch (error) {
    if (error instanceof RuleSyntaxError) return error;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(text.slice(0, 40))} to be refused`);
}

describe("parseRule: operands", () => {
  it("reads string literals with both quotes and every escape", () => {
    expect(compare(`a = "x\\"y'z"`).right).toMatchObject({ kind: "literal", value: `x"y'z` });
    expect(compare(`a = 'x\\'y"z'`).right).toMatchObject({ kind: "literal", value: `x'y"z` });
    expect(compare(`a = "\\\\ \\n \\r \\t \\u00e9 \\ud83d\\ude00"`).right).toMatchObject({
      value: "\\ \n \r \t é 😀",
    });
    expect(compare(`a = ""`).right).toMatchObject({ value: "" });
    expect(compare(`a = "line\nbreak"`).right).toMatchObject({ value: "line\nbreak" });
  });

  it("reads numbers: negative, decimal, exponent; -0 is 0", () => {
    expect(compare("a = 12").right).toMatchObject({ value: 12 });
    expect(compare("a = -3.25").right).toMatchObject({ value: -3.25 });
    expect(compare("a = 1e3").right).toMatchObject({ value: 1000 });
    expect(compare("a = -0").right).toMatchObject({ value: 0 });
    expect(Object.is((compare("a = -0").right as { value: unknown }).value, 0)).toBe(true);
  });

  it("reads true, false and null as literals, not fields", () => {
    expect(compare("a = true").right).toMatchObject({ kind: "literal", value: true });
    expect(compare("a = false").right).toMatchObject({ kind: "literal", value: false });
    expect(compare("a = null").right).toMatchObject({ kind: "literal", value: null });
    expect(compare("a = true_thing").right).toMatchObject({ kind: "field" });
  });

  it("reads field paths, back-relations, json paths and modifiers with positions", () => {
    expect(left("author.team.name")).toMatchObject({
      kind: "field",
      path: [
        { name: "author", offset: 0 },
        { name: "team", offset: 7 },
        { name: "name", offset: 12 },
      ],
      modifier: null,
    });
    expect(left("comments_via_post.text")).toMatchObject({
      path: [{ name: "comments_via_post" }, { name: "text" }],
    });
    expect(left("data.items.0.name")).toMatchObject({
      path: [{}, {}, { name: "0" }, { name: "name" }],
    });
    expect(left("tags:length")).toMatchObject({
      path: [{ name: "tags" }],
      modifier: { name: "length", offset: 4 },
    });
  });

  it("reads @request, @collection (with alias) and macros", () => {
    expect(left("@request.auth.id")).toMatchObject({
      kind: "request",
      path: [{ name: "auth" }, { name: "id" }],
    });
    expect(left("@request.body.title:changed")).toMatchObject({
      kind: "request",
      modifier: { name: "changed" },
    });
    expect(left("@request.method")).toMatchObject({ kind: "request", path: [{ name: "method" }] });
    expect(left("@collection.members.user")).toMatchObject({
      kind: "collection",
      collection: { name: "members" },
      alias: null,
      path: [{ name: "user" }],
    });
    expect(left("@collection.members:m.team.name:lower")).toMatchObject({
      kind: "collection",
      alias: { name: "m" },
      path: [{ name: "team" }, { name: "name" }],
      modifier: { name: "lower" },
    });
    for (const name of [
      "now",
      "todayStart",
      "todayEnd",
      "monthStart",
      "monthEnd",
      "yearStart",
      "yearEnd",
      "second",
      "minute",
      "hour",
      "weekday",
      "day",
      "month",
      "year",
    ]) {
      expect(left(`@${name}`)).toMatchObject({ kind: "macro", name });
    }
  });
});

describe("parseRule: expressions", () => {
  it("reads every operator, with and without ?", () => {
    for (const op of ["=", "!=", ">", ">=", "<", "<=", "~", "!~"]) {
      expect(compare(`a ${op} 1`)).toMatchObject({ op, any: false });
      expect(compare(`a ?${op} 1`)).toMatchObject({ op, any: true });
      expect(compare(`a${op}1`)).toMatchObject({ op });
    }
  });

  it("binds && tighter than ||, keeps chains flat and honours parentheses", () => {
    const root = parseRule("a = 1 || b = 2 && c = 3 && d = 4").root as LogicalExpr;
    expect(root.kind).toBe("or");
    expect(root.items).toHaveLength(2);
    expect(root.items[1]).toMatchObject({ kind: "and", items: [{}, {}, {}] });
    const grouped = parseRule("(a = 1 || b = 2) && c = 3").root as LogicalExpr;
    expect(grouped).toMatchObject({ kind: "and", items: [{ kind: "or" }, { kind: "compare" }] });
  });

  it("allows // line comments and any whitespace", () => {
    const root = parseRule(
      "// who may list\n  owner = @request.auth.id // the owner\n\t&& status != 'draft'",
    );
    expect(root.root).toMatchObject({ kind: "and" });
  });

  it("keeps long && chains flat (no recursion per item)", () => {
    const text = Array.from({ length: 500 }, (_, i) => `a = ${i}`).join(" && ");
    expect((parseRule(text).root as LogicalExpr).items).toHaveLength(500);
  });

  it("caches by text: parsing twice gives the same AST object", () => {
    expect(parseRule("cached = 1")).toBe(parseRule("cached = 1"));
  });
});

describe("parseRule: errors carry a position", () => {
  const cases: [string, string, number, number, number][] = [
    ["", "empty", 0, 1, 1],
    ["a = ", "Unexpected end", 4, 1, 5],
    ["a", "Expected an operator", 1, 1, 2],
    ["a == 1", "Expected a value or a field before the operator", 3, 1, 4],
    ['a = "open', "Unterminated string", 4, 1, 5],
    ["a = 1 b = 2", "Expected && or ||", 6, 1, 7],
    ["a = 1 &&", "Unexpected end", 8, 1, 9],
    ["(a = 1", 'Expected ")"', 6, 1, 7],
    ["a = 1)", 'Unbalanced ")"', 5, 1, 6],
    ["()", "Empty parentheses", 1, 1, 2],
    ["a = 1\n&& b # 2", "Unexpected character", 11, 2, 6],
    ["a = 1 & b = 2", "Unexpected character", 6, 1, 7],
    ["a ? 1", "Expected an operator after ?", 2, 1, 3],
    ["a. = 1", 'Expected a name after "."', 2, 1, 3],
    ["a:len:x = 1", "A modifier must come last", 2, 1, 3],
    ["@nope = 1", "Unknown @nope", 0, 1, 1],
    ["@now.x = 1", "@now takes no path", 5, 1, 6],
    ["@collection = 1", "Expected a collection name", 11, 1, 12],
    ["@collection.users = 1", "Expected a field after the collection name", 17, 1, 18],
    ['a = "\\q"', "Unknown escape \\q", 5, 1, 6],
    ['a = "\\u12"', "four hex digits", 5, 1, 6],
    ["a = 12abc", "Invalid number", 4, 1, 5],
    ["a = 1.", "Invalid number", 4, 1, 5],
    ["a = 1e999", "too large", 4, 1, 5],
  ];
  it.each(cases)("%j → %s", (text, message, offset, line, column) => {
    const error = syntaxError(text);
    expect(error.message).toContain(message);
    expect(error.message).toContain(`(line ${line}, column ${column})`);
    expect({ offset: error.offset, line: error.line, column: error.column }).toEqual({
      offset,
      line,
      column,
    });
  });

  it("is a CairnError with code BAD_REQUEST (the HTTP layer answers 400)", () => {
    const error = syntaxError("a =");
    expect(isCairnError(error)).toBe(true);
    expect(error.code).toBe("BAD_REQUEST");
    expect(error.status).toBe(400);
  });
});

describe("parseRule: limits and hostile input", () => {
  it("refuses text longer than the limit, before reading it", () => {
    const long = `a = "${"x".repeat(ruleLimits.maxLength)}"`;
    expect(syntaxError(long).message).toContain(`longer than ${ruleLimits.maxLength} characters`);
    expect(syntaxError("a = 1 && b = 2", { maxLength: 5 }).message).toContain("longer than 5");
  });

  it("refuses nesting deeper than the limit; 10 000 parentheses are an error, not a stack overflow", () => {
    const nested = (n: number) => `${"(".repeat(n)}a = 1${")".repeat(n)}`;
    expect(() => parseRule(nested(ruleLimits.maxDepth))).not.toThrow();
    expect(syntaxError(nested(ruleLimits.maxDepth + 1)).message).toContain("nested deeper than 64");
    const deep = syntaxError(nested(10_000), { maxLength: 100_000 });
    expect(deep.message).toContain("nested deeper");
    expect(deep.offset).toBe(ruleLimits.maxDepth);
    expect(syntaxError("(".repeat(10_000), { maxLength: 100_000 })).toBeInstanceOf(RuleSyntaxError);
  });

  it("reads SQL fragments and quotes as plain data", () => {
    const injection = `'; DROP TABLE users; --`;
    expect(compare(`name = "${injection}"`).right).toMatchObject({ value: injection });
    expect(compare(`name = '\\' OR 1=1 --'`).right).toMatchObject({ value: "' OR 1=1 --" });
    expect(compare(`name = "\\"); DELETE FROM x; --"`).right).toMatchObject({
      value: '"); DELETE FROM x; --',
    });
  });

  it("refuses SQL syntax outside strings", () => {
    for (const text of [
      "a = 1; DROP TABLE x",
      "a = 1 -- comment",
      "a = 1 OR 1 = 1",
      "a = (SELECT 1)",
      'a = "x" || "y"',
      "a = b.*",
    ]) {
      expect(() => parseRule(text), text).toThrow(RuleSyntaxError);
    }
  });

  it("takes any Unicode in strings but refuses NUL characters and lone surrogates", () => {
    expect(compare('name = "日本語 😀 \u202e"').right).toMatchObject({ value: "日本語 😀 \u202e" });
    expect(syntaxError('name = "a\u0000b"').message).toContain("NUL");
    expect(syntaxError('name = "\\u0000"').message).toContain("NUL");
    expect(syntaxError("name = 1\u0000").message).toContain("NUL");
    expect(syntaxError('name = "\\ud800"').message).toContain("lone surrogate");
    expect(syntaxError(`name = "\ud800"`).message).toContain("lone surrogate");
    expect(syntaxError("naмe = 1").message).toContain("Unexpected character");
  });

  it("survives random input: either an AST or a RuleSyntaxError, never anything else", () => {
    const unit = fc.constantFrom(
      ..."ab1 .\"'\\=!<>~?&|()@:_-/\n\u0000😀".split(""),
      "@request.",
      "&&",
      "tags:each",
    );
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 40 }), (text) => {
        try {
          parseRule(text);
        } catch (error) {
          expect(error).toBeInstanceOf(RuleSyntaxError);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
