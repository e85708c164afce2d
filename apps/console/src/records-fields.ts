// What the Records page knows about field types: how a value shows in a cell, which sizes of
// thumbnail a file field offers, and how records become CSV. No requests are made here.
import type { Collection, FieldDefinition } from "@cairn/client/admin";

export type RecordRow = Record<string, unknown> & { id: string };
export type CollectionField = Collection["fields"][number];

const imageName = /\.(png|jpe?g|gif|webp|avif)$/i;

export function isImageName(name: string): boolean {
  return imageName.test(name);
}

/** The thumbnail size to show in the console, or undefined when the field offers none. */
export function previewThumb(field: FieldDefinition): string | undefined {
  const thumbs = Array.isArray(field.thumbs) ? (field.thumbs as string[]) : [];
  return thumbs.includes("100x100") ? "100x100" : thumbs[0];
}

/** Stored file names of a file field's value, single or multiple. */
export function fileNames(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((name): name is string => typeof name === "string");
  return typeof value === "string" && value !== "" ? [value] : [];
}

/** A value as plain text: for cells, titles and CSV. */
export function valueText(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (Array.isArray(value) && value.every((item) => typeof item === "string")) {
    return value.join(", ");
  }
  return JSON.stringify(value);
}

/** RFC 4180: quote every cell that needs it, double the quotes inside. */
export function toCsv(columns: readonly string[], records: readonly RecordRow[]): string {
  const cell = (text: string) => (/[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text);
  const lines = [columns.map(cell).join(",")];
  for (const record of records) {
    lines.push(columns.map((column) => cell(valueText(record[column]))).join(","));
  }
  return `${lines.join("\r\n")}\r\n`;
}

/** Saves text as a file through a temporary Blob link. */
export function download(text: string, fileName: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement("a");
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  // The click has handed the URL to the download by now; revoke on the next turn to be safe.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

/** ISO (or the server's "YYYY-MM-DD HH:MM:SS.sssZ") to a datetime-local input's value. */
export function toLocalInput(value: unknown): string {
  if (typeof value !== "string" || value === "") return "";
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return "";
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

/** Per-collection column choice, remembered as the hidden columns so new fields show up. */
export function columnsStorageKey(collection: string): string {
  return `cairn.console.records.hiddenColumns.${collection}`;
}

export function readHiddenColumns(collection: string): string[] {
  try {
    const stored = JSON.parse(localStorage.getItem(columnsStorageKey(collection)) ?? "[]");
    return Array.isArray(stored) ? stored.filter((name) => typeof name === "string") : [];
  } catch {
    return [];
  }
}

export function writeHiddenColumns(collection: string, hidden: readonly string[]): void {
  localStorage.setItem(columnsStorageKey(collection), JSON.stringify(hidden));
}
