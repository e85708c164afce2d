// The context every domain verb takes: who is acting, on which database (or transaction),
// with which schema. Built by the transport per request; verbs never reach for globals.
import type { Database, Db } from "@cairn/db";
import type { CollectionRegistry } from "./collections/collection-registry.js";
import type { FileStorage } from "./files/file-storage.js";

export type Actor =
  | { kind: "anonymous" }
  | { kind: "superuser"; id: string; email: string; sessionId?: string | undefined }
  | {
      kind: "user";
      id: string;
      collectionId: string;
      collectionName: string;
      /** The user's record in API form (every field, hidden ones included). */
      record: Record<string, unknown>;
      /** The session the request came with (sign-out ends it). */
      sessionId?: string | undefined;
      /** The superuser who opened this session as the user, when impersonating. */
      impersonator?: string | undefined;
    }
  | {
      kind: "apiKey";
      id: string;
      name: string;
      /** "full", "read", "<collection>:read", "<collection>:write". */
      scopes: string[];
    };

/** What the current request carries that rules may read as @request.*. */
export interface RequestContext {
  method: string;
  query: Record<string, string>;
  /** Lower-case names with `-` written `_`; never authorization or cookie. */
  headers: Record<string, string>;
  /** The client's address, as the transport determined it. */
  ip?: string | undefined;
}

/** The slice of a logger the domain uses (pino's shape). */
export interface Log {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

const silent: Log = { info() {}, warn() {}, error() {} };

export interface Ctx {
  database: Database;
  /** The open transaction inside withTransaction, else the database. */
  db: Db;
  inTransaction: boolean;
  actor: Actor;
  collections: CollectionRegistry;
  /** Where file bytes live; absent in tools that never touch files. */
  files?: FileStorage | undefined;
  request: RequestContext;
  now(): Date;
  log: Log;
  /** The server's own base URL (for links when no app URL is set). */
  baseUrl: string;
  /** Runs after the outermost transaction commits (cache invalidation, notifications). */
  afterCommit(task: () => void): void;
}

/** One string per actor ("user:<collectionId>:<id>", "superuser:<id>", …), for ownership and keys. */
export function actorRef(actor: Actor): string {
  switch (actor.kind) {
    case "anonymous":
      return "anonymous";
    case "superuser":
      return `superuser:${actor.id}`;
    case "user":
      return `user:${actor.collectionId}:${actor.id}`;
    case "apiKey":
      return `apiKey:${actor.id}`;
  }
}

export function isSuperuser(ctx: Pick<Ctx, "actor">): boolean {
  return ctx.actor.kind === "superuser";
}

/**
 * Whether the actor passes the rules of a collection for reads or writes: superusers always,
 * API keys when a scope grants it ("full", "read", "<collection>:read", "<collection>:write").
 */
export function isPrivileged(
  ctx: Pick<Ctx, "actor">,
  collection: string,
  op: "read" | "write",
): boolean {
  const actor = ctx.actor;
  if (actor.kind === "superuser") return true;
  if (actor.kind !== "apiKey") return false;
  return actor.scopes.some(
    (scope) =>
      scope === "full" ||
      (op === "read" && (scope === "read" || scope === `${collection}:read`)) ||
      scope === `${collection}:write`,
  );
}

/**
 * Runs `work` in a transaction, or in the caller's when there already is one, so a batch of
 * verbs commits or rolls back as one.
 */
export async function withTransaction<T>(ctx: Ctx, work: (tx: Ctx) => Promise<T>): Promise<T> {
  if (ctx.inTransaction) return work(ctx);
  const tasks: (() => void)[] = [];
  const result = await ctx.db.transaction((tx) =>
    work({
      ...ctx,
      db: tx as unknown as Db,
      inTransaction: true,
      afterCommit: (t) => tasks.push(t),
    }),
  );
  for (const task of tasks) task();
  return result;
}

export interface CreateCtxOptions {
  database: Database;
  collections: CollectionRegistry;
  files?: FileStorage | undefined;
  actor?: Actor;
  request?: Partial<RequestContext>;
  now?: () => Date;
  log?: Log;
  baseUrl?: string;
}

export function createCtx(options: CreateCtxOptions): Ctx {
  return {
    database: options.database,
    db: options.database.db,
    inTransaction: false,
    actor: options.actor ?? { kind: "anonymous" },
    collections: options.collections,
    files: options.files,
    request: {
      method: options.request?.method ?? "GET",
      query: options.request?.query ?? {},
      headers: options.request?.headers ?? {},
      ip: options.request?.ip,
    },
    now: options.now ?? (() => new Date()),
    log: options.log ?? silent,
    baseUrl: options.baseUrl ?? "http://localhost:8090",
    afterCommit: (task) => task(),
  };
}
