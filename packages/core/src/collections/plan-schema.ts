import type { Ctx } from "../context.js";
import { readSchema } from "./collection-registry.js";
import { requireSuperuser } from "./collection-verbs-shared.js";
import { planDocument, schemaVersion } from "./schema-document.js";

export interface SchemaPlanStep {
  collection: string;
  action: "create" | "update" | "delete";
  description: string;
  destructive: boolean;
  statements: string[];
}

export interface SchemaPlan {
  steps: SchemaPlanStep[];
  destructive: boolean;
  /** The version of the schema the plan was made against (apply's `expectedVersion`). */
  version: string;
}

/** What applying a schema document would do, step by step; changes nothing. */
export async function planSchema({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { document: unknown };
}): Promise<SchemaPlan> {
  requireSuperuser(ctx);
  const current = await readSchema(ctx.db);
  const operations = planDocument(current, input.document, ctx.now());
  const steps = operations.flatMap((op) =>
    (op.steps.length > 0
      ? op.steps
      : [
          {
            description: `Update the rules or settings of "${op.collection}"`,
            destructive: false,
            statements: [],
            checks: [],
          },
        ]
    ).map((step) => ({
      collection: op.collection,
      action: op.action,
      description: step.description,
      destructive: step.destructive,
      statements: step.statements,
    })),
  );
  return { steps, destructive: steps.some((s) => s.destructive), version: schemaVersion(current) };
}
