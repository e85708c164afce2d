// Turns rule text into tokens, iteratively (no recursion, so hostile input cannot blow the
// stack). Owns the lexical grammar: strings and escapes, numbers, paths, operators, comments.
import { CairnError } from "../errors.js";
import type { CompareOp, Segment } from "./rule-ast.js";
import { isWellFormed } from "./rule-values.js";

/** A rule that does not parse. A 400 (BAD_REQUEST) when it reaches the HTTP layer. */
export class RuleSyntaxError extends CairnError {
  readonly offset: number;
  readonly line: number;
  readonly column: number;
  /** The message without the position suffix. */
  readonly reason: string;

  constructor(text: string, offset: number, reason: string) {
    const { line, column } = positionOf(text, offset);
    super("BAD_REQUEST", `${reason} (line ${line}, column ${column})`);
    this.name = "RuleSyntaxError";
    this.offset = offset;
    this.line = line;
    this.column = column;
    this.reason = reason;
  }
}

/** 1-based line and column of an offset; columns count UTF-16 code units, like JS strings. */
export function positionOf(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  const stop = Math.min(offset, text.length);
  for (let i = 0; i < stop; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/** A path part: `.name` (or the head) or `:name` (an alias or a modifier). */
export interface PathPart extends Segment {
  readonly separator: "" | "." | ":";
}

export type Token =
  | { kind: "string"; value: string; offset: number; end: number }
  | { kind: "number"; value: number; offset: number; end: number }
  | { kind: "path"; parts: PathPart[]; at: boolean; offset: number; end: number }
  | { kind: "op"; op: CompareOp; any: boolean; offset: number; end: number }
  | { kind: "and" | "or" | "lparen" | "rparen" | "eof"; offset: number; end: number };

const isDigit = (c: number) => c >= 48 && c <= 57;
const isIdentStart = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
const isIdentChar = (c: number) => isIdentStart(c) || isDigit(c);
const isSpace = (c: number) => c === 32 || c === 9 || c === 10 || c === 13;

const simpleEscapes: Record<string, string> = {
  "\\": "\\",
  '"': '"',
  "'": "'",
  n: "\n",
  r: "\r",
  t: "\t",
};

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  const fail = (offset: number, reason: string): never => {
    throw new RuleSyntaxError(text, offset, reason);
  };
  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (isSpace(c)) {
      i++;
      continue;
    }
    if (c === 47 && text.charCodeAt(i + 1) === 47) {
      while (i < text.length && text.charCodeAt(i) !== 10) i++;
      continue;
    }
    const start = i;
    if (c === 34 || c === 39) {
      i = readString(text, i, tokens, fail);
      continue;
    }
    if (isDigit(c) || (c === 45 && isDigit(text.charCodeAt(i + 1)))) {
      i = readNumber(text, i, tokens, fail);
      continue;
    }
    if (isIdentStart(c) || (c === 64 && isIdentStart(text.charCodeAt(i + 1)))) {
      i = readPath(text, i, tokens, fail);
      continue;
    }
    const two = text.slice(i, i + 2);
    if (two === "&&" || two === "||") {
      tokens.push({ kind: two === "&&" ? "and" : "or", offset: start, end: start + 2 });
      i += 2;
      continue;
    }
    if (c === 40 || c === 41) {
      tokens.push({ kind: c === 40 ? "lparen" : "rparen", offset: start, end: start + 1 });
      i++;
      continue;
    }
    const any = c === 63;
    const opStart = any ? i + 1 : i;
    const op = readOperator(text, opStart);
    if (op) {
      const end = opStart + op.length;
      tokens.push({ kind: "op", op, any, offset: start, end });
      i = end;
      continue;
    }
    if (c === 0) fail(i, "NUL characters are not allowed");
    if (any) fail(i, "Expected an operator after ?");
    const shown = String.fromCodePoint(text.codePointAt(i) ?? c);
    fail(i, `Unexpected character ${JSON.stringify(shown)}`);
  }
  tokens.push({ kind: "eof", offset: text.length, end: text.length });
  return tokens;
}

function readOperator(text: string, i: number): CompareOp | undefined {
  const c = text[i];
  const next = text[i + 1];
  switch (c) {
    case "=":
      return "=";
    case "!":
      if (next === "=") return "!=";
      if (next === "~") return "!~";
      return undefined;
    case ">":
      return next === "=" ? ">=" : ">";
    case "<":
      return next === "=" ? "<=" : "<";
    case "~":
      return "~";
    default:
      return undefined;
  }
}

function readString(
  text: string,
  start: number,
  tokens: Token[],
  fail: (offset: number, reason: string) => never,
): number {
  const quote = text[start];
  let value = "";
  let i = start + 1;
  for (;;) {
    if (i >= text.length) fail(start, "Unterminated string");
    const ch = text[i] as string;
    if (ch === quote) break;
    if (ch === "\0") fail(i, "NUL characters are not allowed");
    if (ch !== "\\") {
      value += ch;
      i++;
      continue;
    }
    const escaped = text[i + 1];
    if (escaped === undefined) fail(start, "Unterminated string");
    const simple = simpleEscapes[escaped as string];
    if (simple !== undefined) {
      value += simple;
      i += 2;
      continue;
    }
    if (escaped === "u") {
      const hex = text.slice(i + 2, i + 6);
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail(i, "Expected four hex digits after \\u");
      const code = Number.parseInt(hex, 16);
      if (code === 0) fail(i, "NUL characters are not allowed");
      value += String.fromCharCode(code);
      i += 6;
      continue;
    }
    fail(i, `Unknown escape \\${escaped}`);
  }
  // Postgres cannot hold a lone surrogate; refusing it here keeps SQL and memory in agreement.
  if (!isWellFormed(value)) fail(start, "The string is not valid Unicode (a lone surrogate)");
  tokens.push({ kind: "string", value, offset: start, end: i + 1 });
  return i + 1;
}

function readNumber(
  text: string,
  start: number,
  tokens: Token[],
  fail: (offset: number, reason: string) => never,
): number {
  const match = /^-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(start, start + 400));
  if (!match) return fail(start, "Invalid number");
  const end = start + match[0].length;
  if (end < text.length && (isIdentChar(text.charCodeAt(end)) || text[end] === ".")) {
    fail(start, "Invalid number");
  }
  const value = Number(match[0]);
  if (!Number.isFinite(value)) fail(start, "The number is too large");
  tokens.push({ kind: "number", value: Object.is(value, -0) ? 0 : value, offset: start, end });
  return end;
}

function readPath(
  text: string,
  start: number,
  tokens: Token[],
  fail: (offset: number, reason: string) => never,
): number {
  const at = text[start] === "@";
  let i = at ? start + 1 : start;
  const parts: PathPart[] = [];
  let separator: PathPart["separator"] = "";
  for (;;) {
    const partStart = i;
    // After a dot a part may be all digits (a JSON array index); heads and :names may not.
    const first = text.charCodeAt(i);
    const ok = separator === "." ? isIdentChar(first) : isIdentStart(first);
    if (!ok) fail(i, separator === "" ? "Expected a name" : `Expected a name after "${separator}"`);
    while (i < text.length && isIdentChar(text.charCodeAt(i))) i++;
    parts.push({ name: text.slice(partStart, i), offset: partStart, separator });
    const next = text[i];
    if (next !== "." && next !== ":") break;
    separator = next;
    i++;
  }
  tokens.push({ kind: "path", parts, at, offset: start, end: i });
  return i;
}
