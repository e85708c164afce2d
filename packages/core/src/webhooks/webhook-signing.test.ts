import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { generateWebhookSecret, isWebhookSecret, signatureHeaders } from "./webhook-signing.js";

const body = JSON.stringify({
  type: "posts.created",
  timestamp: "2026-01-01T00:00:00.000Z",
  data: { record: { id: "r1", title: "é ✓" } },
});

describe("Standard Webhooks signing", () => {
  it("makes whsec_ secrets of 32 random bytes", () => {
    const secret = generateWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(isWebhookSecret(secret)).toBe(true);
    expect(generateWebhookSecret()).not.toBe(secret);
    expect(isWebhookSecret(`whsec_${Buffer.alloc(16).toString("base64")}`)).toBe(false);
    expect(isWebhookSecret(`whsec_${Buffer.alloc(65).toString("base64")}`)).toBe(false);
    expect(isWebhookSecret("whsec_not base64!")).toBe(false);
    expect(isWebhookSecret(Buffer.alloc(32).toString("base64"))).toBe(false);
  });

  it("verifies with the reference implementation", () => {
    const secret = generateWebhookSecret();
    const timestamp = Math.floor(Date.now() / 1000);
    const headers = signatureHeaders({ id: "msg_abc", timestamp, body, secrets: [secret] });
    expect(headers["webhook-signature"]).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
    // Another secret, a changed body or id: refused.
    expect(() => new Webhook(generateWebhookSecret()).verify(body, headers)).toThrow();
    expect(() => new Webhook(secret).verify(`${body} `, headers)).toThrow();
    expect(() =>
      new Webhook(secret).verify(body, { ...headers, "webhook-id": "msg_other" }),
    ).toThrow();
  });

  it("signs with every secret given, space-separated: both verify during a rotation", () => {
    const [current, previous] = [generateWebhookSecret(), generateWebhookSecret()];
    const timestamp = Math.floor(Date.now() / 1000);
    const headers = signatureHeaders({
      id: "msg_x",
      timestamp,
      body,
      secrets: [current, previous],
    });
    expect(headers["webhook-signature"].split(" ")).toHaveLength(2);
    expect(new Webhook(current).verify(body, headers)).toBeTruthy();
    expect(new Webhook(previous).verify(body, headers)).toBeTruthy();
  });
});
