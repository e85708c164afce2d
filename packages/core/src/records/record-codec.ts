// Rows as the database returns them → records as the API returns them: dates as ISO strings,
// hidden fields only for superusers, password hashes never, emails only when visible.
import type { Collection } from "@cairn/schema";

export type ApiRecord = Record<string, unknown> & { id: string };

export interface CodecOptions {
  isSuperuser: boolean;
  /** The signed-in user's id when they read an auth collection (they see their own email). */
  viewerId?: string | undefined;
}

/**
 * Timestamps as ISO strings. drizzle leaves them as Postgres prints them
 * ("2026-03-01 10:30:00.123+00") on both drivers; a Date may come from elsewhere.
 */
export function toIsoTimestamp(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (typeof value !== "string") return value;
  // Fast path for what a UTC session prints, "2026-03-01 10:30:00.5+00": string work only,
  // a hot spot when a page holds many records.
  const utc = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(?:\.(\d{1,6}))?\+00$/.exec(value);
  if (utc) return `${utc[1]}T${utc[2]}.${(utc[3] ?? "").padEnd(3, "0").slice(0, 3)}Z`;
  // A date column (views) prints only the day.
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return `${value}T00:00:00.000Z`;
  // Offsets print as "+02" or "-05:30"; ISO wants "+02:00".
  let text = value.replace(" ", "T").replace(/(T[\d:.]+[+-]\d\d)$/, "$1:00");
  // timestamp without time zone (views) carries no offset: it is UTC here.
  if (/T\d\d:\d\d(:\d\d(\.\d+)?)?$/.test(text)) text += "Z";
  const date = new Date(text);
  return Number.isNaN(date.getTime()) ? value : date.toISOString();
}

/** Every field in API form; what the evaluator and hooks see. */
export function rowToRecord(collection: Collection, row: Record<string, unknown>): ApiRecord {
  const out: Record<string, unknown> = {};
  for (const field of collection.fields) {
    const value = row[field.name];
    if (value === undefined || value === null) out[field.name] = null;
    else if (field.type === "date" || field.type === "autodate")
      out[field.name] = toIsoTimestamp(value);
    // bigint and numeric columns (views) arrive as strings.
    else if (field.type === "number" && typeof value === "string") out[field.name] = Number(value);
    else out[field.name] = value;
  }
  return out as ApiRecord;
}

/** What a given viewer may see of a record. */
export function presentRecord(
  collection: Collection,
  record: ApiRecord,
  options: CodecOptions,
): ApiRecord {
  const out: Record<string, unknown> = {
    collectionId: collection.id,
    collectionName: collection.name,
  };
  for (const field of collection.fields) {
    if (field.name === "password") continue;
    if (field.hidden && !options.isSuperuser) continue;
    if (
      collection.type === "auth" &&
      field.name === "email" &&
      !options.isSuperuser &&
      record.emailVisibility !== true &&
      record.id !== options.viewerId
    ) {
      continue;
    }
    out[field.name] = record[field.name];
  }
  if (record.expand !== undefined) out.expand = record.expand;
  return out as ApiRecord;
}
