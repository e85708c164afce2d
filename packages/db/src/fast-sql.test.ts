// compileSql gives drizzle's own text, parameters and typings for every statement it takes, and
// takes none it might get wrong: those go to drizzle.
import { eq, type SQL, sql } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";
import { describe, expect, it } from "vitest";
import { compileSql } from "./fast-sql.js";
import * as schema from "./schema/index.js";

const drizzle = new PgDialect();
const when = new Date("2026-11-22T10:00:00.125Z");

describe("compileSql", () => {
  const same: Record<string, SQL> = {
    "text only": sql`SELECT 1`,
    "values of every kind": sql`SELECT ${"a"}, ${1.5}, ${true}, ${null}, ${when}, ${10n}`,
    identifiers: sql`SELECT ${sql.identifier("plain")}, ${sql.identifier('we"ird')} FROM ${sql.identifier("t")}`,
    "nested fragments, joined": sql`SELECT * FROM t WHERE ${sql.join(
      [sql`a = ${1}`, sql`(b = ${"x"} OR ${sql`c IS NULL`})`, sql.raw("d > 0")],
      sql` AND `,
    )} LIMIT ${50}`,
    "a list": sql`SELECT * FROM t WHERE id IN ${[1, "two", null, sql`three`]}`,
    "an empty list": sql`SELECT ${[]}`,
    "a table with its schema": sql`INSERT INTO ${schema.events} ("type") VALUES (${"record.created"})`,
    "empty and undefined parts": sql`SELECT 1${sql``}${undefined}`,
    "sql.raw": sql.raw(`SELECT "x" FROM "y"`),
  };
  for (const [name, query] of Object.entries(same)) {
    it(`builds ${name} as drizzle does`, () => {
      const fast = compileSql(query);
      expect(fast).toBeDefined();
      expect(fast).toEqual(drizzle.sqlToQuery(query));
    });
  }

  const left: Record<string, SQL> = {
    "a column": sql`SELECT ${schema.events.position} FROM ${schema.events}`,
    "a placeholder": sql`SELECT ${sql.placeholder("id")}`,
    "a plain object": sql`SELECT ${{ a: [1] }}`,
    "an encoded parameter": sql`SELECT 1 WHERE ${eq(schema.events.position, 3)}`,
    "a parameter with its encoder": sql`SELECT ${sql.param(1)}`,
    "inlined parameters": sql`SELECT ${"x"}`.inlineParams(),
    "nested inlined parameters": sql`SELECT ${sql`${"x"}`.inlineParams()}`,
    "a list holding a column": sql`SELECT ${[schema.events.position]}`,
  };
  for (const [name, query] of Object.entries(left)) {
    it(`leaves ${name} to drizzle`, () => {
      expect(compileSql(query)).toBeUndefined();
    });
  }
});
