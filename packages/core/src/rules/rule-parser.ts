// The one parser of the rule/filter language: text in, RuleAst out, or a RuleSyntaxError with a
// position. Enforces the length and nesting limits; never consults the schema (the checker does).
import {
  type CollectionOperand,
  type CompareExpr,
  type Expr,
  type MacroName,
  type Modifier,
  macroNames,
  type Operand,
  type RuleAst,
  type Segment,
} from "./rule-ast.js";
import { type PathPart, RuleSyntaxError, type Token, tokenize } from "./rule-lexer.js";

export { RuleSyntaxError } from "./rule-lexer.js";

export interface ParseOptions {
  /** Longest accepted text, in UTF-16 code units (default 8192). */
  maxLength?: number;
  /** Deepest parenthesis nesting (default 64). */
  maxDepth?: number;
}

export const ruleLimits = { maxLength: 8192, maxDepth: 64 } as const;

const cacheSize = 1000;
const cache = new Map<string, RuleAst>();

/**
 * Parses a rule or filter. Results are cached by text (rules are parsed once, then reused for
 * every request), so the returned AST is shared: treat it as immutable.
 */
export function parseRule(text: string, options: ParseOptions = {}): RuleAst {
  const maxLength = options.maxLength ?? ruleLimits.maxLength;
  const maxDepth = options.maxDepth ?? ruleLimits.maxDepth;
  const key = `${maxLength}:${maxDepth}:${text}`;
  const hit = cache.get(key);
  if (hit) {
    // Refresh its place so the cache evicts the least recently used text first.
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  if (text.length > maxLength) {
    throw new RuleSyntaxError(
      text,
      maxLength,
      `The expression is longer than ${maxLength} characters`,
    );
  }
  const ast: RuleAst = { text, root: new Parser(text, tokenize(text), maxDepth).parse() };
  if (cache.size >= cacheSize) cache.delete(cache.keys().next().value as string);
  cache.set(key, ast);
  return ast;
}

class Parser {
  #pos = 0;
  #depth = 0;

  constructor(
    readonly text: string,
    readonly tokens: Token[],
    readonly maxDepth: number,
  ) {}

  parse(): Expr {
    if (this.#peek().kind === "eof") this.#fail(0, "The expression is empty");
    const expr = this.#parseOr();
    const next = this.#peek();
    if (next.kind === "rparen") this.#fail(next.offset, 'Unbalanced ")"');
    if (next.kind !== "eof") this.#fail(next.offset, "Expected && or || between conditions");
    return expr;
  }

  #peek(): Token {
    return this.tokens[this.#pos] as Token;
  }

  #next(): Token {
    const token = this.tokens[this.#pos] as Token;
    if (token.kind !== "eof") this.#pos++;
    return token;
  }

  #fail(offset: number, reason: string): never {
    throw new RuleSyntaxError(this.text, offset, reason);
  }

  #parseOr(): Expr {
    return this.#parseChain("or", () => this.#parseAnd());
  }

  #parseAnd(): Expr {
    return this.#parseChain("and", () => this.#parsePrimary());
  }

  #parseChain(kind: "and" | "or", item: () => Expr): Expr {
    const first = item();
    if (this.#peek().kind !== kind) return first;
    const items = [first];
    while (this.#peek().kind === kind) {
      this.#next();
      items.push(item());
    }
    return { kind, items, offset: first.offset, end: (items.at(-1) as Expr).end };
  }

  #parsePrimary(): Expr {
    const token = this.#peek();
    if (token.kind === "lparen") {
      // Only parentheses recurse, so this one counter bounds the parser's stack depth.
      if (this.#depth >= this.maxDepth) {
        this.#fail(token.offset, `Parentheses are nested deeper than ${this.maxDepth} levels`);
      }
      this.#next();
      this.#depth++;
      if (this.#peek().kind === "rparen") this.#fail(this.#peek().offset, "Empty parentheses");
      const inner = this.#parseOr();
      const close = this.#next();
      if (close.kind !== "rparen") this.#fail(close.offset, 'Expected ")"');
      this.#depth--;
      return inner;
    }
    return this.#parseComparison();
  }

  #parseComparison(): CompareExpr {
    const left = this.#parseOperand();
    const opToken = this.#next();
    if (opToken.kind !== "op") {
      this.#fail(opToken.offset, "Expected an operator (=, !=, >, >=, <, <=, ~, !~, or ?=, …)");
    }
    const right = this.#parseOperand();
    return {
      kind: "compare",
      op: opToken.op,
      any: opToken.any,
      opOffset: opToken.offset,
      left,
      right,
      offset: left.offset,
      end: right.end,
    };
  }

  #parseOperand(): Operand {
    const token = this.#next();
    const { offset, end } = token;
    switch (token.kind) {
      case "string":
      case "number":
        return { kind: "literal", value: token.value, offset, end };
      case "path":
        return token.at
          ? this.#atOperand(token.parts, offset, end)
          : this.#plainOperand(token.parts, offset, end);
      case "eof":
        return this.#fail(offset, "Unexpected end of the expression");
      case "op":
        return this.#fail(offset, "Expected a value or a field before the operator");
      default:
        return this.#fail(offset, "Expected a value or a field");
    }
  }

  #plainOperand(parts: PathPart[], offset: number, end: number): Operand {
    const head = parts[0] as PathPart;
    if (parts.length === 1) {
      if (head.name === "true" || head.name === "false") {
        return { kind: "literal", value: head.name === "true", offset, end };
      }
      if (head.name === "null") return { kind: "literal", value: null, offset, end };
    }
    const { path, modifier } = this.#splitModifier(parts, 0);
    return { kind: "field", path, modifier, offset, end };
  }

  #atOperand(parts: PathPart[], offset: number, end: number): Operand {
    const head = parts[0] as PathPart;
    if (head.name === "request") {
      const { path, modifier } = this.#splitModifier(parts, 1);
      return { kind: "request", path, modifier, offset, end };
    }
    if (head.name === "collection") return this.#collectionOperand(parts, offset, end);
    if ((macroNames as readonly string[]).includes(head.name)) {
      const extra = parts[1];
      if (extra) this.#fail(extra.offset, `@${head.name} takes no path or modifier`);
      return { kind: "macro", name: head.name as MacroName, offset, end };
    }
    return this.#fail(offset, `Unknown @${head.name}`);
  }

  #collectionOperand(parts: PathPart[], offset: number, end: number): CollectionOperand {
    const name = parts[1];
    if (name?.separator !== ".") {
      this.#fail(name?.offset ?? end, "Expected a collection name after @collection.");
    }
    let index = 2;
    let alias: Segment | null = null;
    const maybeAlias = parts[2];
    if (maybeAlias?.separator === ":") {
      alias = { name: maybeAlias.name, offset: maybeAlias.offset };
      index = 3;
    }
    const { path, modifier } = this.#splitModifier(parts, index);
    if (path.length === 0) this.#fail(end, "Expected a field after the collection name");
    return {
      kind: "collection",
      collection: { name: name.name, offset: name.offset },
      alias,
      path,
      modifier,
      offset,
      end,
    };
  }

  /** `a.b.c:mod` → path [a, b, c] and the modifier; a `:` anywhere but last is an error. */
  #splitModifier(parts: PathPart[], from: number): { path: Segment[]; modifier: Modifier | null } {
    const path: Segment[] = [];
    let modifier: Modifier | null = null;
    for (let i = from; i < parts.length; i++) {
      const part = parts[i] as PathPart;
      if (part.separator === ":") {
        if (i !== parts.length - 1) this.#fail(part.offset, "A modifier must come last");
        modifier = { name: part.name, offset: part.offset - 1 };
      } else {
        path.push({ name: part.name, offset: part.offset });
      }
    }
    return { path, modifier };
  }
}
