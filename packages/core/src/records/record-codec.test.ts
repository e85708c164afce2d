import { describe, expect, it } from "vitest";
import { toIsoTimestamp } from "./record-codec.js";

describe("toIsoTimestamp", () => {
  it.each([
    ["2026-03-01 10:30:00+00", "2026-03-01T10:30:00.000Z"],
    ["2026-03-01 10:30:00.5+00", "2026-03-01T10:30:00.500Z"],
    ["2026-03-01 10:30:00.123+00", "2026-03-01T10:30:00.123Z"],
    ["2026-03-01 10:30:00.123456+00", "2026-03-01T10:30:00.123Z"],
    ["2026-03-01 12:30:00+02", "2026-03-01T10:30:00.000Z"],
    ["2026-03-01 05:00:00.25-05:30", "2026-03-01T10:30:00.250Z"],
    ["2026-03-01 10:30:00", "2026-03-01T10:30:00.000Z"],
    ["2026-03-01", "2026-03-01T00:00:00.000Z"],
  ])("%s → %s", (input, iso) => {
    expect(toIsoTimestamp(input)).toBe(iso);
  });

  it("passes Dates, null and unparseable text through sensibly", () => {
    expect(toIsoTimestamp(new Date("2026-03-01T10:30:00Z"))).toBe("2026-03-01T10:30:00.000Z");
    expect(toIsoTimestamp(null)).toBeNull();
    expect(toIsoTimestamp("not a date")).toBe("not a date");
  });
});
