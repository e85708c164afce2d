// The backups admin API, mounted at /api/backups: list, back up now (202, runs in the
// background), download, delete, and the schedule. Superusers only; the core verbs check it.
import { Readable } from "node:stream";
import {
  deleteBackup,
  getBackupSettings,
  listBackups,
  openBackup,
  requestBackup,
  updateBackupSettings,
} from "@cairn/core";
import { Hono } from "hono";
import { readJsonObject, readOptionalJsonObject } from "../http/body.js";
import { type CtxDeps, ctxFor } from "../http/ctx.js";
import type { AppEnv } from "../http/env.js";

const noStore = { "Cache-Control": "no-store" };

export function backupRoutes(deps: CtxDeps) {
  return new Hono<AppEnv>()
    .get("/", async (c) => c.json(await listBackups({ ctx: ctxFor(c, deps) }), 200, noStore))
    .post("/", async (c) => {
      const ctx = ctxFor(c, deps);
      const backup = await requestBackup({ ctx, input: await readOptionalJsonObject(c) });
      return c.json(backup, 202, noStore);
    })
    .get("/settings", async (c) =>
      c.json(await getBackupSettings({ ctx: ctxFor(c, deps) }), 200, noStore),
    )
    .patch("/settings", async (c) => {
      const ctx = ctxFor(c, deps);
      const settings = await updateBackupSettings({ ctx, input: await readJsonObject(c) });
      return c.json(settings, 200, noStore);
    })
    .get("/:id/download", async (c) => {
      const opened = await openBackup({ ctx: ctxFor(c, deps), input: { id: c.req.param("id") } });
      c.header("Content-Type", "application/gzip");
      c.header("Content-Length", String(opened.size));
      c.header("Content-Disposition", `attachment; filename="${opened.fileName}"`);
      c.header("Cache-Control", "no-store");
      return c.body(Readable.toWeb(opened.body) as unknown as ReadableStream, 200);
    })
    .delete("/:id", async (c) => {
      await deleteBackup({ ctx: ctxFor(c, deps), input: { id: c.req.param("id") } });
      return c.body(null, 204);
    });
}
