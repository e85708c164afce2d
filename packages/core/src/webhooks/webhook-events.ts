// Which events an endpoint receives, and what it receives for each. Patterns are matched
// against eventName(event): "posts.created", "posts.*", "auth.user.created", "auth.*", "*".
import { authEventTypes, type CairnEvent, eventName } from "../events/event-types.js";

const recordActions = ["created", "updated", "deleted"] as const;
const authNames = new Set<string>(authEventTypes);
const collectionName = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/** The type test events carry; no outbox event has it. */
export const testEventType = "webhook.test";

/**
 * Why `pattern` is not an event pattern, or undefined when it is. `collection` is the
 * collection it names, if any (the caller checks it exists).
 */
export function checkEventPattern(pattern: string): { problem?: string; collection?: string } {
  if (pattern === "*" || pattern === "auth.*" || pattern === "auth.user.*") return {};
  if (authNames.has(pattern)) return {};
  if (pattern.startsWith("auth.user.")) {
    return { problem: `No auth event "${pattern}"; there are ${[...authNames].join(", ")}.` };
  }
  const dot = pattern.lastIndexOf(".");
  const name = pattern.slice(0, dot);
  const action = pattern.slice(dot + 1);
  if (dot > 0 && collectionName.test(name)) {
    if (action === "*" || (recordActions as readonly string[]).includes(action))
      return { collection: name };
  }
  return {
    problem: `"${pattern}" is not an event pattern: use "<collection>.created", "<collection>.updated", "<collection>.deleted", "<collection>.*", an auth event such as "auth.user.created", "auth.*" or "*".`,
  };
}

/** Whether an event named `name` matches one of `patterns` ("x.*" matches every "x.…"). */
export function matchesEvent(patterns: readonly string[], name: string): boolean {
  return patterns.some(
    (pattern) =>
      pattern === "*" ||
      pattern === name ||
      (pattern.endsWith(".*") && name.startsWith(pattern.slice(0, -1))),
  );
}

/** The JSON body sent for an event: `{ type, timestamp, data }`. */
export function webhookPayload(event: CairnEvent): string {
  return JSON.stringify({ type: eventName(event), timestamp: event.created, data: event.data });
}
