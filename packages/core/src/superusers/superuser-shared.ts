// Shared by the superuser verbs: the public shape of a superuser, credential checks, insertion.
import { schema } from "@cairn/db";
import { sql } from "drizzle-orm";
import { audit } from "../auth/audit.js";
import { hashPassword, maxPasswordLength } from "../auth/passwords.js";
import type { Ctx } from "../context.js";
import { errors } from "../errors.js";
import { newRecordId } from "../ids.js";
import { validateValue } from "../records/record-validate.js";

export const minSuperuserPasswordLength = 10;

export interface SuperuserInfo {
  id: string;
  email: string;
  created: string;
}

export function checkCredentials(
  email: unknown,
  password: unknown,
): { email: string; password: string } {
  const problems: Record<string, { code: string; message: string }> = {};
  const field = {
    id: "email",
    name: "email",
    type: "email",
    nullable: false,
    required: true,
  } as never;
  const value = validateValue(field, email ?? "", "email", (key, code, message) => {
    problems[key] = { code, message };
  });
  if (
    typeof password !== "string" ||
    [...password].length < minSuperuserPasswordLength ||
    password.length > maxPasswordLength
  ) {
    problems.password = {
      code: "too_short",
      message: `Must be ${minSuperuserPasswordLength} to ${maxPasswordLength} characters.`,
    };
  }
  if (Object.keys(problems).length > 0) throw errors.validation(problems);
  return { email: value as string, password: password as string };
}

export async function insertSuperuser(
  ctx: Ctx,
  email: string,
  password: string,
): Promise<SuperuserInfo> {
  const [existing] = await ctx.db
    .select({ id: schema.superusers.id })
    .from(schema.superusers)
    .where(sql`lower(${schema.superusers.email}) = lower(${email})`);
  if (existing)
    throw errors.validation({
      email: { code: "not_unique", message: "A superuser with this email exists." },
    });
  const id = newRecordId();
  const now = ctx.now();
  await ctx.db
    .insert(schema.superusers)
    .values({ id, email, passwordHash: await hashPassword(password), created: now, updated: now });
  await audit(ctx, { action: "superuser.created", subjectId: id, detail: { email } });
  return { id, email, created: now.toISOString() };
}
