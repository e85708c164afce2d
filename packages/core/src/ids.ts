import { randomBytes } from "node:crypto";
import { v7 as uuidv7 } from "uuid";

const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";

function randomId(length: number): string {
  const bytes = randomBytes(length);
  let out = "";
  // 252 is the largest multiple of 36 below 256: no modulo bias.
  for (let i = 0; out.length < length; i++) {
    const byte = i < bytes.length ? bytes[i]! : randomBytes(1)[0]!;
    if (byte < 252) out += alphabet[byte % 36];
  }
  return out;
}

/** Record ids: UUIDv7, so they sort by creation time and keep the primary key index compact. */
export const newRecordId = (): string => uuidv7();
export const newCollectionId = (): string => `c${randomId(14)}`;
export const newFieldId = (): string => `f${randomId(9)}`;

/** Ids a client may choose for a new record. */
export const recordIdPattern = /^[A-Za-z0-9_-]{1,64}$/;
