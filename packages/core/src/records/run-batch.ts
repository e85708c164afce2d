import type { FieldError } from "@cairn/schema";
import { type Ctx, withTransaction } from "../context.js";
import { CairnError, errors, isCairnError } from "../errors.js";
import { createRecord } from "./create-record.js";
import { deleteRecord } from "./delete-record.js";
import type { ApiRecord } from "./record-codec.js";
import { updateRecord } from "./update-record.js";

export type BatchOperation =
  | { action: "create"; collection: string; body: Record<string, unknown> }
  | { action: "update"; collection: string; id: string; body: Record<string, unknown> }
  | { action: "delete"; collection: string; id: string };

export type BatchResult = { status: 200 | 201 | 204; body: ApiRecord | null };

export const maxBatchOperations = 100;

/**
 * Runs record operations in one transaction: all of them happen or none does. Each is checked
 * against its collection's rules as if sent alone. A failure names the operation it was.
 */
export async function runBatch({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { operations: BatchOperation[] };
}): Promise<BatchResult[]> {
  if (input.operations.length === 0)
    throw errors.badRequest("A batch needs at least one operation.");
  if (input.operations.length > maxBatchOperations) {
    throw errors.badRequest(`A batch holds at most ${maxBatchOperations} operations.`);
  }
  return withTransaction(ctx, async (tx) => {
    const results: BatchResult[] = [];
    for (const [index, operation] of input.operations.entries()) {
      try {
        switch (operation.action) {
          case "create":
            results.push({ status: 201, body: await createRecord({ ctx: tx, input: operation }) });
            break;
          case "update":
            results.push({ status: 200, body: await updateRecord({ ctx: tx, input: operation }) });
            break;
          case "delete":
            await deleteRecord({ ctx: tx, input: operation });
            results.push({ status: 204, body: null });
            break;
        }
      } catch (error) {
        if (!isCairnError(error)) throw error;
        const fields: Record<string, FieldError> = {};
        for (const [key, value] of Object.entries(error.fields ?? {}))
          fields[`requests.${index}.${key}`] = value;
        throw new CairnError(
          error.code,
          `Operation ${index + 1} (${operation.action} in "${operation.collection}") failed: ${error.message} Nothing was changed.`,
          {
            fields: Object.keys(fields).length > 0 ? fields : undefined,
            cause: error,
          },
        );
      }
    }
    return results;
  });
}
