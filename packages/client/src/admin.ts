// @cairn/client/admin: what only superusers (the console, scripts) need. A separate entry so
// app bundles never carry it; it works on top of an app client from "@cairn/client".
export { AdminClient, createAdmin } from "./admin-client.js";
export type {
  ApiKeyInfo,
  AuditEntry,
  AuthCollectionOptions,
  Collection,
  CollectionInput,
  FieldDefinition,
  MailboxEntry,
  OAuth2Settings,
  RuleProblem,
  SchemaDocument,
  SchemaPlan,
  Settings,
  StorageSettings,
  StorageSettingsPatch,
  Superuser,
  WebhookAttempt,
  WebhookDelivery,
  WebhookDeliveryDetail,
  WebhookDeliveryStatus,
  WebhookInfo,
  WebhookInput,
  WebhookSecretInfo,
  WebhookSettings,
} from "./admin-types.js";
