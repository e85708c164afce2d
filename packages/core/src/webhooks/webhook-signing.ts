// Standard Webhooks signing (https://www.standardwebhooks.com): `webhook-id`,
// `webhook-timestamp` and `webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">`,
// with secrets written `whsec_<base64>`. Secrets never reach a log or an error message.
import { createHmac, randomBytes } from "node:crypto";

export const secretPrefix = "whsec_";
/** The Standard Webhooks bounds for a secret's key. */
const minKeyBytes = 24;
const maxKeyBytes = 64;
const base64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** A new signing secret: `whsec_` and 32 random bytes in base64. */
export function generateWebhookSecret(): string {
  return `${secretPrefix}${randomBytes(32).toString("base64")}`;
}

/** Whether `secret` is `whsec_<base64 of 24 to 64 bytes>`. */
export function isWebhookSecret(secret: unknown): secret is string {
  if (typeof secret !== "string" || !secret.startsWith(secretPrefix)) return false;
  const encoded = secret.slice(secretPrefix.length);
  if (!base64.test(encoded) || encoded.length % 4 !== 0) return false;
  const bytes = Buffer.from(encoded, "base64").length;
  return bytes >= minKeyBytes && bytes <= maxKeyBytes;
}

/** The HMAC key: the base64-decoded part after `whsec_`. */
function keyOf(secret: string): Buffer {
  return Buffer.from(secret.slice(secretPrefix.length), "base64");
}

/** One `v1,<signature>` for `secret`. */
export function signWith(secret: string, id: string, timestamp: number, body: string): string {
  const mac = createHmac("sha256", keyOf(secret)).update(`${id}.${timestamp}.${body}`);
  return `v1,${mac.digest("base64")}`;
}

/**
 * The three Standard Webhooks headers. Every secret given signs (space-separated), so a
 * receiver still holding the previous secret verifies during a rotation.
 */
export function signatureHeaders(input: {
  id: string;
  /** Unix seconds of this attempt. */
  timestamp: number;
  body: string;
  secrets: readonly string[];
}): Record<"webhook-id" | "webhook-timestamp" | "webhook-signature", string> {
  return {
    "webhook-id": input.id,
    "webhook-timestamp": String(input.timestamp),
    "webhook-signature": input.secrets
      .map((secret) => signWith(secret, input.id, input.timestamp, input.body))
      .join(" "),
  };
}
