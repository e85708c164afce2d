import { describe, expect, it } from "vitest";
import { bindFilter } from "./filter-bind.js";

describe("bindFilter", () => {
  it("binds strings quoted and escaped, and every other kind of value", () => {
    expect(
      bindFilter("a = {:s} && b = {:n} && c = {:t} && d = {:z} && e > {:d} && f = {:big}", {
        s: 'say "hi"\\\n\t\r\u0001',
        n: -2.5,
        t: true,
        z: null,
        d: new Date("2026-01-02T03:04:05.678Z"),
        big: 12n,
      }),
    ).toBe(
      'a = "say \\"hi\\"\\\\\\n\\t\\r\\u0001" && b = -2.5 && c = true && d = null && ' +
        'e > "2026-01-02T03:04:05.678Z" && f = 12',
    );
  });

  it("leaves placeholders in quoted text and comments alone", () => {
    expect(bindFilter("a = \"{:x}\" && b = 'it\\'s {:x}' // {:x}\n&& c = {:x}", { x: 1 })).toBe(
      "a = \"{:x}\" && b = 'it\\'s {:x}' // {:x}\n&& c = 1",
    );
  });

  it("refuses what it cannot bind safely", () => {
    expect(() => bindFilter("a = {:missing}")).toThrow(
      /no value given for placeholder \{:missing\}/,
    );
    expect(() => bindFilter("a = {:n}", { n: Number.NaN })).toThrow(/finite/);
    expect(() => bindFilter("a = {:d}", { d: new Date("nope") })).toThrow(/invalid Date/);
    expect(() => bindFilter("a = {:s}", { s: "a\0b" })).toThrow(/NUL/);
    expect(() => bindFilter("a = {:o}", { o: {} as never })).toThrow(/must be a string/);
    expect(() => bindFilter("a = {:1x}", {})).toThrow(/malformed/);
  });

  it("an injection attempt stays one literal", () => {
    expect(bindFilter("title = {:q}", { q: '" || id != "' })).toBe('title = "\\" || id != \\""');
  });
});
