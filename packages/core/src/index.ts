export type { ApiKeyInfo } from "./api-keys/api-key-shared.js";
export { createApiKey } from "./api-keys/create-api-key.js";
export { listApiKeys } from "./api-keys/list-api-keys.js";
export { revokeApiKey } from "./api-keys/revoke-api-key.js";
export { type AuditAction, audit } from "./auth/audit.js";
export {
  authOptionsOf,
  findUserByEmail,
  findUserById,
  ownRecord,
  resolveAuthCollection,
  type UserRow,
} from "./auth/auth-collection.js";
export { type AuthMethods, getAuthMethods } from "./auth/auth-methods.js";
export { consumeAuthToken, issueAuthToken } from "./auth/auth-token-store.js";
export { authenticate } from "./auth/authenticate.js";
export {
  completeSignIn,
  hasConfirmedFactor,
  type SignInMethod,
  type SignInResult,
  startSession,
} from "./auth/complete-sign-in.js";
export { confirmEmailChange } from "./auth/confirm-email-change.js";
export { confirmPasswordReset } from "./auth/confirm-password-reset.js";
export { confirmVerification } from "./auth/confirm-verification.js";
export { createSession, type SessionSubject } from "./auth/create-session.js";
export { requireUser } from "./auth/current-user.js";
export { type DisabledUser, disableUser } from "./auth/disable-user.js";
export { isUserDisabled } from "./auth/disabled-user-store.js";
export { enableUser } from "./auth/enable-user.js";
export { getMe } from "./auth/get-me.js";
export { impersonate } from "./auth/impersonate.js";
export { listDisabledUsers } from "./auth/list-disabled-users.js";
export { listSessions, type SessionInfo } from "./auth/list-sessions.js";
export * from "./auth/mfa/index.js";
export * from "./auth/oauth2/index.js";
export * from "./auth/otp/index.js";
export { hashPassword, verifyPassword } from "./auth/passwords.js";
export { consumeRateLimit, RateLimitedError } from "./auth/rate-limit.js";
export { checkRedirectUrl } from "./auth/redirect-url.js";
export { refreshSession } from "./auth/refresh-session.js";
export { requestEmailChange } from "./auth/request-email-change.js";
export { requestPasswordReset } from "./auth/request-password-reset.js";
export { requestVerification } from "./auth/request-verification.js";
export { revokeSession } from "./auth/revoke-session.js";
export { revokeSessionsOf } from "./auth/revoke-sessions.js";
export { signInAnonymously } from "./auth/sign-in-anonymously.js";
export { signInWithPassword } from "./auth/sign-in-with-password.js";
export { signOut } from "./auth/sign-out.js";
export { type SignUpResult, signUp } from "./auth/sign-up.js";
export { upgradeAnonymous } from "./auth/upgrade-anonymous.js";
export { type BackupManifest, type BackupSummary, cairnVersion } from "./backups/backup-format.js";
export { type BackupScheduler, createBackupScheduler } from "./backups/backup-scheduler.js";
export type { BackupInfo } from "./backups/backup-shared.js";
export { type CreateBackupInput, createBackup } from "./backups/create-backup.js";
export { deleteBackup } from "./backups/delete-backup.js";
export { type BackupSettings, getBackupSettings } from "./backups/get-backup-settings.js";
export { listBackups } from "./backups/list-backups.js";
export { openBackup } from "./backups/open-backup.js";
export { requestBackup } from "./backups/request-backup.js";
export {
  type RestoreBackupInput,
  type RestoreBackupResult,
  restoreBackup,
} from "./backups/restore-backup.js";
export { startBackup, stopBackups } from "./backups/start-backup.js";
export { updateBackupSettings } from "./backups/update-backup-settings.js";
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
  actorRef,
  type Ctx,
  createCtx,
  isPrivileged,
  type Log,
  type RequestContext,
  withTransaction,
} from "./context.js";
export * from "./errors.js";
export { emitEvent, eventRecord, eventsChannel } from "./events/emit-event.js";
export { advanceConsumer, consumerCursor } from "./events/event-consumers.js";
export {
  type AuthEventData,
  authEventTypes,
  type CairnEvent,
  type EventType,
  eventName,
  type RecordEventData,
  recordEventTypes,
} from "./events/event-types.js";
export { createEventWake, type EventWake } from "./events/event-wake.js";
export { pruneEvents } from "./events/prune-events.js";
export {
  currentCursor,
  type EventCursor,
  formatCursor,
  parseCursor,
  readEvents,
  startCursor,
} from "./events/read-events.js";
export { confirmDirectUpload } from "./files/confirm-direct-upload.js";
export { createDirectUpload, type DirectUpload } from "./files/create-direct-upload.js";
export {
  type CreateFileStorageOptions,
  createFileStorage,
  readStorageSettings,
  type S3Tuning,
} from "./files/create-file-storage.js";
export { discardUploads } from "./files/discard-uploads.js";
export { contentDisposition } from "./files/file-names.js";
export { inlineSafe } from "./files/file-sniff.js";
export {
  type FileStorage,
  fixedFileStorage,
  type StorageKind,
  storageKinds,
} from "./files/file-storage.js";
export { createFileToken } from "./files/file-token.js";
export {
  type MigrateFilesFailure,
  type MigrateFilesInput,
  type MigrateFilesProgress,
  type MigrateFilesResult,
  migrateFiles,
} from "./files/migrate-files.js";
export { type OpenedFile, type OpenFileInput, openFile } from "./files/open-file.js";
export {
  checkUploadAllowed,
  maxFilesPerRequest,
  type StoredUpload,
  storeUpload,
  uploadLimit,
} from "./files/store-upload.js";
export { sweepFiles } from "./files/sweep-files.js";
export { pruneExpired } from "./housekeeping/prune-expired.js";
export { newRecordId } from "./ids.js";
export { getRequestLog } from "./logs/get-request-log.js";
export {
  bucketSecondsFor,
  getRequestLogStats,
  type RequestLogBucket,
  type RequestLogStats,
} from "./logs/get-request-log-stats.js";
export { listRequestLogs, maxRequestLogsPerPage } from "./logs/list-request-logs.js";
export { pruneRequestLogs } from "./logs/prune-request-logs.js";
export type {
  RequestLogEntry,
  RequestLogFilterInput,
  RequestLogItem,
} from "./logs/request-log-shared.js";
export {
  createRequestLogWriter,
  type RequestLogWriter,
  type RequestLogWriterOptions,
} from "./logs/request-log-writer.js";
export { defaultTemplates, type MailTemplateName, renderTemplate } from "./mail/mail-templates.js";
export { linkBase, sendMail } from "./mail/send-mail.js";
export { authorizeMetricsScrape } from "./metrics/authorize-metrics-scrape.js";
export { createMetricsToken } from "./metrics/create-metrics-token.js";
export { getMetricsSettings } from "./metrics/get-metrics-settings.js";
export {
  type MetricsSettingsView,
  metricsTokenHash,
  metricsTokenPrefix,
} from "./metrics/metrics-settings.js";
export { updateMetricsSettings } from "./metrics/update-metrics-settings.js";
export { type OpenRealtimeInput, openRealtime } from "./realtime/open-realtime.js";
export {
  RealtimeBroker,
  type RealtimeBrokerOptions,
  type RealtimeStats,
} from "./realtime/realtime-broker.js";
export { defaultRealtimeLimits, type RealtimeLimits } from "./realtime/realtime-connection.js";
export { setRealtimeSubscriptions } from "./realtime/set-realtime-subscriptions.js";
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
export { clearMailbox } from "./settings/clear-mailbox.js";
export { getSecuritySettings } from "./settings/get-security-settings.js";
export { getSettings } from "./settings/get-settings.js";
export { getStorageSettings } from "./settings/get-storage-settings.js";
export { listAuditLog } from "./settings/list-audit-log.js";
export { listMailbox } from "./settings/list-mailbox.js";
export {
  type CorsSettings,
  type RateLimitSettings,
  readSecuritySettings,
  type SecuritySettings,
  type SecuritySettingsView,
  securityDefaults,
  securitySettingsChannel,
} from "./settings/security-settings.js";
export { sendTestMail } from "./settings/send-test-mail.js";
export {
  createSecuritySettingsCache,
  type SecuritySettingsCache,
  type SecuritySettingsCacheOptions,
} from "./settings/settings-cache.js";
export { maskedSecret } from "./settings/settings-shared.js";
export {
  getSetting,
  putSetting,
  type SettingKey,
  type SettingValue,
  type StorageSettings,
  settingSchemas,
  storageSettingsSchema,
} from "./settings/settings-store.js";
export { testSmtp } from "./settings/test-smtp.js";
export { testStorage } from "./settings/test-storage.js";
export { updateSecuritySettings } from "./settings/update-security-settings.js";
export { updateSettings } from "./settings/update-settings.js";
export { updateStorageSettings } from "./settings/update-storage-settings.js";
export { createSuperuser } from "./superusers/create-superuser.js";
export { deleteSuperuser } from "./superusers/delete-superuser.js";
export { listSuperusers } from "./superusers/list-superusers.js";
export { setupFirstSuperuser } from "./superusers/setup-first-superuser.js";
export { signInSuperuser } from "./superusers/sign-in-superuser.js";
export { signOutSuperuser } from "./superusers/sign-out-superuser.js";
export { hasSuperusers, issueSetupLink } from "./superusers/superuser-setup.js";
export type { SuperuserInfo } from "./superusers/superuser-shared.js";
export { createWebhook } from "./webhooks/create-webhook.js";
export { deleteWebhook } from "./webhooks/delete-webhook.js";
export { getWebhook } from "./webhooks/get-webhook.js";
export { getWebhookDelivery } from "./webhooks/get-webhook-delivery.js";
export { getWebhookSettings, type WebhookSettings } from "./webhooks/get-webhook-settings.js";
export { listWebhookDeliveries } from "./webhooks/list-webhook-deliveries.js";
export { listWebhooks } from "./webhooks/list-webhooks.js";
export { pruneWebhookDeliveries } from "./webhooks/prune-webhook-deliveries.js";
export { redeliverWebhookDeliveries } from "./webhooks/redeliver-webhook-deliveries.js";
export { redeliverWebhookDelivery } from "./webhooks/redeliver-webhook-delivery.js";
export { revealWebhookSecret } from "./webhooks/reveal-webhook-secret.js";
export { rotateWebhookSecret } from "./webhooks/rotate-webhook-secret.js";
export { sendTestWebhook } from "./webhooks/send-test-webhook.js";
export { updateWebhook } from "./webhooks/update-webhook.js";
export { updateWebhookSettings } from "./webhooks/update-webhook-settings.js";
export type {
  AttemptInfo,
  DeliveryInfo,
  DeliveryStatus,
  WebhookInfo,
} from "./webhooks/webhook-shared.js";
export {
  createWebhookWorker,
  type WebhookAttemptStat,
  type WebhookWorker,
  type WebhookWorkerOptions,
} from "./webhooks/webhook-worker.js";
