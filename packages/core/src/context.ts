// The context every domain verb takes: who is acting, on which database (or transaction),
// with which schema. Built by the transport per request; verbs never reach for globals.
import type { Database, Db } from "@cairn/db";
import type { CollectionRegistry } from "./collections/collection-registry.js";

export type Actor =
  | { kind: "anonymous" }
  | { kind: "superuser"; id: string; email: string }
  | {
      kind: "user";
      id: string;
      collectionId: string;
      collectionName: string;
      /** The user's record in API form (every field, hidden ones included). */
      record: Record<string, unknown>;
    };

/** What the current request carries that rules may read as @request.*. */
export interface RequestContext {
  method: string;
  query: Record<string, string>;
  headers: Record<string, string>;
}

export interface Ctx {
  database: Database;
  /** The open transaction inside withTransaction, else the database. */
  db: Db;
  inTransaction: boolean;
  actor: Actor;
  collections: CollectionRegistry;
  request: RequestContext;
  now(): Date;
  /** Runs after the outermost transaction commits (cache invalidation, notifications). */
  afterCommit(task: () => void): void;
}

export function isSuperuser(ctx: Pick<Ctx, "actor">): boolean {
  return ctx.actor.kind === "superuser";
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
  actor?: Actor;
  request?: Partial<RequestContext>;
  now?: () => Date;
}

export function createCtx(options: CreateCtxOptions): Ctx {
  return {
    database: options.database,
    db: options.database.db,
    inTransaction: false,
    actor: options.actor ?? { kind: "anonymous" },
    collections: options.collections,
    request: {
      method: options.request?.method ?? "GET",
      query: options.request?.query ?? {},
      headers: options.request?.headers ?? {},
    },
    now: options.now ?? (() => new Date()),
    afterCommit: (task) => task(),
  };
}
