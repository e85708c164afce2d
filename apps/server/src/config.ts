// The server's configuration: read from the environment once, at boot, and passed down.
// Nothing else in Cairn reads process.env.
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";

const sizeUnits: Record<string, number> = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 };

/** "10mb", "512kb", "1048576" → bytes. */
export function parseSize(value: string): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?\s*$/i.exec(value);
  if (!match) return undefined;
  const bytes = Number(match[1]) * (sizeUnits[(match[2] ?? "b").toLowerCase()] ?? 1);
  return Number.isSafeInteger(Math.floor(bytes)) ? Math.floor(bytes) : undefined;
}

const optionalString = z
  .string()
  .trim()
  .transform((value) => (value === "" ? undefined : value))
  .optional();

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8090),
  CAIRN_HOST: z.string().trim().min(1).default("127.0.0.1"),
  DATABASE_URL: optionalString.pipe(
    z
      .string()
      .regex(/^postgres(ql)?:\/\//, "must be a postgres:// or postgresql:// URL")
      .optional(),
  ),
  CAIRN_DATA_DIR: z.string().trim().min(1).default("./cairn_data"),
  CAIRN_PUBLIC_URL: optionalString.pipe(z.url({ protocol: /^https?$/ }).optional()),
  CAIRN_LOG_LEVEL: z
    .enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"])
    .default("info"),
  CAIRN_CORS_ORIGINS: z.string().default("*"),
  CAIRN_BODY_LIMIT: z
    .string()
    .default("10mb")
    .transform((value, ctx) => {
      const bytes = parseSize(value);
      if (bytes === undefined || bytes < 1) {
        ctx.addIssue({
          code: "custom",
          message: 'must be a size such as "10mb", "512kb" or 1048576',
        });
        return z.NEVER;
      }
      return bytes;
    }),
  CAIRN_SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).default(10_000),
  CAIRN_AUTH_RATE_LIMIT: z.coerce.number().int().min(1).default(30),
  CAIRN_TRUST_PROXY: z
    .enum(["true", "false", "1", "0", ""])
    .default("false")
    .transform((value) => value === "true" || value === "1"),
  CAIRN_CONSOLE_DIR: optionalString,
});

export interface Config {
  port: number;
  host: string;
  databaseUrl: string | undefined;
  dataDir: string;
  publicUrl: string | undefined;
  logLevel: z.infer<typeof envSchema>["CAIRN_LOG_LEVEL"];
  corsOrigins: string[];
  bodyLimit: number;
  shutdownTimeoutMs: number;
  /** Behind a reverse proxy: take the client's address from X-Forwarded-For. */
  trustProxy: boolean;
  /** Auth requests (POST) per client IP per minute, on every replica together. */
  authRateLimit: number;
  /** The built console (index.html and assets); served at /_/. */
  consoleDir: string;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

// From src/ in development and dist/ when built: both sit beside apps/console.
const defaultConsoleDir = fileURLToPath(new URL("../../console/dist", import.meta.url));

export function loadConfig(env: Record<string, string | undefined>): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`),
    );
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.CAIRN_HOST,
    databaseUrl: e.DATABASE_URL,
    dataDir: resolve(e.CAIRN_DATA_DIR),
    publicUrl: e.CAIRN_PUBLIC_URL?.replace(/\/+$/, ""),
    logLevel: e.CAIRN_LOG_LEVEL,
    corsOrigins: e.CAIRN_CORS_ORIGINS.split(",")
      .map((origin) => origin.trim())
      .filter(Boolean),
    bodyLimit: e.CAIRN_BODY_LIMIT,
    shutdownTimeoutMs: e.CAIRN_SHUTDOWN_TIMEOUT_MS,
    trustProxy: e.CAIRN_TRUST_PROXY,
    authRateLimit: e.CAIRN_AUTH_RATE_LIMIT,
    consoleDir: resolve(e.CAIRN_CONSOLE_DIR ?? defaultConsoleDir),
  };
}
