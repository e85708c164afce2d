import type { Actor, Ctx } from "../context.js";
import { errors } from "../errors.js";
import { parseCursor } from "../events/read-events.js";
import type { RealtimeBroker } from "./realtime-broker.js";
import { checkSubscriptions } from "./realtime-subscriptions.js";

export interface OpenRealtimeInput {
  broker: RealtimeBroker;
  /** The cursor of the last event the client handled (SSE Last-Event-ID): resume after it. */
  lastEventId?: string | undefined;
  /** The initial subscription set, taken at once (no separate POST needed). */
  subscriptions?: unknown;
  /** Resolves the stream's credentials again (revoked sessions stop receiving). */
  revalidate?: (() => Promise<Actor>) | undefined;
}

/**
 * Opens a realtime stream for `ctx.actor`: everyone may open one (each event is then shown only
 * as that actor's rules allow); subscriptions are checked before the stream exists.
 */
export async function openRealtime({ ctx, input }: { ctx: Ctx; input: OpenRealtimeInput }) {
  const resumeFrom =
    input.lastEventId === undefined || input.lastEventId === ""
      ? undefined
      : parseCursor(input.lastEventId);
  if (input.lastEventId && !resumeFrom) {
    throw errors.badRequest('Last-Event-ID must be an event cursor such as "1234.56".');
  }
  const subscriptions =
    input.subscriptions === undefined
      ? undefined
      : await checkSubscriptions(ctx, input.subscriptions, {
          max: input.broker.limits.maxSubscriptions,
        });
  const connection = await input.broker.connect({
    ctx,
    resumeFrom,
    subscriptions,
    revalidate: input.revalidate,
  });
  return { clientId: connection.id, stream: connection.stream };
}
