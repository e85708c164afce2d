import { schema } from "@cairn/db";
import { z } from "zod";
import { generateApiKey } from "../auth/api-key-token.js";
import { audit } from "../auth/audit.js";
import { sessionIdOf } from "../auth/session-token.js";
import type { Ctx } from "../context.js";
import { errors } from "../errors.js";
import { type ApiKeyInfo, info, requireSuperuser } from "./api-key-shared.js";

const scopePattern = /^(full|read|[A-Za-z][A-Za-z0-9_]{0,62}:(read|write))$/;
const createSchema = z.object({
  name: z.string().trim().min(1).max(100),
  scopes: z
    .array(
      z
        .string()
        .regex(scopePattern, 'use "full", "read", "<collection>:read" or "<collection>:write"'),
    )
    .min(1)
    .max(100),
  expiresAt: z.iso.datetime({ offset: true }).nullable().optional(),
});

/** Returns the key itself once, with its description; it cannot be read again. */
export async function createApiKey({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: unknown;
}): Promise<ApiKeyInfo & { key: string }> {
  const createdBy = requireSuperuser(ctx);
  const parsed = createSchema.safeParse(input);
  if (!parsed.success) {
    const fields = Object.fromEntries(
      parsed.error.issues.map((issue) => [
        issue.path.join(".") || "body",
        { code: "invalid", message: issue.message },
      ]),
    );
    throw errors.validation(fields);
  }
  const lookup = await ctx.collections.current(ctx.db);
  const unknown = parsed.data.scopes
    .filter((scope) => scope.includes(":"))
    .map((scope) => scope.split(":")[0]!)
    .filter((name) => !lookup.byName(name));
  if (unknown.length > 0) {
    throw errors.validation({
      scopes: {
        code: "not_found",
        message: `No collection ${unknown.map((n) => `"${n}"`).join(", ")}.`,
      },
    });
  }
  const expiresAt = parsed.data.expiresAt ? new Date(parsed.data.expiresAt) : null;
  if (expiresAt && expiresAt <= ctx.now()) {
    throw errors.validation({ expiresAt: { code: "invalid", message: "Must be in the future." } });
  }
  const key = generateApiKey();
  const [row] = await ctx.db
    .insert(schema.apiKeys)
    .values({
      id: `key_${sessionIdOf(key).slice(0, 16)}`,
      name: parsed.data.name,
      secretHash: sessionIdOf(key),
      scopes: parsed.data.scopes,
      createdBy,
      created: ctx.now(),
      expiresAt,
    })
    .returning();
  await audit(ctx, {
    action: "api_key.created",
    subjectId: row!.id,
    detail: { name: row!.name, scopes: parsed.data.scopes },
  });
  return { ...info(row!), key };
}
