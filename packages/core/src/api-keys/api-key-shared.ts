// API keys for servers: created by a superuser with a name, scopes and an optional expiry;
// the key is shown once and only its SHA-256 kept; revocable; last use recorded.
import type { schema } from "@cairn/db";
import { requireAdmin } from "../admin-access.js";
import type { Ctx } from "../context.js";

export interface ApiKeyInfo {
  id: string;
  name: string;
  scopes: string[];
  created: string;
  createdBy: string;
  expiresAt: string | null;
  lastUsed: string | null;
  revokedAt: string | null;
}

export function requireSuperuser(ctx: Ctx): string {
  return requireAdmin(ctx, { task: "manage API keys", apiKeys: false }).email;
}

export function info(row: typeof schema.apiKeys.$inferSelect): ApiKeyInfo {
  return {
    id: row.id,
    name: row.name,
    scopes: row.scopes as string[],
    created: row.created.toISOString(),
    createdBy: row.createdBy,
    expiresAt: row.expiresAt?.toISOString() ?? null,
    lastUsed: row.lastUsed?.toISOString() ?? null,
    revokedAt: row.revokedAt?.toISOString() ?? null,
  };
}
