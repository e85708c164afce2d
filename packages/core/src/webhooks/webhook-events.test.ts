import { describe, expect, it } from "vitest";
import { checkEventPattern, matchesEvent } from "./webhook-events.js";
import { parseRetryAfter, retryDelay, retryDelaysMs } from "./webhook-schedule.js";

describe("event patterns", () => {
  it.each([
    ["*", "posts.created", true],
    ["*", "auth.user.signed_in", true],
    ["posts.*", "posts.deleted", true],
    ["posts.*", "postscript.created", false],
    ["posts.created", "posts.created", true],
    ["posts.created", "posts.updated", false],
    ["auth.*", "auth.user.created", true],
    ["auth.user.*", "auth.user.password_changed", true],
    ["auth.user.created", "auth.user.created", true],
    ["auth.user.created", "auth.user.deleted", false],
    ["auth.*", "posts.created", false],
  ])("%s matches %s: %s", (pattern, name, expected) => {
    expect(matchesEvent([pattern], name)).toBe(expected);
  });

  it("checks patterns and names the collection they need", () => {
    expect(checkEventPattern("posts.created")).toEqual({ collection: "posts" });
    expect(checkEventPattern("posts.*")).toEqual({ collection: "posts" });
    expect(checkEventPattern("auth.user.signed_in")).toEqual({});
    expect(checkEventPattern("*")).toEqual({});
    for (const bad of [
      "posts",
      "posts.created.x",
      "posts.renamed",
      "auth.user.nope",
      "*.created",
      "po sts.created",
      "",
    ]) {
      expect(checkEventPattern(bad).problem).toBeTruthy();
    }
  });
});

describe("the retry schedule", () => {
  it("waits 0, 5 s, 5 min … 24 h with ±10 % jitter, then gives up", () => {
    expect(retryDelaysMs).toHaveLength(10);
    expect(retryDelay(1, () => 0.5)).toBe(5_000);
    expect(retryDelay(1, () => 0)).toBe(4_500);
    expect(retryDelay(1, () => 1)).toBe(5_500);
    expect(retryDelay(2, () => 0.5)).toBe(300_000);
    expect(retryDelay(9, () => 0.5)).toBe(24 * 3_600_000);
    expect(retryDelay(10)).toBeNull();
  });

  it("reads Retry-After as seconds or an HTTP date, capped at 24 h", () => {
    const now = new Date("2030-01-01T00:00:00Z");
    expect(parseRetryAfter("120", now)).toBe(120_000);
    expect(parseRetryAfter("Tue, 01 Jan 2030 00:10:00 GMT", now)).toBe(600_000);
    expect(parseRetryAfter("Mon, 31 Dec 2029 00:00:00 GMT", now)).toBe(0);
    expect(parseRetryAfter(String(10 * 86_400), now)).toBe(86_400_000);
    expect(parseRetryAfter("soon", now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });
});
