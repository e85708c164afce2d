// Public surface of @cairn/storage: the adapter contract, its errors and key rules, and the two
// backends. The contract suite (storage.contract.ts) is test-only and not exported.
export { createLocalStorage, type LocalStorageOptions } from "./local-storage.js";
export { createS3Storage, type S3StorageOptions } from "./s3-storage.js";
export {
  type ByteRange,
  canPresign,
  DEFAULT_CONTENT_TYPE,
  type GetOptions,
  type GetResult,
  type ListedObject,
  type PresignGetOptions,
  type PresigningStorageAdapter,
  type PresignPutOptions,
  type PutOptions,
  type SignalOption,
  type StorageAdapter,
  type StorageCapabilities,
  type StoredObject,
} from "./storage-adapter.js";
export {
  isStorageError,
  StorageError,
  type StorageErrorCode,
  storageErrorStatus,
  storageErrors,
} from "./storage-error.js";
export {
  assertSafeKey,
  isSafeKey,
  MAX_KEY_LENGTH,
  MAX_SEGMENT_LENGTH,
  normalizePrefix,
} from "./storage-key.js";
