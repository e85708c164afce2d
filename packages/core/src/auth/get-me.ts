import type { Ctx } from "../context.js";
import { errors } from "../errors.js";
import type { ApiRecord } from "../records/record-codec.js";
import { findUserById, ownRecord } from "./auth-collection.js";
import { requireUser } from "./current-user.js";

export async function getMe({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { collection: string };
}): Promise<ApiRecord> {
  const { collection, userId } = await requireUser(ctx, input.collection);
  const user = await findUserById(ctx, collection, userId);
  if (!user) throw errors.unauthorized("The account no longer exists.");
  return ownRecord(collection, user);
}
