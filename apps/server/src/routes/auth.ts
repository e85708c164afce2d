import { Hono } from "hono";
import type { CtxDeps } from "../http/ctx.js";
import type { AppEnv } from "../http/env.js";

export function authRoutes(_deps: CtxDeps) {
  return new Hono<AppEnv>();
}
