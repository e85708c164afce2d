import { describe, expect, it } from "vitest";
import { bucketSecondsFor } from "./get-request-log-stats.js";
import { escapeLike, parseRequestLogFilters } from "./request-log-shared.js";

describe("request log filters", () => {
  it("escapes LIKE wildcards", () => {
    expect(escapeLike("a_b%c\\d")).toBe("a\\_b\\%c\\\\d");
  });

  it("collects every bad value at once", () => {
    const { problems } = parseRequestLogFilters({
      status: "4x",
      method: "get it",
      minDuration: "-5",
      from: "2026-11-22T10:00:00Z",
      to: "2026-11-21T10:00:00Z",
    });
    expect(Object.keys(problems).sort()).toEqual(["method", "minDuration", "status", "to"]);
  });

  it("picks bucket widths that keep to about 200 bars", () => {
    expect(bucketSecondsFor(3600)).toBe(60);
    expect(bucketSecondsFor(12 * 3600)).toBe(300);
    expect(bucketSecondsFor(24 * 3600)).toBe(900);
    expect(bucketSecondsFor(7 * 86_400)).toBe(3600);
    expect(bucketSecondsFor(30 * 86_400)).toBe(21_600);
    expect(bucketSecondsFor(90 * 86_400)).toBe(86_400);
    expect((366 * 86_400) / bucketSecondsFor(366 * 86_400)).toBeLessThanOrEqual(200);
  });
});
