import { Hono } from "hono";
import type { CtxDeps } from "../http/ctx.js";
import type { AppEnv } from "../http/env.js";

export function otpMfaRoutes(_deps: CtxDeps) {
  return new Hono<AppEnv>();
}
