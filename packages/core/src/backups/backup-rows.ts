// Rows in and out of the archive as NDJSON, one JSON object per line exactly as Postgres's
// to_jsonb writes it and jsonb_populate_recordset reads it back: no value passes through JS
// numbers or Dates, so timestamps, numerics, bigints, arrays, jsonb and bytea round-trip exactly.
import { createHash } from "node:crypto";
import { once } from "node:events";
import { createWriteStream } from "node:fs";
import { type Db, queryRows } from "@cairn/db";
import { sql } from "drizzle-orm";
import { quoteIdent } from "../sql.js";

const fetchSize = 500;

export interface DumpedTable {
  count: number;
  size: number;
  sha256: string;
}

/** `"schema"."table"` from trusted names (system tables and collection names). */
export function qualified(schemaName: string, table: string): string {
  return `${quoteIdent(schemaName)}.${quoteIdent(table)}`;
}

/**
 * Streams a table's rows into `path` through a cursor, `fetchSize` rows at a time, so memory
 * holds one page whatever the table's size. Must run inside the snapshot's transaction.
 */
export async function dumpTable(
  db: Db,
  table: string,
  path: string,
  options: { where?: string } = {},
): Promise<DumpedTable> {
  const out = createWriteStream(path);
  const hash = createHash("sha256");
  let count = 0;
  let size = 0;
  const write = async (text: string) => {
    hash.update(text);
    size += Buffer.byteLength(text);
    if (!out.write(text)) await once(out, "drain");
  };
  try {
    await db.execute(
      sql.raw(
        `DECLARE cairn_backup NO SCROLL CURSOR FOR SELECT to_jsonb(t)::text AS r FROM ${table} AS t` +
          (options.where ? ` WHERE ${options.where}` : ""),
      ),
    );
    for (;;) {
      const rows = await queryRows<{ r: string }>(
        db,
        sql.raw(`FETCH FORWARD ${fetchSize} FROM cairn_backup`),
      );
      for (const row of rows) {
        await write(`${row.r}\n`);
        count += 1;
      }
      if (rows.length < fetchSize) break;
    }
    await db.execute(sql.raw("CLOSE cairn_backup"));
  } finally {
    out.end();
    await once(out, "close");
  }
  return { count, size, sha256: hash.digest("hex") };
}

/**
 * Inserts NDJSON lines in batches; returns how many rows went in. Only the columns the rows
 * carry are written, so columns an older archive lacks take their defaults. A column the target
 * does not have is an error: the archive is from a different schema.
 */
export async function loadRows(
  db: Db,
  schemaName: string,
  table: string,
  lines: AsyncIterable<string>,
): Promise<number> {
  const target = qualified(schemaName, table);
  const existing = new Set(
    (
      await queryRows<{ name: string }>(
        db,
        sql`SELECT attname AS "name" FROM pg_attribute
            WHERE attrelid = ${target}::regclass AND attnum > 0 AND NOT attisdropped`,
      )
    ).map((row) => row.name),
  );
  let columns: string | undefined;
  let batch: string[] = [];
  let batchBytes = 0;
  let count = 0;
  const flush = async () => {
    if (batch.length === 0 || !columns) return;
    await db.execute(
      sql`INSERT INTO ${sql.raw(target)} (${sql.raw(columns)}) SELECT ${sql.raw(columns)} FROM jsonb_populate_recordset(NULL::${sql.raw(target)}, ${`[${batch.join(",")}]`}::jsonb)`,
    );
    count += batch.length;
    batch = [];
    batchBytes = 0;
  };
  for await (const line of lines) {
    if (line === "") continue;
    if (columns === undefined) {
      // to_jsonb writes every column of every row, so the first row names them all.
      const names = Object.keys(JSON.parse(line) as Record<string, unknown>);
      const unknown = names.filter((name) => !existing.has(name));
      if (unknown.length > 0) {
        throw new Error(`${schemaName}.${table} has no column ${unknown.join(", ")} here.`);
      }
      columns = names.map(quoteIdent).join(", ");
    }
    batch.push(line);
    batchBytes += line.length;
    if (batch.length >= fetchSize || batchBytes > 4 * 1024 * 1024) await flush();
  }
  await flush();
  return count;
}

/** Identity and serial columns continue after the restored rows' largest value. */
export async function resetSequences(db: Db, schemaName: string, table: string): Promise<void> {
  const columns = await queryRows<{ column: string; sequence: string }>(
    db,
    sql`SELECT a.attname AS "column", pg_get_serial_sequence(${qualified(schemaName, table)}, a.attname) AS "sequence"
        FROM pg_attribute a
        WHERE a.attrelid = ${qualified(schemaName, table)}::regclass AND a.attnum > 0 AND NOT a.attisdropped
          AND pg_get_serial_sequence(${qualified(schemaName, table)}, a.attname) IS NOT NULL`,
  );
  for (const { column, sequence } of columns) {
    await db.execute(
      sql`SELECT setval(${sequence}::regclass, COALESCE((SELECT max(${sql.identifier(column)}) FROM ${sql.raw(qualified(schemaName, table))}), 0) + 1, false)`,
    );
  }
}
