// What admins may save as an endpoint, checked in full so one 400 names every problem: the URL
// (http or https, no credentials, not a private address while those are refused), event
// patterns (collections must exist), the filter (against those collections), headers.

import { isIP } from "node:net";
import type { Collection, FieldError } from "@cairn/schema";
import { z } from "zod";
import type { Ctx } from "../context.js";
import { errors } from "../errors.js";
import { maskedSecret } from "../settings/settings-shared.js";
import { getSetting } from "../settings/settings-store.js";
import { isPrivateAddress } from "./webhook-address.js";
import { checkEventPattern } from "./webhook-events.js";
import { checkWebhookFilter } from "./webhook-filter.js";
import { isWebhookSecret } from "./webhook-signing.js";

/** Headers a webhook may not set: the connection's own, and the signature's. */
const reservedHeaders = new Set([
  "connection",
  "keep-alive",
  "proxy-authenticate",
  "proxy-authorization",
  "proxy-connection",
  "te",
  "trailer",
  "trailers",
  "transfer-encoding",
  "upgrade",
  "host",
  "content-length",
  "content-type",
  "expect",
]);
const headerName = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$/;

export const maxHeaders = 20;

const fieldsSchema = z.object({
  url: z.string().trim().min(1, "Is required.").max(2000),
  description: z.string().trim().max(500),
  events: z.array(z.string().trim().min(1).max(200)).min(1, "Name at least one event.").max(50),
  filter: z.string().max(5000).nullable(),
  headers: z.record(z.string(), z.string().max(4000)),
  enabled: z.boolean(),
  secret: z.string(),
});
export type WebhookFields = z.output<typeof fieldsSchema>;

const createSchema = fieldsSchema.partial().required({ url: true, events: true }).strict();
const updateSchema = fieldsSchema.omit({ secret: true }).partial().strict();

export type CreateWebhookFields = z.output<typeof createSchema>;
export type UpdateWebhookFields = z.output<typeof updateSchema>;

function zodProblems(error: z.ZodError): Record<string, FieldError> {
  const fields: Record<string, FieldError> = {};
  for (const issue of error.issues) {
    const key =
      issue.code === "unrecognized_keys"
        ? issue.keys[0]!
        : issue.path.map(String).join(".") || "body";
    fields[key] ??= {
      code: issue.code === "unrecognized_keys" ? "unknown_field" : "invalid",
      message: issue.code === "unrecognized_keys" ? "No such webhook setting." : issue.message,
    };
  }
  return fields;
}

/** Parses a create (all fields) or update (a patch) body, or throws one VALIDATION_FAILED. */
export async function parseWebhookInput<M extends "create" | "update">(
  ctx: Ctx,
  mode: M,
  input: unknown,
  /** On update: what is stored, so a check sees the endpoint as it would be saved. */
  current?: { events: string[]; filter: string | null; headers: Record<string, string> },
): Promise<M extends "create" ? CreateWebhookFields : UpdateWebhookFields> {
  if (input === null || typeof input !== "object" || Array.isArray(input))
    throw errors.badRequest("The request body must be a JSON object.");
  const parsed = (mode === "create" ? createSchema : updateSchema).safeParse(input);
  if (!parsed.success) throw errors.validation(zodProblems(parsed.error));
  const data = parsed.data as CreateWebhookFields;
  const problems: Record<string, FieldError> = {};
  const problem = (key: string, code: string, message: string) => {
    problems[key] ??= { code, message };
  };

  if (data.url !== undefined) {
    const reason = await urlProblem(ctx, data.url);
    if (reason) problem("url", "invalid_url", reason);
  }

  const lookup = await ctx.collections.current(ctx.db);
  const events = data.events ?? current?.events ?? [];
  const named: Collection[] = [];
  let wildcard = false;
  for (const [index, pattern] of events.entries()) {
    const checked = checkEventPattern(pattern);
    if (checked.problem) {
      problem(`events.${index}`, "invalid_event", checked.problem);
      continue;
    }
    if (!checked.collection) {
      wildcard = true;
      continue;
    }
    const collection = lookup.byName(checked.collection);
    if (!collection)
      problem(`events.${index}`, "not_found", `No collection "${checked.collection}".`);
    else if (!named.includes(collection)) named.push(collection);
  }

  const filter = data.filter === undefined ? current?.filter : data.filter;
  if (typeof filter === "string" && filter.trim() !== "" && !problems.events) {
    // With a wildcard the event's collection is not known in advance: the syntax is checked
    // here, the fields when an event comes (one the filter does not fit does not pass).
    const found = checkWebhookFilter(filter, wildcard ? [] : named, lookup);
    if (found) {
      const { collection } = found;
      const where =
        collection && !found.problem.message.includes(`"${collection}"`)
          ? ` (checked against "${collection}")`
          : "";
      problem(
        "filter",
        "invalid_filter",
        `${found.problem.message}${where} (line ${found.problem.line}, column ${found.problem.column}).`,
      );
    }
  }
  if (data.filter !== undefined && data.filter?.trim() === "") data.filter = null;

  if (data.headers !== undefined) {
    const names = Object.keys(data.headers);
    if (names.length > maxHeaders) problem("headers", "too_many", `At most ${maxHeaders} headers.`);
    const seen = new Set<string>();
    for (const [name, value] of Object.entries(data.headers)) {
      const lower = name.toLowerCase();
      if (!headerName.test(name)) problem(`headers.${name}`, "invalid", "Not a header name.");
      else if (reservedHeaders.has(lower) || lower.startsWith("webhook-"))
        problem(`headers.${name}`, "reserved", `Cairn sets ${name} itself; it cannot be changed.`);
      else if (seen.has(lower)) problem(`headers.${name}`, "duplicate", "Named twice.");
      else if (value === maskedSecret) {
        if (!current?.headers[name])
          problem(
            `headers.${name}`,
            "invalid",
            "Send the value; the mask stands for a stored one.",
          );
      } else if (/[^\t\x20-\x7e\x80-\xff]/.test(value))
        problem(
          `headers.${name}`,
          "invalid",
          "A header value cannot contain line breaks, control characters or characters beyond Latin-1.",
        );
      seen.add(lower);
    }
    // The masked value sent back (as reads show it) keeps what is stored.
    data.headers = Object.fromEntries(
      Object.entries(data.headers).map(([name, value]) => [
        name,
        value === maskedSecret ? (current?.headers[name] ?? value) : value,
      ]),
    );
  }

  if (data.secret !== undefined && !isWebhookSecret(data.secret)) {
    problem("secret", "invalid", "Must be whsec_ and the base64 of 24 to 64 random bytes.");
  }

  if (Object.keys(problems).length > 0) throw errors.validation(problems);
  return data as never;
}

/** Why `text` cannot be a webhook URL, or undefined. */
async function urlProblem(ctx: Ctx, text: string): Promise<string | undefined> {
  if (!URL.canParse(text)) return "Must be an absolute http:// or https:// URL.";
  const url = new URL(text);
  if (url.protocol !== "http:" && url.protocol !== "https:")
    return "Must be an http:// or https:// URL.";
  if (url.username || url.password)
    return "Must not carry credentials; send them in a custom header instead.";
  const host = url.hostname.replace(/^\[|\]$/g, "");
  const { allowPrivateAddresses } = await getSetting(ctx, "webhooks");
  // Names are checked when connecting (see webhook-address.ts); obvious cases are refused now.
  if (
    !allowPrivateAddresses &&
    ((isIP(host) !== 0 && isPrivateAddress(host)) ||
      host === "localhost" ||
      host.endsWith(".localhost"))
  ) {
    return "Is a private, loopback or link-local address; allow private addresses in the webhook settings to deliver there.";
  }
  return undefined;
}
