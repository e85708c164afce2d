import { actorRef, type Ctx } from "../context.js";
import { errors } from "../errors.js";
import type { RealtimeBroker } from "./realtime-broker.js";
import { checkSubscriptions } from "./realtime-subscriptions.js";

/**
 * Replaces a stream's subscription set. Only the actor who opened the stream may: the client id
 * alone is not a credential. 404 when the stream is not open on this server (it ended, or it
 * lives on another replica): reconnect with the set, resuming from the last cursor.
 */
export async function setRealtimeSubscriptions({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { broker: RealtimeBroker; clientId: unknown; subscriptions: unknown };
}): Promise<{ clientId: string; subscriptions: { id: string; topic: string }[] }> {
  if (typeof input.clientId !== "string" || input.clientId === "")
    throw errors.badRequest("clientId is required: the id the stream's connect event gave.");
  const connection = input.broker.client(input.clientId);
  if (!connection || connection.closed) {
    throw errors.notFound(`No realtime stream "${input.clientId}" is open on this server.`);
  }
  if (actorRef(ctx.actor) !== connection.actorKey) {
    throw errors.forbidden("This realtime stream was opened by someone else.");
  }
  const subscriptions = await checkSubscriptions(ctx, input.subscriptions, {
    max: input.broker.limits.maxSubscriptions,
  });
  input.broker.setSubscriptions(connection, subscriptions);
  return {
    clientId: connection.id,
    subscriptions: subscriptions.map(({ id, topic }) => ({ id, topic })),
  };
}
