// Tokens are stored as their SHA-256 in hex: the same digest for the same text, whatever wrote it
// (sessions and API keys made before are still found).
import { sha256 } from "@oslojs/crypto/sha2";
import { encodeHexLowerCase } from "@oslojs/encoding";
import { describe, expect, it } from "vitest";
import { generateSessionToken, sessionIdOf } from "./session-token.js";

describe("sessionIdOf", () => {
  it("is the SHA-256 of the token's UTF-8 in lower-case hex", () => {
    expect(sessionIdOf("abc")).toBe(
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    );
    for (const token of [generateSessionToken(), "cairn_k3y-with_Ünïcödé", ""]) {
      expect(sessionIdOf(token)).toBe(encodeHexLowerCase(sha256(new TextEncoder().encode(token))));
    }
  });
});
