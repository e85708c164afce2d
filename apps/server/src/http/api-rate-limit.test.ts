// The in-memory limiter behind the general API limit: fixed windows, what a refusal says, and a
// map that stays bounded however many addresses call.
import { describe, expect, it } from "vitest";
import { MemoryRateLimiter } from "./api-rate-limit.js";

describe("MemoryRateLimiter", () => {
  it("allows `limit` requests per key per window, then refuses until the window ends", () => {
    let clock = 60_000 * 10 + 15_000;
    const limiter = new MemoryRateLimiter({ now: () => clock });
    const decisions = [1, 2, 3, 4].map(() => limiter.consume("10.0.0.1", 3));
    expect(decisions.map((d) => d.allowed)).toEqual([true, true, true, false]);
    expect(decisions.map((d) => d.remaining)).toEqual([2, 1, 0, 0]);
    expect(decisions[3]).toMatchObject({ limit: 3, resetSeconds: 45 });
    // Another address has its own count.
    expect(limiter.consume("10.0.0.2", 3).allowed).toBe(true);
    clock += 44_500;
    expect(limiter.consume("10.0.0.1", 3)).toMatchObject({ allowed: false, resetSeconds: 1 });
    clock += 500;
    expect(limiter.consume("10.0.0.1", 3)).toMatchObject({ allowed: true, remaining: 2 });
  });

  it("follows a limit that changes between requests", () => {
    const limiter = new MemoryRateLimiter({ now: () => 0 });
    for (let i = 0; i < 5; i++) limiter.consume("a", 100);
    expect(limiter.consume("a", 5).allowed).toBe(false);
    expect(limiter.consume("a", 100).allowed).toBe(true);
  });

  it("drops expired windows first and never holds more than maxKeys", () => {
    let clock = 0;
    const limiter = new MemoryRateLimiter({ now: () => clock, maxKeys: 100 });
    for (let i = 0; i < 80; i++) limiter.consume(`old-${i}`, 10);
    clock += 60_000;
    limiter.consume("new-0", 10);
    // The last window's keys went as soon as a key of this window came in.
    expect(limiter.size).toBe(1);
    for (let i = 1; i < 1_000; i++) limiter.consume(`new-${i}`, 10);
    expect(limiter.size).toBe(100);
    // The most recent keys are kept, with their counts.
    limiter.consume("new-999", 2);
    expect(limiter.consume("new-999", 2).allowed).toBe(false);
  });
});
