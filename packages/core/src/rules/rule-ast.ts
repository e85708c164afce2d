// The rule AST: what the parser produces and what the checker, SQL compiler and evaluator read.
// Plain immutable data with source positions; it knows nothing about collections or fields.

/** Comparison operators without the `?` (any-of) prefix. */
export type CompareOp = "=" | "!=" | ">" | ">=" | "<" | "<=" | "~" | "!~";

export const compareOps: readonly CompareOp[] = ["=", "!=", ">", ">=", "<", "<=", "~", "!~"];

export const macroNames = [
  "now",
  "yesterday",
  "tomorrow",
  "second",
  "minute",
  "hour",
  "weekday",
  "day",
  "month",
  "year",
  "todayStart",
  "todayEnd",
  "monthStart",
  "monthEnd",
  "yearStart",
  "yearEnd",
] as const;
export type MacroName = (typeof macroNames)[number];

export const modifierNames = ["isset", "changed", "length", "each", "lower"] as const;
export type ModifierName = (typeof modifierNames)[number];

/** One name in a dotted path, with where it starts in the source. */
export interface Segment {
  readonly name: string;
  readonly offset: number;
}

/** A `:modifier` suffix as written; the checker decides whether it is known and allowed. */
export interface Modifier {
  readonly name: string;
  readonly offset: number;
}

interface Positioned {
  /** Offset of the first character (UTF-16 code units, 0-based). */
  readonly offset: number;
  /** Offset just past the last character. */
  readonly end: number;
}

export type LiteralValue = string | number | boolean | null;

export interface LiteralOperand extends Positioned {
  readonly kind: "literal";
  readonly value: LiteralValue;
}

/** `title`, `author.name`, `comments_via_post.text`, `data.a.0`, optionally `:modifier`. */
export interface FieldOperand extends Positioned {
  readonly kind: "field";
  readonly path: readonly Segment[];
  readonly modifier: Modifier | null;
}

/** `@request.<section>[.<key>]`; `path` holds what follows `@request`. */
export interface RequestOperand extends Positioned {
  readonly kind: "request";
  readonly path: readonly Segment[];
  readonly modifier: Modifier | null;
}

/** `@collection.<name>[:alias].<field path>`. */
export interface CollectionOperand extends Positioned {
  readonly kind: "collection";
  readonly collection: Segment;
  readonly alias: Segment | null;
  readonly path: readonly Segment[];
  readonly modifier: Modifier | null;
}

export interface MacroOperand extends Positioned {
  readonly kind: "macro";
  readonly name: MacroName;
}

export type Operand =
  | LiteralOperand
  | FieldOperand
  | RequestOperand
  | CollectionOperand
  | MacroOperand;

export interface CompareExpr extends Positioned {
  readonly kind: "compare";
  readonly op: CompareOp;
  /** Written with a `?` prefix: true when any item matches. */
  readonly any: boolean;
  readonly opOffset: number;
  readonly left: Operand;
  readonly right: Operand;
}

export interface LogicalExpr extends Positioned {
  readonly kind: "and" | "or";
  /** Two or more; chains are flat so long `a && b && …` lists never nest deeply. */
  readonly items: readonly Expr[];
}

export type Expr = CompareExpr | LogicalExpr;

export interface RuleAst {
  readonly text: string;
  readonly root: Expr;
}
