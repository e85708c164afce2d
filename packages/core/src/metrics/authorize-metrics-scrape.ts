// Decides whether a GET /metrics may be answered: 404 while metrics are off (or no token was
// ever made), 401 without a bearer token, 403 with the wrong one. Needs no signed-in actor:
// the scrape token is its own credential.
import type { Ctx } from "../context.js";
import { errors } from "../errors.js";
import { getSetting } from "../settings/settings-store.js";
import { metricsTokenMatches } from "./metrics-settings.js";

export async function authorizeMetricsScrape({
  ctx,
  input,
}: {
  ctx: Ctx;
  /** The request's Authorization header, if any. */
  input: { authorization: string | undefined };
}): Promise<void> {
  const settings = await getSetting(ctx, "metrics");
  if (!settings.enabled || settings.tokenHash === "") throw errors.notFound("Metrics are off.");
  const token = /^Bearer\s+(\S+)\s*$/i.exec(input.authorization ?? "")?.[1];
  if (!token) throw errors.unauthorized("Send the metrics token as Authorization: Bearer <token>.");
  if (!metricsTokenMatches(token, settings.tokenHash))
    throw errors.forbidden("That is not the metrics token.");
}
