import { errors } from "@cairn/core";
import type { Database } from "@cairn/db";
import { Hono } from "hono";
import type { AppEnv } from "../http/env.js";

const readyTimeoutMs = 2_000;

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

export function healthRoutes(database: Database) {
  return (
    new Hono<AppEnv>()
      // Liveness: the process answers. Never touches the database.
      .get("/health", (c) => c.json({ status: "ok" }))
      // Readiness: the database answers and every migration is applied.
      .get("/ready", async (c) => {
        try {
          await withTimeout(database.ping(), readyTimeoutMs);
        } catch (error) {
          throw errors.unavailable("The database is not reachable.", error);
        }
        if (!(await database.isMigrated()))
          throw errors.unavailable("Database migrations are not applied yet.");
        return c.json({ status: "ready", database: database.driver });
      })
  );
}
