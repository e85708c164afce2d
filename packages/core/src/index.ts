export { authenticate } from "./auth/authenticate.js";
export { createSession, type SessionSubject } from "./auth/create-session.js";
export { applySchema } from "./collections/apply-schema.js";
export { type CollectionLookup, CollectionRegistry } from "./collections/collection-registry.js";
export { createCollection } from "./collections/create-collection.js";
export { deleteCollection } from "./collections/delete-collection.js";
export { exportSchema } from "./collections/export-schema.js";
export { getCollection } from "./collections/get-collection.js";
export { listCollections } from "./collections/list-collections.js";
export { planSchema, type SchemaPlan, type SchemaPlanStep } from "./collections/plan-schema.js";
export type { SchemaDocument } from "./collections/schema-document.js";
export { updateCollection } from "./collections/update-collection.js";
export { type ValidateRuleInput, validateRule } from "./collections/validate-rule.js";
export {
  type Actor,
  type Ctx,
  createCtx,
  type RequestContext,
  withTransaction,
} from "./context.js";
export * from "./errors.js";
export { newRecordId } from "./ids.js";
export { createRecord } from "./records/create-record.js";
export { deleteRecord } from "./records/delete-record.js";
export { getRecord } from "./records/get-record.js";
export {
  type ListRecordsInput,
  listRecords,
  maxPerPage,
  type RecordPage,
} from "./records/list-records.js";
export type { ApiRecord } from "./records/record-codec.js";
export {
  type BatchOperation,
  type BatchResult,
  maxBatchOperations,
  runBatch,
} from "./records/run-batch.js";
export { updateRecord } from "./records/update-record.js";
