import { schema } from "@cairn/db";
import { sql } from "drizzle-orm";
import { consumeAuthToken } from "../auth/auth-token-store.js";
import { type Ctx, withTransaction } from "../context.js";
import { errors } from "../errors.js";
import { checkCredentials, insertSuperuser, type SuperuserInfo } from "./superuser-shared.js";

/** The first superuser, from the setup link; refused once any superuser exists. */
export async function setupFirstSuperuser({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { token: unknown; email: unknown; password: unknown };
}): Promise<SuperuserInfo> {
  const { email, password } = checkCredentials(input.email, input.password);
  return withTransaction(ctx, async (tx) => {
    // One setup at a time, across replicas.
    await tx.db.execute(sql`select pg_advisory_xact_lock(hashtext('cairn.superuser-setup'))`);
    const [any] = await tx.db.select({ id: schema.superusers.id }).from(schema.superusers).limit(1);
    await consumeAuthToken(tx, { kind: "superuser_setup", token: String(input.token ?? "") });
    if (any) throw errors.conflict("A superuser already exists; sign in instead.");
    return insertSuperuser(tx, email, password);
  });
}
