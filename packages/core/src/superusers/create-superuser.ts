import { requireAdmin } from "../admin-access.js";
import { type Ctx, withTransaction } from "../context.js";
import { checkCredentials, insertSuperuser, type SuperuserInfo } from "./superuser-shared.js";

/** A superuser adds another (also the CLI, which acts as a superuser). */
export async function createSuperuser({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { email: unknown; password: unknown };
}): Promise<SuperuserInfo> {
  requireAdmin(ctx, { task: "add superusers", apiKeys: false });
  const { email, password } = checkCredentials(input.email, input.password);
  return withTransaction(ctx, (tx) => insertSuperuser(tx, email, password));
}
