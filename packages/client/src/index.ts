// @cairn/client: the app surface (auth, records, files, filters, batch). Admin features are in
// @cairn/client/admin so app bundles never carry them.
export { AuthClient } from "./auth-client.js";
export { MfaClient } from "./auth-mfa.js";
export type { AuthEvent, AuthListener, AuthSession } from "./auth-session.js";
export { type AuthStorage, browserStorage, memoryStorage } from "./auth-storage.js";
export type {
  AuthMethods,
  MfaProof,
  MfaStatus,
  OAuth2Meta,
  OAuth2ProviderInfo,
  OAuth2Result,
  SessionInfo,
  SignInResult,
  SignUpResult,
} from "./auth-types.js";
export { CairnError, type ErrorCode, type FieldError, isCairnError } from "./cairn-error.js";
export {
  CairnClient,
  type ClientOptions,
  createClient,
  type Health,
  type Readiness,
} from "./client.js";
export { FilesClient } from "./file-client.js";
export type {
  DirectUploadInput,
  DirectUploadResult,
  FileBytes,
  FileOwner,
  FileToken,
  FileUpload,
  FileUrlOptions,
  NativeFile,
  UploadProgress,
} from "./file-types.js";
export { bindFilter, type FilterValue } from "./filter-bind.js";
export type { CallOptions, RequestOptions } from "./http-transport.js";
export type { RealtimeEvent, SubscribeOptions, Unsubscribe } from "./realtime-client.js";
export type { BatchOperation, BatchResults } from "./record-batch.js";
export {
  type BatchOperations,
  type ListOptions,
  type ListResult,
  type ReadOptions,
  RecordClient,
  type WriteOptions,
} from "./record-client.js";
export type {
  AnySchema,
  AuthCollectionName,
  CairnSchema,
  CheckExpand,
  CollectionTypes,
  ExpandName,
  ExpandOf,
  UpdateBody,
  WithExpand,
  WithoutUploads,
} from "./schema-types.js";
