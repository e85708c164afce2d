import type { Ctx } from "../context.js";
import { readSchema } from "./collection-registry.js";
import { requireSuperuser } from "./collection-verbs-shared.js";
import { planDocument } from "./schema-document.js";

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
  const operations = planDocument(await readSchema(ctx.db), input.document, ctx.now());
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
  return { steps, destructive: steps.some((s) => s.destructive) };
}
