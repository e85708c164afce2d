import { generateSessionToken } from "./session-token.js";

/** API keys read as what they are in logs and secret scanners: `cairn_<random>`. */
export const apiKeyPrefix = "cairn_";

export function generateApiKey(): string {
  return `${apiKeyPrefix}${generateSessionToken()}${generateSessionToken()}`;
}
