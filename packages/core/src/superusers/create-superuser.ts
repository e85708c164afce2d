import { type Ctx, withTransaction } from "../context.js";
import { errors } from "../errors.js";
import { checkCredentials, insertSuperuser, type SuperuserInfo } from "./superuser-shared.js";

/** A superuser adds another (also the CLI, which acts as a superuser). */
export async function createSuperuser({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { email: unknown; password: unknown };
}): Promise<SuperuserInfo> {
  if (ctx.actor.kind !== "superuser") throw errors.forbidden("Only superusers can add superusers.");
  const { email, password } = checkCredentials(input.email, input.password);
  return withTransaction(ctx, (tx) => insertSuperuser(tx, email, password));
}
