// The TOTP maths against @oslojs/otp's own generator: the step from the ctx clock, one step of
// drift either side and no more, each step once, and the key URI apps scan.
import { decodeBase32IgnorePadding } from "@oslojs/encoding";
import { generateHOTP, generateTOTP } from "@oslojs/otp";
import { afterEach, describe, expect, it, vi } from "vitest";
import { matchTotp, newTotpSecret, totpStepAt, totpUri } from "./mfa-totp.js";

const secret = newTotpSecret();
const key = decodeBase32IgnorePadding(secret);
const now = new Date("2030-01-01T00:00:10Z");
const step = totpStepAt(now);
const codeAt = (s: number) => generateHOTP(key, BigInt(s), 6);

afterEach(() => {
  vi.useRealTimers();
});

describe("TOTP", () => {
  it("agrees with @oslojs/otp's generateTOTP on the current step", () => {
    vi.useFakeTimers();
    vi.setSystemTime(now);
    const code = generateTOTP(key, 30, 6);
    expect(matchTotp({ secret, code, now, afterStep: null })).toBe(step);
  });

  it("accepts one step either side, not two", () => {
    expect(matchTotp({ secret, code: codeAt(step - 1), now, afterStep: null })).toBe(step - 1);
    expect(matchTotp({ secret, code: codeAt(step + 1), now, afterStep: null })).toBe(step + 1);
    for (const far of [step - 2, step + 2]) {
      const code = codeAt(far);
      // Skip the one-in-a-million case where a far code equals one in the window.
      if ([step - 1, step, step + 1].some((s) => codeAt(s) === code)) continue;
      expect(matchTotp({ secret, code, now, afterStep: null })).toBeUndefined();
    }
  });

  it("refuses steps at or before the last accepted one", () => {
    expect(matchTotp({ secret, code: codeAt(step), now, afterStep: step })).toBeUndefined();
    expect(matchTotp({ secret, code: codeAt(step - 1), now, afterStep: step - 1 })).toBeUndefined();
    expect(matchTotp({ secret, code: codeAt(step + 1), now, afterStep: step })).toBe(step + 1);
  });

  it("refuses anything that is not six digits", () => {
    for (const code of [
      "",
      "12345",
      "1234567",
      "12345a",
      " 123456",
      codeAt(step).replace(/./, "x"),
    ]) {
      expect(matchTotp({ secret, code, now, afterStep: null })).toBeUndefined();
    }
  });

  it("makes 160-bit secrets and an otpauth URI with issuer, label, period and digits", () => {
    expect(key).toHaveLength(20);
    expect(newTotpSecret()).not.toBe(secret);
    const uri = totpUri({ issuer: "My App", label: "ann@example.com", secret });
    expect(uri.startsWith("otpauth://totp/My%20App:ann%40example.com?")).toBe(true);
    const params = new URL(uri).searchParams;
    expect(Object.fromEntries(params)).toEqual({
      issuer: "My App",
      algorithm: "SHA1",
      secret,
      period: "30",
      digits: "6",
    });
  });
});
