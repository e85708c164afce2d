// cairn.filter(): puts values into a filter expression as literals of the rule language
// (docs/rules.md), quoted and escaped, so user input can never change the expression's shape.

/** A value a `{:name}` placeholder can take. */
export type FilterValue = string | number | bigint | boolean | null | Date;

const placeholder = /^\{:([A-Za-z_][A-Za-z0-9_]*)\}/;

/**
 * Replaces each `{:name}` in `expression` with `params[name]` as a safe literal: strings quoted
 * and escaped, numbers, booleans, `null`, Dates as ISO strings. Placeholders inside quoted text
 * or `//` comments are left alone. A placeholder without a value throws a TypeError.
 *
 * @example
 * cairn.filter("title ~ {:q} && created > {:since}", { q: 'say "hi"', since: new Date(0) })
 * // 'title ~ "say \"hi\"" && created > "1970-01-01T00:00:00.000Z"'
 */
export function bindFilter(expression: string, params: Record<string, FilterValue> = {}): string {
  let out = "";
  let i = 0;
  while (i < expression.length) {
    const char = expression[i]!;
    if (char === '"' || char === "'") {
      const end = closingQuote(expression, i);
      out += expression.slice(i, end);
      i = end;
    } else if (char === "/" && expression[i + 1] === "/") {
      const newline = expression.indexOf("\n", i);
      const end = newline === -1 ? expression.length : newline;
      out += expression.slice(i, end);
      i = end;
    } else if (char === "{" && expression[i + 1] === ":") {
      const match = placeholder.exec(expression.slice(i));
      if (!match) throw new TypeError(`filter: malformed placeholder at offset ${i}.`);
      const name = match[1]!;
      if (!Object.hasOwn(params, name)) {
        throw new TypeError(`filter: no value given for placeholder {:${name}}.`);
      }
      out += literal(params[name], name);
      i += match[0].length;
    } else {
      out += char;
      i += 1;
    }
  }
  return out;
}

/** The index just past the quote that closes the literal opened at `start` (or the end). */
function closingQuote(text: string, start: number): number {
  const quote = text[start];
  let i = start + 1;
  while (i < text.length) {
    if (text[i] === "\\") i += 2;
    else if (text[i] === quote) return i + 1;
    else i += 1;
  }
  return text.length;
}

function literal(value: unknown, name: string): string {
  if (value === null) return "null";
  if (typeof value === "boolean") return String(value);
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new TypeError(`filter: {:${name}} is not a finite number.`);
    return String(value);
  }
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime()))
      throw new TypeError(`filter: {:${name}} is an invalid Date.`);
    return quote(value.toISOString());
  }
  if (typeof value === "string") return quote(value, name);
  throw new TypeError(`filter: {:${name}} must be a string, number, boolean, null or Date.`);
}

function quote(text: string, name?: string): string {
  // The rule language refuses NUL (Postgres cannot store it): say so here, by name.
  if (text.includes("\0")) throw new TypeError(`filter: {:${name}} contains a NUL character.`);
  let out = '"';
  for (const char of text) {
    const code = char.codePointAt(0)!;
    if (char === '"') out += '\\"';
    else if (char === "\\") out += "\\\\";
    else if (char === "\n") out += "\\n";
    else if (char === "\r") out += "\\r";
    else if (char === "\t") out += "\\t";
    else if (code < 0x20 || code === 0x7f) out += `\\u${code.toString(16).padStart(4, "0")}`;
    else out += char;
  }
  return `${out}"`;
}
