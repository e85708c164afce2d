import type { Ctx } from "../context.js";
import { errors } from "../errors.js";
import { getSetting } from "../settings/settings-store.js";

/**
 * Accepts a URL an auth flow may redirect to: it must start with the app URL or one of the
 * allowed redirect prefixes (setting "app"). Anything else is refused, so a flow can never be
 * used to send tokens to someone else's site.
 */
export async function checkRedirectUrl(ctx: Ctx, url: string): Promise<string> {
  const app = await getSetting(ctx, "app");
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw errors.badRequest("redirectUrl is not a URL.");
  }
  if (parsed.protocol === "javascript:" || parsed.protocol === "data:") {
    throw errors.badRequest("redirectUrl is not allowed.");
  }
  const allowed = [app.url, ...app.redirectUrls].filter(Boolean);
  const href = parsed.toString();
  // "https://app.example.com" must not let "https://app.example.com.evil.net" through.
  const matches = (prefix: string) =>
    href === prefix ||
    (href.startsWith(prefix) &&
      (prefix.endsWith("/") || "/?#".includes(href[prefix.length] ?? "")));
  if (!allowed.some(matches)) {
    throw errors.badRequest(
      "redirectUrl is not among the allowed redirect URLs (settings → app → redirectUrls).",
    );
  }
  return href;
}
