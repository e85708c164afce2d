// Runtime settings an admin changes without a restart (app name and URL, SMTP, mail templates,
// OAuth2 providers, file storage), one JSON value per key in cairn.settings, checked by zod on read.
import { schema } from "@cairn/db";
import { eq } from "drizzle-orm";
import { z } from "zod";
import type { Ctx } from "../context.js";
import { storageKinds } from "../files/file-storage.js";

export const appSettingsSchema = z.object({
  name: z.string().min(1).max(100).default("Cairn"),
  /** Where the app lives: links in mails point there. Empty: the server's own URL. */
  url: z.union([z.url({ protocol: /^https?$/ }), z.literal("")]).default(""),
  /**
   * Where auth flows may send users back to (OAuth2 and magic links), as URL prefixes, e.g.
   * "https://app.example.com/" or "myapp://auth". The app URL is always allowed.
   */
  redirectUrls: z.array(z.string().min(1).max(500)).max(50).default([]),
});

export const smtpSettingsSchema = z.object({
  enabled: z.boolean().default(false),
  host: z.string().default(""),
  port: z.number().int().min(1).max(65535).default(587),
  /** true: TLS from the start (port 465); false: STARTTLS when offered. */
  secure: z.boolean().default(false),
  username: z.string().default(""),
  password: z.string().default(""),
  fromName: z.string().default("Cairn"),
  fromAddress: z.string().default("no-reply@example.com"),
});

export const mailTemplateSchema = z.object({
  subject: z.string().min(1).max(300),
  text: z.string().min(1).max(20_000),
  html: z.string().min(1).max(100_000),
});
export const mailTemplatesSettingsSchema = z.record(z.string(), mailTemplateSchema).default({});

// OAuth2 providers (auth/oauth2). Secrets live here and are masked by every read the API
// offers. Only the generic "oidc" provider has configurable endpoints: the named ones always
// talk to their vendor, so no setting can point them elsewhere.
const oauth2Url = z.union([z.url({ protocol: /^https?$/ }), z.literal("")]).default("");
const oauth2ClientFields = {
  enabled: z.boolean().default(false),
  clientId: z.string().trim().max(500).default(""),
  clientSecret: z.string().max(10_000).default(""),
};
const oauth2ClientSchema = z.object(oauth2ClientFields);
export const oauth2SettingsSchema = z.object({
  google: oauth2ClientSchema.prefault({}),
  github: oauth2ClientSchema.prefault({}),
  apple: z
    .object({
      enabled: z.boolean().default(false),
      /** The Services ID (e.g. com.example.web), not the App ID. */
      clientId: z.string().trim().max(500).default(""),
      teamId: z.string().trim().max(100).default(""),
      keyId: z.string().trim().max(100).default(""),
      /** The .p8 key (PKCS#8 PEM) that signs Apple's client secret; a secret. */
      privateKey: z.string().max(10_000).default(""),
    })
    .prefault({}),
  microsoft: z
    .object({
      ...oauth2ClientFields,
      /** "common", "organizations", "consumers", a tenant id or a tenant domain. */
      tenant: z
        .string()
        .trim()
        .regex(/^[A-Za-z0-9.-]{1,100}$/)
        .default("common"),
    })
    .prefault({}),
  discord: oauth2ClientSchema.prefault({}),
  gitlab: oauth2ClientSchema.prefault({}),
  facebook: oauth2ClientSchema.prefault({}),
  oidc: z
    .object({
      ...oauth2ClientFields,
      /** The name sign-in screens show. */
      displayName: z.string().trim().min(1).max(100).default("OpenID Connect"),
      /** When set, an ID token must come from this issuer. */
      issuer: oauth2Url,
      authorizationUrl: oauth2Url,
      tokenUrl: oauth2Url,
      /** Empty: the profile is read from the ID token. */
      userinfoUrl: oauth2Url,
      scopes: z.string().trim().max(500).default("openid email profile"),
      pkce: z.boolean().default(true),
    })
    .prefault({}),
});

// Where new files go (files/create-file-storage.ts). Local disk needs no settings: it always lives
// under <dataDir>/storage. The secret access key is masked by every read the API offers.
function isHttpUrl(value: string): boolean {
  if (!URL.canParse(value)) return false;
  const url = new URL(value);
  return (url.protocol === "http:" || url.protocol === "https:") && url.hostname !== "";
}
const ipAddress = /^\d{1,3}(\.\d{1,3}){3}$/;
/** S3's bucket naming rules, which MinIO and R2 follow too. */
const bucketName = z
  .string()
  .trim()
  .refine((name) => name === "" || /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(name), {
    message:
      "Must be 3 to 63 characters of lower-case letters, digits, dots and hyphens, starting and ending with a letter or digit.",
  })
  .refine((name) => !name.includes(".."), { message: "Must not contain two dots in a row." })
  .refine((name) => !ipAddress.test(name), { message: "Must not look like an IP address." })
  .refine((name) => !name.startsWith("xn--") && !name.endsWith("-s3alias"), {
    message: 'Must not start with "xn--" or end with "-s3alias".',
  });
export const storageSettingsSchema = z
  .object({
    kind: z.enum(storageKinds).default("local"),
    s3: z
      .object({
        /** Empty: AWS S3 itself. Otherwise the S3-compatible server, e.g. http://minio:9000. */
        endpoint: z
          .string()
          .trim()
          .refine((url) => url === "" || isHttpUrl(url), {
            message: "Must be an http:// or https:// URL, or empty for AWS S3.",
          })
          .default(""),
        region: z
          .string()
          .trim()
          .regex(/^[A-Za-z0-9_-]{1,100}$/, "Must be a region name such as us-east-1 (R2: auto).")
          .default("us-east-1"),
        bucket: bucketName.default(""),
        accessKeyId: z.string().trim().max(500).default(""),
        /** A secret. */
        secretAccessKey: z.string().trim().max(10_000).default(""),
        /** The bucket in the URL path rather than the host name (MinIO and most self-hosted). */
        forcePathStyle: z.boolean().default(false),
      })
      .prefault({}),
  })
  .superRefine((settings, ctx) => {
    // Checked even when other fields failed, so one answer names every problem. The input may
    // then be partly unparsed: read it defensively.
    if (settings.kind !== "s3") return;
    for (const field of ["bucket", "accessKeyId", "secretAccessKey"] as const) {
      if (settings.s3?.[field] === "") {
        ctx.addIssue({
          code: "custom",
          path: ["s3", field],
          message: "Is required to store files in S3.",
          params: { code: "required" },
        });
      }
    }
  });

/** How long the outbox keeps events (realtime resume reaches back this far). */
export const eventsSettingsSchema = z.object({
  retentionHours: z
    .number()
    .int()
    .min(1)
    .max(24 * 90)
    .default(24 * 7),
});

/**
 * Outgoing webhooks (webhooks/). Private, loopback and link-local addresses are refused unless
 * allowed here (a receiver on the same network); the delivery log is kept this many days.
 */
export const webhooksSettingsSchema = z.object({
  allowPrivateAddresses: z.boolean().default(false),
  deliveryRetentionDays: z.number().int().min(1).max(365).default(30),
});

/** The request log (logs/): whether requests are stored, and for how many days. */
export const logsSettingsSchema = z.object({
  enabled: z.boolean().default(true),
  retentionDays: z.number().int().min(1).max(90).default(7),
});

// CORS and per-IP rate limits (settings/security-settings.ts). Until an admin saves a section,
// the server's environment (CAIRN_CORS_ORIGINS, CAIRN_AUTH_RATE_LIMIT) supplies it.
/** Why a CORS origin is not one a browser would send, or undefined when it is fine. */
export function corsOriginProblem(value: string): string | undefined {
  if (value === "*") return undefined;
  if (value === "null")
    return 'The "null" origin (sandboxed frames, file:// pages) cannot be allowed: any site can send it.';
  const match = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)(.*)$/.exec(value);
  if (!match || match[2] === "" || !URL.canParse(value))
    return 'Must be "*" or an origin such as https://app.example.com or capacitor://localhost.';
  if (match[3] !== "")
    return "Must not have a path or a trailing slash: just scheme://host[:port].";
  if (value.includes("*"))
    return 'Wildcards inside an origin are not supported: list each origin, or "*" alone.';
  if (value !== value.toLowerCase()) return "Must be lower-case, as browsers send it.";
  const scheme = match[1]!;
  if (scheme === "http" || scheme === "https") {
    if (new URL(value).origin !== value)
      return "Leave out the default port (:80, :443): browsers do not send it.";
    return undefined;
  }
  // Custom schemes (capacitor://localhost, ionic://localhost, app://…): WHATWG URLs give them no
  // origin, so the host is checked by hand.
  if (!/^[a-z0-9.-]+(:\d{1,5})?$/.test(match[2]!))
    return "Must be scheme://host[:port] with a host of letters, digits, dots and hyphens.";
  return undefined;
}
export const corsSettingsSchema = z.object({
  /** Origins allowed to call /api from a browser; "*" allows any. The console is same-origin. */
  origins: z
    .array(
      z
        .string()
        .trim()
        .max(300)
        .superRefine((value, ctx) => {
          const problem = corsOriginProblem(value);
          if (problem) ctx.addIssue({ code: "custom", message: problem });
        }),
    )
    .max(100)
    .superRefine((origins, ctx) => {
      origins.forEach((origin, index) => {
        if (origins.indexOf(origin) !== index)
          ctx.addIssue({ code: "custom", path: [index], message: "Is listed twice." });
      });
    })
    .default(["*"]),
});
const perMinute = (min: number, fallback: number) =>
  z.object({ perMinute: z.number().int().min(min).max(1_000_000).default(fallback) }).prefault({});
export const rateLimitsSettingsSchema = z.object({
  /** Off: neither per-IP limit applies (per-account limits and lockouts always do). */
  enabled: z.boolean().default(true),
  /** Auth requests (sign-in, sign-up, reset, OTP, …) per client IP per minute, all replicas. */
  auth: perMinute(1, 30),
  /** Other /api requests per client IP per minute, counted on each replica; 0 = off. */
  api: perMinute(0, 0),
});

/**
 * Prometheus scraping at /metrics (metrics/): off until a token exists. Only the token's SHA-256
 * (hex) is kept; the token itself is shown once, when generated.
 */
export const metricsSettingsSchema = z.object({
  enabled: z.boolean().default(false),
  tokenHash: z.union([z.string().regex(/^[0-9a-f]{64}$/), z.literal("")]).default(""),
  /** When the token was generated (ISO), or "" when there is none. */
  tokenCreated: z.string().default(""),
});

/** Scheduled backups (backups/): how often, how many archives to keep, with the files or not. */
export const backupsSettingsSchema = z.object({
  enabled: z.boolean().default(false),
  intervalHours: z
    .number()
    .int()
    .min(1)
    .max(24 * 31)
    .default(24),
  keep: z.number().int().min(1).max(1000).default(7),
  includeFiles: z.boolean().default(true),
});

export const settingSchemas = {
  app: appSettingsSchema,
  smtp: smtpSettingsSchema,
  mailTemplates: mailTemplatesSettingsSchema,
  oauth2: oauth2SettingsSchema,
  storage: storageSettingsSchema,
  events: eventsSettingsSchema,
  webhooks: webhooksSettingsSchema,
  cors: corsSettingsSchema,
  rateLimits: rateLimitsSettingsSchema,
  logs: logsSettingsSchema,
  backups: backupsSettingsSchema,
  metrics: metricsSettingsSchema,
} as const;
export type SettingKey = keyof typeof settingSchemas;
export type SettingValue<K extends SettingKey> = z.output<(typeof settingSchemas)[K]>;
export type StorageSettings = SettingValue<"storage">;

export async function getSetting<K extends SettingKey>(ctx: Ctx, key: K): Promise<SettingValue<K>> {
  const [row] = await ctx.db.select().from(schema.settings).where(eq(schema.settings.key, key));
  const parsed = settingSchemas[key].safeParse(row?.value ?? {});
  return (parsed.success ? parsed.data : settingSchemas[key].parse({})) as SettingValue<K>;
}

export async function putSetting<K extends SettingKey>(
  ctx: Ctx,
  key: K,
  value: SettingValue<K>,
): Promise<void> {
  await ctx.db
    .insert(schema.settings)
    .values({ key, value, updatedAt: ctx.now() })
    .onConflictDoUpdate({ target: schema.settings.key, set: { value, updatedAt: ctx.now() } });
}
