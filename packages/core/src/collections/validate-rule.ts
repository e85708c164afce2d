import type { Collection } from "@cairn/schema";
import type { Ctx } from "../context.js";
import { errors } from "../errors.js";
import { checkRule, type RuleProblem } from "../rules/index.js";
import { lookupAfter } from "./collection-apply.js";
import { normalizeCollection } from "./collection-normalize.js";
import { requireSuperuser } from "./collection-verbs-shared.js";

export interface ValidateRuleInput {
  /** A rule ("rule", the default: may use @request and @collection) or a client filter. */
  kind?: "rule" | "filter";
  text: string;
  /** An existing collection's name or id… */
  collection?: string;
  /** …or a draft definition, as the console's editor has it before saving. */
  definition?: unknown;
}

/** Checks a rule or filter as the console's editor types it; problems carry positions. */
export async function validateRule({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: ValidateRuleInput;
}): Promise<{ valid: boolean; problems: RuleProblem[] }> {
  requireSuperuser(ctx);
  if (typeof input.text !== "string") throw errors.badRequest("text must be a string.");
  let lookup = await ctx.collections.current(ctx.db);
  let collection: Collection | undefined;
  if (input.definition !== undefined) {
    const existing =
      typeof (input.definition as { id?: unknown })?.id === "string"
        ? lookup.byId((input.definition as { id: string }).id)
        : undefined;
    collection = normalizeCollection(input.definition, { existing, lookup, now: ctx.now() });
    lookup = lookupAfter(lookup, { before: existing, after: collection });
  } else if (input.collection) {
    collection = lookup.byName(input.collection) ?? lookup.byId(input.collection);
  }
  if (!collection) throw errors.notFound("Name an existing collection or send a draft definition.");
  const filter = input.kind === "filter";
  const problems =
    input.text.trim() === ""
      ? []
      : checkRule(input.text, {
          collection,
          lookup,
          allowRequest: !filter,
          allowCollectionRefs: !filter,
        });
  return { valid: problems.length === 0, problems };
}
