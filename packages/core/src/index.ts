export { type AuditAction, audit } from "./auth/audit.js";
export {
  authOptionsOf,
  findUserByEmail,
  findUserById,
  ownRecord,
  resolveAuthCollection,
  type UserRow,
} from "./auth/auth-collection.js";
export { consumeAuthToken, issueAuthToken } from "./auth/auth-token-store.js";
export { authenticate } from "./auth/authenticate.js";
export {
  completeSignIn,
  hasConfirmedFactor,
  type SignInMethod,
  type SignInResult,
  startSession,
} from "./auth/complete-sign-in.js";
export { createSession, type SessionSubject } from "./auth/create-session.js";
export { hashPassword, verifyPassword } from "./auth/passwords.js";
export { consumeRateLimit, RateLimitedError } from "./auth/rate-limit.js";
export { checkRedirectUrl } from "./auth/redirect-url.js";
export { revokeSessionsOf } from "./auth/revoke-sessions.js";
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
  isPrivileged,
  type Log,
  type RequestContext,
  withTransaction,
} from "./context.js";
export * from "./errors.js";
export { newRecordId } from "./ids.js";
export { defaultTemplates, type MailTemplateName, renderTemplate } from "./mail/mail-templates.js";
export { linkBase, sendMail } from "./mail/send-mail.js";
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
export {
  getSetting,
  putSetting,
  type SettingKey,
  type SettingValue,
  settingSchemas,
} from "./settings/settings-store.js";
