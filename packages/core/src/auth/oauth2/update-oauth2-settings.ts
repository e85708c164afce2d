// Changes the OAuth2 provider settings. Each provider given is merged into what is stored:
// fields left out keep their value, and so does a secret sent back as the mask the read shows.
// A provider can only be enabled once it has everything it needs.
import type { FieldError } from "@cairn/schema";
import type { Ctx } from "../../context.js";
import { errors } from "../../errors.js";
import { maskedSecret } from "../../settings/settings-shared.js";
import { getSetting, oauth2SettingsSchema, putSetting } from "../../settings/settings-store.js";
import { pkcs8FromPem } from "./apple-provider.js";
import {
  isOAuth2ProviderName,
  type OAuth2Settings,
  oauth2ProviderNames,
} from "./oauth2-provider.js";
import {
  type MaskedOAuth2Settings,
  maskOAuth2Settings,
  oauth2SecretFields,
  oauth2SettingsProblems,
  requireSettingsAdmin,
} from "./oauth2-settings.js";

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === "object" && !Array.isArray(value);

/** Whether Apple's key is a P-256 key WebCrypto can sign with (what Apple needs). */
async function appleKeyWorks(pem: string): Promise<boolean> {
  const der = pkcs8FromPem(pem);
  if (!der) return false;
  try {
    await crypto.subtle.importKey("pkcs8", der, { name: "ECDSA", namedCurve: "P-256" }, false, [
      "sign",
    ]);
    return true;
  } catch {
    return false;
  }
}

export async function updateOAuth2Settings({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { body: unknown };
}): Promise<MaskedOAuth2Settings> {
  requireSettingsAdmin(ctx);
  if (!isObject(input.body)) throw errors.badRequest("The body must be a JSON object.");
  const current = await getSetting(ctx, "oauth2");
  const problems: Record<string, FieldError> = {};
  const problem = (key: string, code: string, message: string) => {
    problems[key] ??= { code, message };
  };

  const merged: Record<string, Record<string, unknown>> = { ...current };
  for (const [name, change] of Object.entries(input.body)) {
    if (!isOAuth2ProviderName(name)) {
      problem(name, "unknown_provider", `Providers are ${oauth2ProviderNames.join(", ")}.`);
      continue;
    }
    if (!isObject(change)) {
      problem(name, "invalid_type", "Must be an object of the provider's settings.");
      continue;
    }
    const stored = current[name] as Record<string, unknown>;
    const next: Record<string, unknown> = { ...stored };
    const secrets = oauth2SecretFields[name];
    for (const [field, value] of Object.entries(change)) {
      if (!(field in stored)) {
        problem(`${name}.${field}`, "unknown_field", `${name} has no setting "${field}".`);
      } else if (secrets.includes(field) && value === maskedSecret) {
        // The masked read sent back: the stored secret stays.
      } else {
        next[field] = value;
      }
    }
    merged[name] = next;
  }

  const parsed = oauth2SettingsSchema.safeParse(merged);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      problem(issue.path.join("."), "invalid", issue.message);
    }
  }
  if (Object.keys(problems).length > 0) throw errors.validation(problems);
  const settings = parsed.data as OAuth2Settings;
  for (const name of oauth2ProviderNames) {
    if (!settings[name].enabled) continue;
    for (const [field, message] of Object.entries(oauth2SettingsProblems(name, settings[name]))) {
      problem(`${name}.${field}`, "required", message);
    }
  }
  if (
    settings.apple.enabled &&
    !problems["apple.privateKey"] &&
    !(await appleKeyWorks(settings.apple.privateKey))
  ) {
    problem("apple.privateKey", "invalid", "Must be an EC P-256 private key (Apple's .p8 file).");
  }
  if (Object.keys(problems).length > 0) throw errors.validation(problems);

  await putSetting(ctx, "oauth2", settings);
  ctx.log.info(
    { enabled: oauth2ProviderNames.filter((name) => settings[name].enabled) },
    "OAuth2 settings updated",
  );
  return maskOAuth2Settings(settings);
}
