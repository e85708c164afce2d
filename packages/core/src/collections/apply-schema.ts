import { type Ctx, withTransaction } from "../context.js";
import { errors } from "../errors.js";
import { applyChange, checkNotReferenced, checkRules, lookupAfter } from "./collection-apply.js";
import { lockSchema, requireSuperuser } from "./collection-verbs-shared.js";
import type { SchemaPlan } from "./plan-schema.js";
import { planSchema } from "./plan-schema.js";
import { planDocument, schemaVersion } from "./schema-document.js";

/**
 * Makes the live schema equal to a document, in one transaction. Steps that drop data run
 * only with `allowDestructive`; otherwise nothing is applied and the plan says why. With
 * `expectedVersion` (a plan's `version`), nothing is applied if the schema changed since.
 */
export async function applySchema({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { document: unknown; allowDestructive?: boolean; expectedVersion?: string | undefined };
}): Promise<SchemaPlan> {
  requireSuperuser(ctx);
  return withTransaction(ctx, async (tx) => {
    const current = await lockSchema(tx);
    if (input.expectedVersion !== undefined && input.expectedVersion !== schemaVersion(current)) {
      throw errors.conflict(
        "The schema changed since this plan was made (another admin or a deploy); review the plan again.",
      );
    }
    const plan = await planSchema({ ctx: tx, input });
    if (plan.destructive && !input.allowDestructive) {
      const list = plan.steps.filter((s) => s.destructive).map((s) => s.description);
      throw errors.conflict(
        `The document would drop data (${list.join("; ")}); apply with allowDestructive to go ahead.`,
      );
    }
    let lookup = current;
    for (const operation of planDocument(current, input.document, tx.now())) {
      if (operation.action === "delete") checkNotReferenced(operation.before!, lookup);
      const after = await applyChange(tx, lookup, operation, { checkAllRules: false });
      lookup = lookupAfter(lookup, { before: operation.before, after });
    }
    // Rules may point at collections the document creates later: check them on the result.
    checkRules(undefined, lookup);
    return plan;
  });
}
