// Turns a requested ByteRange into concrete inclusive offsets, with HTTP's rules for clamping and
// unsatisfiable ranges, so the local adapter and S3 suffix reads agree byte for byte.
import type { ByteRange } from "./storage-adapter.js";
import { storageErrors } from "./storage-error.js";

export function resolveRange(range: ByteRange, size: number): { start: number; end: number } {
  if ("suffix" in range) {
    if (!Number.isSafeInteger(range.suffix) || range.suffix <= 0 || size === 0) {
      throw storageErrors.invalidRange(size);
    }
    return { start: Math.max(0, size - range.suffix), end: size - 1 };
  }
  const { start, end } = range;
  const valid =
    Number.isSafeInteger(start) &&
    start >= 0 &&
    (end === undefined || (Number.isSafeInteger(end) && end >= start));
  if (!valid || start >= size) throw storageErrors.invalidRange(size);
  return { start, end: Math.min(end ?? size - 1, size - 1) };
}
